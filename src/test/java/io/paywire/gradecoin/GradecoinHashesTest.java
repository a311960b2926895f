package io.paywire.gradecoin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradecoinHashesTest {

  @Test
  void transactionBytesAndHashMatchNode() throws Exception {
    JsonObject v = GradecoinVectors.get();
    JsonObject tx = v.getJsonObject("tx");
    String[] args = {tx.getString("source"), tx.getString("target"), tx.getString("timestamp")};
    assertThat(GradecoinHashes.transactionJson(args[0], args[1], 3, args[2]))
        .isEqualTo(v.getString("txJson"));
    assertThat(GradecoinHashes.transactionHash(args[0], args[1], 3, args[2]))
        .isEqualTo(v.getString("txMd5"));
  }

  @Test
  void blockBytesAndHashMatchNode() throws Exception {
    JsonObject v = GradecoinVectors.get();
    assertThat(GradecoinHashes.blockJson(List.of("id1", "id2"), 42, "2021-04-13T20:55:30"))
        .isEqualTo(v.getString("blockJson"));
    assertThat(GradecoinHashes.blockHash(List.of("id1", "id2"), 42, "2021-04-13T20:55:30"))
        .isEqualTo(v.getString("blockHash"));
    assertThat(GradecoinHashes.blockHash(List.of(), 7, "2022-04-11T20:45:00"))
        .isEqualTo(v.getString("emptyBlockHash"));
  }

  @Test
  void fingerprintIsTheSha256OfTheTextAsSent() throws Exception {
    JsonObject v = GradecoinVectors.get();
    assertThat(GradecoinHashes.fingerprint(v.getString("spki")))
        .isEqualTo(v.getString("spkiSha256"));
    assertThat(GradecoinHashes.fingerprint(v.getString("spki").strip()))
        .isNotEqualTo(v.getString("spkiSha256"));
  }

  @Test
  void countsLeadingZeros() {
    assertThat(GradecoinHashes.startsWithZeros("000a1", 3)).isTrue();
    assertThat(GradecoinHashes.startsWithZeros("000a1", 4)).isFalse();
    assertThat(GradecoinHashes.startsWithZeros("abc", 0)).isTrue();
  }
}
