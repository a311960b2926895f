package io.paywire.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerApi;
import io.paywire.crypto.KeyType;
import io.paywire.testing.BusDelay;
import io.paywire.testing.FreePorts;
import io.paywire.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled client meets unknown outcomes: the node's ledger answers its first transfer request
 * only after the node gave up on it (so the node says {@code TRANS FAIL UNKNOWN <id>}); the client
 * sends the same line again, and the payment is applied once.
 */
class UnknownOutcomeRetryTest {

  private static final int REQUEST_TIMEOUT_MILLIS = 300;
  private static final int LEDGER_DELAY_MILLIS = 1_000;

  @TempDir Path dir;

  /** Holds back the next {@code count} transfer requests past the node's request timeout. */
  private static AtomicInteger delayTransfers(Vertx vertx) {
    AtomicInteger toDelay = new AtomicInteger();
    vertx
        .eventBus()
        .addInboundInterceptor(
            delivery -> {
              if (BusDelay.carries(delivery.message(), LedgerApi.TRANSFER)
                  && toDelay.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                vertx.setTimer(LEDGER_DELAY_MILLIS, t -> delivery.next());
              } else {
                delivery.next();
              }
            });
    return toDelay;
  }

  @Test
  void directAndPeerPaymentsWithUnknownOutcomesAreRetriedAndAppliedOnce() throws Exception {
    try (TestNode node =
        TestNode.start(
            dir,
            new JsonObject(),
            null,
            new JsonObject().put("requestTimeoutMillis", REQUEST_TIMEOUT_MILLIS))) {
      AtomicInteger toDelay = delayTransfers(node.node().vertx());
      ServerTrust trust = ServerTrust.fingerprint(node.fingerprint());
      ClientIdentity payerKeys = KeyFiles.create(dir, "Payer", KeyType.EC).identity();
      ClientIdentity payeeKeys = KeyFiles.create(dir, "Payee", KeyType.EC).identity();
      try (PaywireClient payer =
              PaywireClient.connect(
                  "127.0.0.1", node.tlsPort(), trust, payerKeys, "127.0.0.1", e -> {});
          PaywireClient payee =
              PaywireClient.connect(
                  "127.0.0.1", node.tlsPort(), trust, payeeKeys, "127.0.0.1", e -> {})) {
        payer.register("Payer", 1_000);
        payee.register("Payee", 10);
        payer.login("Payer", 0);
        payee.login("Payee", FreePorts.one());

        toDelay.set(1);
        assertThat(payer.pay("Payee", 100)).matches("TRANS OK [0-9a-f]{32} 900");
        assertThat(toDelay.get()).as("the first request was held back").isZero();

        toDelay.set(1);
        assertThat(payer.payPeer("Payee", 50)).matches("TRANS OK [0-9a-f]{32}");
        assertThat(toDelay.get()).isZero();

        assertThat(payer.list().balance()).isEqualTo(850);
        assertThat(payee.list().balance()).isEqualTo(160);
      }
    }
  }
}
