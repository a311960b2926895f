package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.TestNode;
import io.paywire.testing.TestShared;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name alone ({@link Proof.Name}) logs in on a sandbox network's sessions only: on the main
 * ledger's it fails as a wrong key does, even for an account without a key (which a TLS login may
 * use by name), and a sandbox payment is refused there.
 */
class NameLoginOnlyOnASandboxTest {

  @TempDir Path dir;

  @Test
  void theMainLedgersSessionsRefuseANameAlone() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      Vertx vertx = node.node().vertx();
      Sessions sessions = new Sessions(vertx, TestShared.generous());
      Context context = vertx.getOrCreateContext();
      Session owner = sessions.open(new Peer("test", "127.0.0.1", null));
      assertThat(await(context, () -> owner.register("keylessJo", 100L, null)))
          .isInstanceOf(Result.Ok.class);
      assertThat(await(context, () -> owner.register("keylessKim", 100L, null)))
          .isInstanceOf(Result.Ok.class);

      Session intruder = sessions.open(new Peer("test", "127.0.0.1", null));
      Result<Views.Login> login =
          await(context, () -> intruder.login("keylessJo", 0, new Proof.Name()));
      assertThat(login).isInstanceOf(Result.Refused.class);
      assertThat(((Result.Refused<?>) login).refusal().code()).isEqualTo(Refusal.AUTH_FAIL);

      assertThat(await(context, () -> owner.login("keylessKim", 0, new Proof.TlsHandshake())))
          .isInstanceOf(Result.Ok.class);
      Session.SandboxPayment payment =
          await(context, () -> owner.paySandbox("keylessJo", "keylessKim", 5L));
      assertThat(payment.payment()).isInstanceOf(Payment.Refused.class);
      assertThat(payment.payerLogin()).isNull();
    }
  }

  private static <T> T await(Context context, Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return promise.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
