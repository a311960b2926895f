package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.ledger.TransferId;
import io.paywire.testing.TestNode;
import io.paywire.testing.TestShared;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A countersigned payment's signatures (two RSA operations each for the compatibility forward) are
 * checked once, on a worker thread, never on the event loop that serves the connection.
 */
class SignatureChecksOffTheEventLoopTest {

  @TempDir Path dir;

  @Test
  void theCheckRunsOnceOnAWorker() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      Vertx vertx = node.node().vertx();
      Sessions sessions =
          new Sessions(
              vertx,
              TestShared.of(
                  new LoginThrottle(100, 100, 60_000, 100, System::currentTimeMillis),
                  new PresenceView(),
                  new KeyCache(100),
                  new Challenges(60_000, 100, System::currentTimeMillis)));
      KeyPair payer = KeyType.RSA.generate();
      KeyPair payee = KeyType.RSA.generate();
      Context context = vertx.getOrCreateContext();
      Session payerSession =
          sessions.open(new Peer("test", "127.0.0.1", payer.getPublic().getEncoded()));
      Session payeeSession =
          sessions.open(new Peer("test", "127.0.0.1", payee.getPublic().getEncoded()));
      await(
          context,
          () -> payerSession.register("offloopPayer", 100L, payer.getPublic().getEncoded()));
      await(
          context,
          () -> payeeSession.register("offloopPayee", 10L, payee.getPublic().getEncoded()));
      await(context, () -> payeeSession.login("offloopPayee", 0, new Proof.TlsHandshake()));

      List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
      Payment payment =
          await(
              context,
              () ->
                  payeeSession.payCountersigned(
                      new Session.Countersigned(
                          TransferId.random(new SecureRandom()),
                          "offloopPayer",
                          "offloopPayee",
                          25,
                          (payerKey, payeeKey) -> {
                            onEventLoop.add(Context.isOnEventLoopThread());
                            return new Session.Proofs(new byte[] {1}, new byte[] {2});
                          })));
      assertThat(payment).isInstanceOf(Payment.Paid.class);
      assertThat(onEventLoop).containsExactly(false);
    }
  }

  private static <T> T await(Context context, Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return promise.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
