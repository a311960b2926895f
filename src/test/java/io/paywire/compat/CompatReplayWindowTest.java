package io.paywire.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.compat.OriginalClient.Identity;
import io.paywire.compat.OriginalClient.Listing;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compat.replayWindowSeconds reaches the listener: an identical forward is refused inside the
 * window, accepted again after it, and always accepted when the window is 0 (the original's
 * behaviour, for operators who choose it).
 */
class CompatReplayWindowTest {

  @TempDir Path directory;
  private TestNode node;

  @AfterEach
  void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anIdenticalForwardIsAcceptedAgainOnceTheWindowHasPassed() throws Exception {
    node = TestNode.start(directory, new JsonObject(),
        new JsonObject().put("replayWindowSeconds", 1));
    Pair pair = Pair.open(node);
    try (pair.payer; pair.payee) {
      byte[] message = pair.trans(100);
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS OK");
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS FAIL");
      Thread.sleep(1_500);
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS OK");
      assertThat(Listing.parse(pair.payee.list()).balance()).isEqualTo(10 + 200);
    }
  }

  @Test
  void aWindowOfZeroAcceptsEveryIdenticalForward() throws Exception {
    node = TestNode.start(directory, new JsonObject(),
        new JsonObject().put("replayWindowSeconds", 0));
    Pair pair = Pair.open(node);
    try (pair.payer; pair.payee) {
      byte[] message = pair.trans(100);
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS OK");
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS OK");
      assertThat(Listing.parse(pair.payer.list()).balance()).isEqualTo(1000 - 200);
    }
  }

  /** A payer with 1000 and a payee with 10, both logged in over the compatibility listener. */
  private record Pair(Identity payerId, OriginalClient payer, Identity payeeId,
      OriginalClient payee) {

    static Pair open(TestNode node) throws Exception {
      Identity payerId = Identity.fresh("payer");
      Identity payeeId = Identity.fresh("payee");
      OriginalClient payer =
          OriginalClient.connect(node.port("compat"), node.fingerprint(), payerId);
      OriginalClient payee =
          OriginalClient.connect(node.port("compat"), node.fingerprint(), payeeId);
      assertThat(payer.register("payer", 1000)).isEqualTo("100 OK");
      assertThat(payee.register("payee", 10)).isEqualTo("100 OK");
      Listing.parse(payer.login("payer", 0));
      Listing.parse(payee.login("payee", 0));
      return new Pair(payerId, payer, payeeId, payee);
    }

    byte[] trans(long amount) {
      byte[] payerBlock =
          OriginalClient.payerBlock(payerId.privateKey(), "payer", amount, "payee");
      return OriginalClient.transMessage("payer", amount, "payee",
          OriginalClient.payeeBlocks(payeeId.privateKey(), payerBlock));
    }
  }
}
