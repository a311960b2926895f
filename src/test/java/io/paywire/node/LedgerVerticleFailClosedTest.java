package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerApi;
import io.paywire.config.PaywireConfig;
import io.paywire.http.ManagementVerticle;
import io.paywire.http.Operations;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerFaults;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch that fails to apply (the ledger's transfer columns may not grow, as when memory runs out)
 * fails the node's ledger closed: every request of that batch and every later one is answered with
 * failure 503, which callers read as "unknown", never as an acknowledgement; what was acknowledged
 * before is what a restart recovers; {@code GET /health} says the ledger failed.
 */
@ExtendWith(VertxExtension.class)
class LedgerVerticleFailClosedTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final LedgerOptions OPTIONS =
      new LedgerOptions(new LedgerRules(1_000_000, 1_000), 64, 1 << 16, 1 << 20, 0, 2);
  private static final int PAYMENTS = LedgerFaults.INITIAL_TRANSFER_ROWS + 100;

  @TempDir Path data;

  @Test
  void applyFailureAnswersTheBatchAsUnavailableAndHealthSaysFailed(
      Vertx vertx, VertxTestContext context) throws Throwable {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    LedgerVerticle.Settings settings = new LedgerVerticle.Settings(data, OPTIONS, 1_000, 10_000);
    LedgerVerticle faulty =
        new LedgerVerticle(
            settings,
            clock,
            (LedgerVerticle.Opener)
                (dir, options) ->
                    LedgerFaults.refuseColumnGrowthPast(
                        Ledger.open(dir, options), LedgerFaults.INITIAL_TRANSFER_ROWS));
    ManagementVerticle http =
        new ManagementVerticle(
            0, 5_000, null, null, 15, PaywireConfig.defaults().http().heapWarningPercent());
    List<Future<JsonObject>> payments = new ArrayList<>();

    vertx
        .deployVerticle(faulty)
        .compose(id -> vertx.deployVerticle(http).map(id))
        .compose(
            id ->
                ask(vertx, LedgerApi.OPEN_ACCOUNT, open("alice", 1_000_000))
                    .compose(r -> ask(vertx, LedgerApi.OPEN_ACCOUNT, open("bob", 1)))
                    .compose(
                        r -> {
                          for (int i = 0; i < PAYMENTS; i++) { // concurrent: they share batches
                            payments.add(ask(vertx, LedgerApi.TRANSFER, pay(i)));
                          }
                          return Future.join(payments);
                        })
                    .recover(someFailed -> Future.succeededFuture())
                    .compose(v -> ask(vertx, LedgerApi.STATUS, new JsonObject()))
                    .compose(
                        status ->
                            health(vertx, http.actualPort()).map(health -> List.of(status, health)))
                    .compose(both -> vertx.undeploy(id).map(both)))
        .compose(
            both -> {
              // A restart recovers exactly what was acknowledged.
              return vertx
                  .deployVerticle(new LedgerVerticle(settings, clock))
                  .compose(id -> ask(vertx, LedgerApi.STATUS, new JsonObject()))
                  .map(after -> List.of(both.get(0), both.get(1), after));
            })
        .onComplete(
            context.succeeding(
                all ->
                    context.verify(
                        () -> {
                          long acknowledged = 0;
                          long unavailable = 0;
                          for (Future<JsonObject> payment : payments) {
                            if (payment.succeeded()) {
                              assertThat(payment.result().getBoolean("ok")).isTrue();
                              acknowledged++;
                            } else {
                              assertThat(payment.cause())
                                  .isInstanceOfSatisfying(
                                      ReplyException.class,
                                      e ->
                                          assertThat(e.failureCode())
                                              .isEqualTo(LedgerApi.FAILURE_UNAVAILABLE));
                              unavailable++;
                            }
                          }
                          // The columns hold the two deposits and this many payments, then an apply
                          // fails.
                          assertThat(acknowledged)
                              .isLessThanOrEqualTo(LedgerFaults.INITIAL_TRANSFER_ROWS - 2);
                          assertThat(unavailable).isGreaterThanOrEqualTo(100);

                          JsonObject status = all.get(0);
                          assertThat(status.getBoolean("failed")).isTrue();
                          assertThat(status.getString("failure")).contains("apply");
                          assertThat(status.getLong("transfers"))
                              .as("memory holds what was acknowledged")
                              .isEqualTo(2 + acknowledged);

                          JsonObject health = all.get(1);
                          assertThat(health.getInteger("httpStatus")).isEqualTo(503);
                          JsonObject healthBody = new JsonObject(health.getString("body"));
                          assertThat(healthBody.getString("outcome")).isEqualTo("DOWN");
                          JsonObject journal =
                              healthBody.getJsonArray("checks").stream()
                                  .map(JsonObject.class::cast)
                                  .filter(c -> c.getString("id").equals(Operations.JOURNAL_CHECK))
                                  .findFirst()
                                  .orElseThrow();
                          assertThat(journal.getString("status")).isEqualTo("DOWN");
                          assertThat(journal.getJsonObject("data").getString("reason"))
                              .contains("apply");

                          JsonObject after = all.get(2);
                          assertThat(after.getBoolean("failed")).isFalse();
                          assertThat(after.getLong("transfers")).isEqualTo(2 + acknowledged);
                          assertThat(after.getString("headHash"))
                              .isEqualTo(status.getString("headHash"));
                          context.completeNow();
                        })));
    assertThat(context.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
    if (context.failed()) {
      throw context.causeOfFailure();
    }
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
  }

  private static JsonObject open(String name, long deposit) {
    return new JsonObject().put("name", name).put("deposit", deposit);
  }

  private static JsonObject pay(int i) {
    return new JsonObject()
        .put("id", new TransferId(7, i).toString())
        .put("payer", "alice")
        .put("payee", "bob")
        .put("amount", 1);
  }

  /** GET /health off the event loop: the JDK client blocks. */
  private static Future<JsonObject> health(Vertx vertx, int port) {
    return vertx.executeBlocking(
        () -> {
          HttpResponse<String> response =
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
          return new JsonObject()
              .put("httpStatus", response.statusCode())
              .put("body", response.body());
        });
  }
}
