package io.paywire.gradecoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GradecoinTimeTest {

  @ParameterizedTest
  @CsvSource({
    "2021-04-13T20:55:30.120000, 2021-04-13T20:55:30.120",
    "2021-04-13T20:55:30.1, 2021-04-13T20:55:30.100",
    "2021-04-13T20:55:30.000, 2021-04-13T20:55:30",
    "2021-04-13T20:55:30, 2021-04-13T20:55:30",
    "2021-04-13T20:55:30.123456789, 2021-04-13T20:55:30.123456789",
    "2021-04-13T20:55:30.1234567899, 2021-04-13T20:55:30.123456789",
    "2021-04-13T20:55:30.123450, 2021-04-13T20:55:30.123450",
    "2021-4-3T2:5:3, 2021-04-03T02:05:03",
    "2016-12-31T23:59:60, 2016-12-31T23:59:60",
  })
  void rewritesAsChronoWrites(String sent, String written) {
    assertThat(GradecoinTime.rewrite(sent)).isEqualTo(written);
  }

  @ParameterizedTest
  @CsvSource({
    "2021-04-13T20:55:30Z, trailing input",
    "2021-04-13T20:55:30+03:00, trailing input",
    "'2021-04-13 20:55:30', input contains invalid characters",
    "2021-04-13T20:55, premature end of input",
    "2021-02-30T20:55:30, input is out of range",
    "2021-04-13T24:00:00, input is out of range",
    "2021-04-13T20:55:30., premature end of input",
  })
  void refusesWithChronosText(String sent, String error) {
    assertThatThrownBy(() -> GradecoinTime.rewrite(sent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(error);
  }

  @Test
  void formatsAndClocksAsChronoDisplays() {
    assertThat(GradecoinTime.format(LocalDateTime.of(2022, 4, 11, 20, 45, 0, 5_000_000)))
        .isEqualTo("2022-04-11T20:45:00.005");
    assertThat(GradecoinTime.txIdClock(Instant.parse("2021-04-13T20:55:30.000000120Z")))
        .isEqualTo("2021-04-13 20:55:30.000000120 UTC");
  }
}
