package io.paywire.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.compat.OriginalClient.Identity;
import io.paywire.compat.OriginalClient.Listing;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the compatibility listener does with payments it must refuse and bytes it cannot use: wrong
 * keys, a mismatched header, a truncated or replayed TRANS, a TRANS from the wrong session,
 * garbage, oversize messages and clients without a certificate. No money moves, and everyone else
 * keeps being served. Every test uses accounts of its own.
 */
class CompatBadInputTest {

  private static final int IDLE_TIMEOUT_SECONDS = 3;
  private static final int MAX_MESSAGE_BYTES = 4096;
  private static final String INVALID = "The message is invalid, try again!";
  private static final String CLOSED = "<closed>";
  private static final String NOTHING = "<nothing>";

  private static final long PARTIAL_MESSAGE_TIMEOUT_MILLIS = 500;
  @TempDir static Path directory;
  private static TestNode node;
  private static final AtomicInteger names = new AtomicInteger();

  @BeforeAll
  static void startNode() throws Exception {
    node =
        TestNode.start(
            directory,
            new JsonObject().put("idleTimeoutSeconds", IDLE_TIMEOUT_SECONDS),
            new JsonObject()
                .put("maxMessageBytes", MAX_MESSAGE_BYTES)
                .put("partialMessageTimeoutMillis", PARTIAL_MESSAGE_TIMEOUT_MILLIS));
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  /** A registered account, logged in over its own original-client connection. */
  record Account(String name, Identity identity, OriginalClient client) implements AutoCloseable {

    static Account open(String prefix, long deposit) throws Exception {
      String name = prefix + names.incrementAndGet();
      Identity identity = Identity.fresh(name);
      OriginalClient client = connect(identity);
      assertThat(client.register(name, deposit)).isEqualTo("100 OK");
      assertThat(Listing.parse(client.login(name, 0)).balance()).isEqualTo(deposit);
      return new Account(name, identity, client);
    }

    long balance() throws IOException {
      return Listing.parse(client.list()).balance();
    }

    @Override
    public void close() throws IOException {
      client.close();
    }
  }

  private static OriginalClient connect(Identity identity) throws Exception {
    return OriginalClient.connect(node.port("compat"), node.fingerprint(), identity);
  }

  /** The payee's correct forward of a payment the payer really made. */
  private static byte[] validTrans(Account payer, long amount, Account payee) {
    byte[] payerBlock =
        OriginalClient.payerBlock(
            payer.identity().privateKey(), payer.name(), amount, payee.name());
    return OriginalClient.transMessage(
        payer.name(),
        amount,
        payee.name(),
        OriginalClient.payeeBlocks(payee.identity().privateKey(), payerBlock));
  }

  /** The next read, or what happened instead: {@link #CLOSED} or {@link #NOTHING}. */
  private static String outcome(OriginalClient client, Duration wait) {
    try {
      String reply = client.readReply(wait);
      return reply == null ? CLOSED : reply;
    } catch (SocketTimeoutException quiet) {
      return NOTHING;
    } catch (IOException reset) {
      return CLOSED;
    }
  }

  /** Someone else is still served: a fresh connection registers, logs in and lists. */
  private static void othersAreStillServed() throws Exception {
    try (Account bystander = Account.open("bystander", 5)) {
      assertThat(bystander.balance()).isEqualTo(5);
    }
  }

  @Test
  void transWithThePayerTextEncryptedByAThirdPartyFailsAndMovesNothing() throws Exception {
    Identity mallory = Identity.fresh("mallory");
    try (Account payer = Account.open("payer", 1000);
        Account payee = Account.open("payee", 10)) {
      byte[] forged =
          OriginalClient.payerBlock(mallory.privateKey(), payer.name(), 400, payee.name());
      byte[] message =
          OriginalClient.transMessage(
              payer.name(),
              400,
              payee.name(),
              OriginalClient.payeeBlocks(payee.identity().privateKey(), forged));
      assertThat(payee.client().ask(message)).isEqualTo("TRANS FAIL");
      assertThat(payer.balance()).isEqualTo(1000);
      assertThat(payee.balance()).isEqualTo(10);
    }
  }

  @Test
  void transWithThePayeeBlocksMadeByAThirdPartyFailsAndMovesNothing() throws Exception {
    Identity mallory = Identity.fresh("mallory");
    try (Account payer = Account.open("payer", 1000);
        Account payee = Account.open("payee", 10)) {
      byte[] payerBlock =
          OriginalClient.payerBlock(payer.identity().privateKey(), payer.name(), 400, payee.name());
      byte[] message =
          OriginalClient.transMessage(
              payer.name(),
              400,
              payee.name(),
              OriginalClient.payeeBlocks(mallory.privateKey(), payerBlock));
      assertThat(payee.client().ask(message)).isEqualTo("TRANS FAIL");
      assertThat(payer.balance()).isEqualTo(1000);
      assertThat(payee.balance()).isEqualTo(10);
    }
  }

  @Test
  void transWhoseHeaderDiffersFromTheSignedTextFails() throws Exception {
    try (Account payer = Account.open("payer", 1000);
        Account payee = Account.open("payee", 10)) {
      byte[] payerBlock =
          OriginalClient.payerBlock(payer.identity().privateKey(), payer.name(), 4, payee.name());
      byte[] inflated =
          OriginalClient.transMessage(
              payer.name(),
              400,
              payee.name(),
              OriginalClient.payeeBlocks(payee.identity().privateKey(), payerBlock));
      assertThat(payee.client().ask(inflated)).isEqualTo("TRANS FAIL");
      assertThat(payer.balance()).isEqualTo(1000);
      assertThat(payee.balance()).isEqualTo(10);
    }
  }

  @Test
  void transFromASessionThatIsNotThePayeeFails() throws Exception {
    try (Account payer = Account.open("payer", 1000);
        Account payee = Account.open("payee", 10);
        Account eve = Account.open("eve", 10);
        OriginalClient anonymous = connect(Identity.fresh("anonymous"))) {
      byte[] message = validTrans(payer, 100, payee);
      assertThat(eve.client().ask(message)).isEqualTo("TRANS FAIL");
      assertThat(payer.client().ask(message)).isEqualTo("TRANS FAIL");
      assertThat(anonymous.ask(message)).isEqualTo("TRANS FAIL");
      assertThat(payer.balance()).isEqualTo(1000);
      assertThat(payee.balance()).isEqualTo(10);
      assertThat(eve.balance()).isEqualTo(10);
      // Refused attempts by others do not use the message up: the payee's own forward goes through.
      assertThat(payee.client().ask(message)).isEqualTo("TRANS OK");
      assertThat(payee.balance()).isEqualTo(110);
    }
  }

  @Test
  void aReplayedTransFailsAndIsAppliedOnce() throws Exception {
    try (Account payer = Account.open("payer", 1000);
        Account payee = Account.open("payee", 10)) {
      byte[] message = validTrans(payer, 100, payee);
      assertThat(payee.client().ask(message)).isEqualTo("TRANS OK");
      assertThat(payee.client().ask(message)).isEqualTo(CompatSession.REPEATED);
      assertThat(payer.balance()).isEqualTo(900);
      assertThat(payee.balance()).isEqualTo(110);
      // A different payment between the same two is not a replay.
      assertThat(payee.client().ask(validTrans(payer, 101, payee))).isEqualTo("TRANS OK");
      assertThat(payee.balance()).isEqualTo(211);
    }
  }

  @Test
  void aTransSplitAcrossTwoWritesIsAssembled() throws Exception {
    try (Account payer = Account.open("payer", 1000);
        Account payee = Account.open("payee", 10)) {
      byte[] message = validTrans(payer, 100, payee);
      int cut = message.length - 2 * OriginalClient.BLOCK_BYTES + 100;
      payee.client().send(Arrays.copyOfRange(message, 0, cut));
      assertThat(outcome(payee.client(), Duration.ofMillis(300))).isEqualTo(NOTHING);
      payee.client().send(Arrays.copyOfRange(message, cut, message.length));
      assertThat(payee.client().readReply()).isEqualTo("TRANS OK");
      assertThat(payee.balance()).isEqualTo(110);
    }
  }

  @Test
  void aTruncatedTransIsAnsweredTransFailAfterItsTimeoutAndTheConnectionGoesOn() throws Exception {
    Account payer = Account.open("payer", 1000);
    Account payee = Account.open("payee", 10);
    byte[] message = validTrans(payer, 100, payee);
    int truncated = message.length - 2 * OriginalClient.BLOCK_BYTES + 300;
    try (payer;
        payee) {
      payee.client().send(Arrays.copyOfRange(message, 0, truncated));
      othersAreStillServed();
      // compat.partialMessageTimeoutMillis, well before the idle timeout: as the original, which
      // answers at once, the forward fails and the connection is still usable.
      assertThat(outcome(payee.client(), Duration.ofSeconds(IDLE_TIMEOUT_SECONDS - 1)))
          .isEqualTo("TRANS FAIL");
      assertThat(payee.balance()).isEqualTo(10);
      assertThat(payer.balance()).isEqualTo(1000);
      // The whole forward, sent afresh, is taken.
      assertThat(payee.client().ask(message)).isEqualTo("TRANS OK");
      assertThat(payee.balance()).isEqualTo(110);
    }
  }

  @Test
  void randomBytesAreInvalidAndTheConnectionAndOthersKeepWorking() throws Exception {
    Random random = new Random(20_240_519);
    byte[] garbage = new byte[200];
    random.nextBytes(garbage);
    for (int i = 0; i < garbage.length; i++) {
      if (garbage[i] == '#' || garbage[i] == 0 || garbage[i] == '\n' || garbage[i] == '\r') {
        garbage[i] = 'x';
      }
    }
    try (Account user = Account.open("garbage", 50)) {
      assertThat(user.client().ask(garbage)).isEqualTo(INVALID);
      assertThat(user.client().ask("HELLO")).isEqualTo(INVALID);
      assertThat(user.balance()).isEqualTo(50);
      othersAreStillServed();
    }
  }

  @Test
  void anOversizeMessageIsRefusedOrClosesTheConnectionAndOthersKeepWorking() throws Exception {
    byte[] oversize = new byte[MAX_MESSAGE_BYTES + 1000];
    Arrays.fill(oversize, (byte) 'A');
    try (Account user = Account.open("oversize", 50)) {
      user.client().send(oversize);
      assertThat(outcome(user.client(), Duration.ofSeconds(5))).isIn(INVALID, CLOSED);
      othersAreStillServed();
    }
  }

  @Test
  void aClientWithoutACertificateGetsNoGreeting() throws Exception {
    for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
      String seen;
      try (OriginalClient client =
          OriginalClient.open(node.port("compat"), node.fingerprint(), null, protocol)) {
        seen = outcome(client, Duration.ofSeconds(5));
      } catch (IOException refused) {
        seen = CLOSED;
      }
      assertThat(seen).as(protocol).isEqualTo(CLOSED);
    }
    othersAreStillServed();
  }
}
