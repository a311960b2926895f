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
 * A captured payment forward never charges its payer twice: by default the same forward bytes pay
 * at most once, ever, whatever logins, time or restarts come between (the original client's
 * forwards are deterministic, so a replay cannot be told from a repeated payment, and a repeat is
 * told to change the amount). A classroom may opt in to once per login of the payer
 * (compat.forwardReplay "perLogin"). Either way a forward is accepted only while its payer is
 * logged in.
 */
class CompatForwardReplayTest {

  @TempDir Path directory;
  private TestNode node;

  @AfterEach
  void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void identicalForwardBytesPayOnceEverAcrossLoginsAndRestarts() throws Exception {
    node = TestNode.start(directory, new JsonObject(), new JsonObject());
    Pair pair = Pair.open(node);
    byte[] message = pair.trans(50);
    try (pair.payee) {
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS OK");
      assertThat(pair.payee.ask(message)).isEqualTo(CompatSession.REPEATED);
      assertThat(pair.payer.exit()).isEqualTo("Bye");
      pair.payer.close();
      // The attack: the payee resends the bytes after each of the payer's next logins.
      for (int login = 1; login <= 3; login++) {
        try (OriginalClient again =
            OriginalClient.connect(node.port("compat"), node.fingerprint(), pair.payerId)) {
          Listing.parse(again.login("payer", 0));
          assertThat(pair.payee.ask(message))
              .as("login %d", login)
              .isEqualTo(CompatSession.REPEATED);
          assertThat(Listing.parse(again.list()).balance()).isEqualTo(1000 - 50);
          assertThat(again.exit()).isEqualTo("Bye");
        }
      }
    }
    node.close();
    node = TestNode.start(directory, new JsonObject(), new JsonObject());
    Pair after = Pair.reopen(node, pair);
    try (after.payer;
        after.payee) {
      assertThat(after.payee.ask(message)).as("after a restart").isEqualTo(CompatSession.REPEATED);
      assertThat(Listing.parse(after.payer.list()).balance()).isEqualTo(1000 - 50);
      // A new amount is a new payment.
      assertThat(after.payee.ask(after.trans(51))).isEqualTo("TRANS OK");
    }
  }

  @Test
  void perLoginIsAnOptInThatTakesTheSameBytesOncePerLoginOfThePayer() throws Exception {
    node =
        TestNode.start(
            directory, new JsonObject(), new JsonObject().put("forwardReplay", "perLogin"));
    Pair pair = Pair.open(node);
    try (pair.payee) {
      byte[] message = pair.trans(100);
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS OK");
      for (int replay = 1; replay <= 3; replay++) {
        assertThat(pair.payee.ask(message)).as("replay %d", replay).isEqualTo("TRANS FAIL");
      }
      assertThat(Listing.parse(pair.payer.list()).balance()).isEqualTo(1000 - 100);

      // The payer leaves: the forward is refused, whatever time passes.
      assertThat(pair.payer.exit()).isEqualTo("Bye");
      pair.payer.close();
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS FAIL");
      assertThat(Listing.parse(pair.payee.list()).balance()).isEqualTo(10 + 100);

      // The trade-off of the opt-in: after the payer logs in again, the same bytes (the same
      // payment made again, or a capture) are taken once more, once.
      try (OriginalClient again =
          OriginalClient.connect(node.port("compat"), node.fingerprint(), pair.payerId)) {
        assertThat(Listing.parse(again.login("payer", 0)).balance()).isEqualTo(900);
        assertThat(pair.payee.ask(message)).isEqualTo("TRANS OK");
        assertThat(pair.payee.ask(message)).isEqualTo("TRANS FAIL");
        assertThat(Listing.parse(again.list()).balance()).isEqualTo(800);
      }
    }
  }

  @Test
  void aForwardWhosePayerIsNotLoggedInIsRefusedAndMovesNothing() throws Exception {
    node = TestNode.start(directory, new JsonObject(), new JsonObject());
    Pair pair = Pair.open(node);
    try (pair.payee) {
      byte[] message = pair.trans(100);
      assertThat(pair.payer.exit()).isEqualTo("Bye");
      pair.payer.close();
      assertThat(pair.payee.ask(message)).isEqualTo("TRANS FAIL");
      assertThat(Listing.parse(pair.payee.list()).balance()).isEqualTo(10);
    }
  }

  /** A payer with 1000 and a payee with 10, both logged in over the compatibility listener. */
  private record Pair(
      Identity payerId, OriginalClient payer, Identity payeeId, OriginalClient payee) {

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

    /** The same two users, logged in again on a restarted node. */
    static Pair reopen(TestNode node, Pair before) throws Exception {
      OriginalClient payer =
          OriginalClient.connect(node.port("compat"), node.fingerprint(), before.payerId);
      OriginalClient payee =
          OriginalClient.connect(node.port("compat"), node.fingerprint(), before.payeeId);
      Listing.parse(payer.login("payer", 0));
      Listing.parse(payee.login("payee", 0));
      return new Pair(before.payerId, payer, before.payeeId, payee);
    }

    byte[] trans(long amount) {
      byte[] payerBlock = OriginalClient.payerBlock(payerId.privateKey(), "payer", amount, "payee");
      return OriginalClient.transMessage(
          "payer", amount, "payee", OriginalClient.payeeBlocks(payeeId.privateKey(), payerBlock));
    }
  }
}
