package io.paywire.gradecoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

class GradecoinJwtTest {

  private static void refused(String token, PublicKey key, long now, String text) {
    assertThatThrownBy(() -> GradecoinJwt.verify(token, key, now))
        .isInstanceOf(GradecoinJwt.Refused.class)
        .hasMessage(text);
  }

  @Test
  void acceptsAValidTokenUntilItsExpirySecond() throws Exception {
    JsonObject v = GradecoinVectors.get();
    PublicKey key = GradecoinPem.parse(v.getString("spki"));
    long now = v.getLong("now");
    assertThat(GradecoinJwt.verify(v.getString("valid"), key, now))
        .isEqualTo(new GradecoinJwt.Claims("abc", now - 10, now));
    refused(v.getString("valid"), key, now + 1, "This token has expired");
    refused(v.getString("expired"), key, now, "This token has expired");
  }

  @Test
  void acceptsA2047BitKeysToken() throws Exception {
    JsonObject v = GradecoinVectors.get();
    PublicKey key = GradecoinPem.parse(v.getString("odd2047"));
    assertThat(GradecoinJwt.verify(v.getString("validOdd"), key, v.getLong("now")).tha())
        .isEqualTo("abc");
  }

  @Test
  void refusesWithGradecoinsTexts() throws Exception {
    JsonObject v = GradecoinVectors.get();
    PublicKey key = GradecoinPem.parse(v.getString("spki"));
    long now = v.getLong("now");
    refused(v.getString("hs256"), key, now, "JWT Error: InvalidAlgorithm");
    refused(v.getString("badSignature"), key, now, "JWT Error: InvalidSignature");
    refused(
        v.getString("missingIat"),
        key,
        now,
        "JWT Error: JSON error: missing field `iat` at line 1 column "
            + v.getInteger("missingIatColumn"));
    refused("abc", key, now, "Invalid Token");
    refused("a.b", key, now, "Invalid Token");
    refused("x".repeat(GradecoinJwt.MAX_TOKEN_BYTES) + ".a.b", key, now, "Invalid Token");
  }

  @Test
  void stripsEveryLeadingBearer() {
    assertThat(GradecoinJwt.stripBearer("Bearer a.b.c")).isEqualTo("a.b.c");
    assertThat(GradecoinJwt.stripBearer("Bearer Bearer a.b.c")).isEqualTo("a.b.c");
    assertThat(GradecoinJwt.stripBearer("a.b.c")).isEqualTo("a.b.c");
  }
}
