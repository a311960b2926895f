package io.paywire.gradecoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class GradecoinPemTest {

  @Test
  void readsSpkiOnManyLinesAndOnOne() throws Exception {
    JsonObject v = GradecoinVectors.get();
    assertThat(GradecoinPem.parse(v.getString("spki")).getModulus().bitLength()).isEqualTo(2048);
    assertThat(GradecoinPem.parse(v.getString("spkiOneLine")))
        .isEqualTo(GradecoinPem.parse(v.getString("spki")));
    assertThat(v.getString("spkiOneLine")).doesNotContain("\n-----END");
  }

  @Test
  void readsPkcs1RsaPublicKey() throws Exception {
    JsonObject v = GradecoinVectors.get();
    assertThat(v.getString("pkcs1")).startsWith("-----BEGIN RSA PUBLIC KEY-----");
    assertThat(GradecoinPem.parse(v.getString("pkcs1")))
        .isEqualTo(GradecoinPem.parse(v.getString("spki")));
  }

  @Test
  void readsA2047BitKey() throws Exception {
    JsonObject v = GradecoinVectors.get();
    BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(v.getString("oddModulusHex")));
    assertThat(n.bitLength()).isEqualTo(2047);
    assertThat(GradecoinPem.parse(v.getString("odd2047")).getModulus()).isEqualTo(n);
  }

  @Test
  void refusesGarbage() throws Exception {
    String spki = GradecoinVectors.get().getString("spki");
    for (String bad :
        new String[] {
          "not a key",
          spki.replace("PUBLIC KEY", "CERTIFICATE"),
          spki.replace("-----END PUBLIC KEY", "-----END RSA PUBLIC KEY"),
          // A leading space on a data line breaks base64 (the first is eaten by the armour regex).
          spki.replaceFirst("(-----\n[^\n]+\n)", "$1 "),
          "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
        }) {
      assertThatThrownBy(() -> GradecoinPem.parse(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
