package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TransferIdTest {

  @Property
  void writesWhatTheJdkWritesAndReadsItBack(@ForAll long high, @ForAll long low) {
    TransferId id = new TransferId(high, low);
    String expected = HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    assertThat(id.toString()).isEqualTo(expected);
    assertThat(TransferId.parseOrNull(expected)).isEqualTo(id);
    assertThat(TransferId.parseOrNull(expected.toUpperCase(Locale.ROOT))).isEqualTo(id);
  }

  @Test
  void refusesAnythingButThirtyTwoAsciiHexDigits() {
    String good = "0123456789abcdef0123456789ABCDEF";
    assertThat(TransferId.parseOrNull(good)).isNotNull();
    assertThat(TransferId.parseOrNull(good.substring(1))).isNull();
    assertThat(TransferId.parseOrNull(good + "0")).isNull();
    assertThat(TransferId.parseOrNull(null)).isNull();
    assertThat(TransferId.parseOrNull(good.replace('a', 'g'))).isNull();
    assertThat(TransferId.parseOrNull(good.replace('0', '-'))).isNull();
    // Other scripts' digits are digits to Character.digit, never to an id.
    assertThat(TransferId.parseOrNull(good.replace('1', '\u0661'))).isNull();
  }
}
