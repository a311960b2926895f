package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.BatchObserver;
import io.paywire.bus.LedgerApi;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The event-bus contract of docs/event-bus.md, against a real ledger in a temporary directory. */
@ExtendWith(VertxExtension.class)
class LedgerVerticleTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final LedgerOptions OPTIONS =
      new LedgerOptions(new LedgerRules(5_000, 3_000), 64, 1 << 16, 1 << 20, 0, 2);

  @TempDir Path data;
  private final Random random = new Random(42);
  private String deploymentId;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext context) {
    deployLedger(vertx)
        .onComplete(
            context.succeeding(
                id -> {
                  deploymentId = id;
                  context.completeNow();
                }));
  }

  @AfterEach
  void undeploy(Vertx vertx, VertxTestContext context) {
    if (deploymentId == null) {
      context.completeNow();
      return;
    }
    vertx.undeploy(deploymentId).onComplete(context.succeedingThenComplete());
  }

  private Future<String> deployLedger(Vertx vertx) {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    return vertx.deployVerticle(
        new LedgerVerticle(new LedgerVerticle.Settings(data, OPTIONS, 1_000, 10_000), clock));
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
  }

  private static JsonObject open(String name, long deposit) {
    return new JsonObject().put("name", name).put("deposit", deposit);
  }

  private JsonObject pay(String payer, String payee, long amount) {
    return new JsonObject()
        .put("id", TransferId.random(random).toString())
        .put("payer", payer)
        .put("payee", payee)
        .put("amount", amount);
  }

  @Test
  void aFailingBatchObserverNeverTurnsADurableBatchIntoAFailure(
      Vertx vertx, VertxTestContext context) {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    AtomicInteger observed = new AtomicInteger();
    // The same ledger redeployed with a metrics observer that always throws.
    vertx
        .undeploy(deploymentId)
        .compose(
            v -> {
              deploymentId = null;
              return vertx.deployVerticle(
                  new LedgerVerticle(
                      new LedgerVerticle.Settings(data, OPTIONS, 1_000, 10_000),
                      clock,
                      (BatchObserver)
                          (records, nanos) -> {
                            observed.incrementAndGet();
                            throw new IllegalStateException("metrics broke");
                          }));
            })
        .compose(
            id -> {
              deploymentId = id;
              return ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Joanne", 2_000));
            })
        .compose(opened -> ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Bob", 10)))
        .compose(opened -> ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "Bob", 5)))
        .onComplete(
            context.succeeding(
                paid ->
                    context.verify(
                        () -> {
                          assertThat(paid.getBoolean("ok")).isTrue();
                          assertThat(observed.get()).isGreaterThanOrEqualTo(3);
                          context.completeNow();
                        })));
  }

  @Test
  void opensAccountWithDepositFromIssuer(Vertx vertx, VertxTestContext context) {
    ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Joanne", 2_000))
        .onComplete(
            context.succeeding(
                reply ->
                    context.verify(
                        () -> {
                          assertThat(reply.getBoolean("ok")).isTrue();
                          assertThat(reply.getBoolean("duplicate")).isFalse();
                          JsonObject transfer = reply.getJsonObject("transfer");
                          assertThat(transfer.getString("payer")).isEqualTo("issuer");
                          assertThat(transfer.getString("payee")).isEqualTo("Joanne");
                          assertThat(transfer.getLong("amount")).isEqualTo(2_000);
                          assertThat(transfer.getLong("timeMillis")).isEqualTo(NOW);
                          assertThat(reply.getJsonObject("account").getLong("balance"))
                              .isEqualTo(2_000);
                          context.completeNow();
                        })));
  }

  @Test
  void usesConfiguredDefaultDepositWhenNoneGiven(Vertx vertx, VertxTestContext context) {
    ask(vertx, LedgerApi.OPEN_ACCOUNT, new JsonObject().put("name", "Lily"))
        .onComplete(
            context.succeeding(
                reply ->
                    context.verify(
                        () -> {
                          assertThat(reply.getJsonObject("account").getLong("balance"))
                              .isEqualTo(1_000);
                          context.completeNow();
                        })));
  }

  @Test
  void transfersAndReportsPayerBalanceThenRejectsOverdraft(Vertx vertx, VertxTestContext context) {
    ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Joanne", 2_000))
        .compose(r -> ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Lily", 100)))
        .compose(r -> ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "lily", 1_000)))
        .compose(
            paid -> {
              context.verify(
                  () -> {
                    assertThat(paid.getBoolean("ok")).isTrue();
                    assertThat(paid.getLong("payerBalance")).isEqualTo(1_000);
                    assertThat(paid.getJsonObject("transfer").getString("payee")).isEqualTo("Lily");
                  });
              return ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "Lily", 1_001));
            })
        .onComplete(
            context.succeeding(
                overdraft ->
                    context.verify(
                        () -> {
                          assertThat(overdraft.getBoolean("ok")).isFalse();
                          assertThat(overdraft.getString("code")).isEqualTo("INSUFFICIENT_FUNDS");
                          context.completeNow();
                        })));
  }

  @Test
  void repeatedTransferIdReturnsOriginalAndDifferentContentIsRefused(
      Vertx vertx, VertxTestContext context) {
    JsonObject payment = pay("Joanne", "Lily", 500);
    ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Joanne", 2_000))
        .compose(r -> ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Lily", 100)))
        .compose(r -> ask(vertx, LedgerApi.TRANSFER, payment))
        .compose(
            first ->
                ask(vertx, LedgerApi.TRANSFER, payment.copy())
                    .map(second -> List.of(first, second)))
        .compose(
            pair -> {
              context.verify(
                  () -> {
                    assertThat(pair.get(1).getBoolean("duplicate")).isTrue();
                    assertThat(pair.get(1).getJsonObject("transfer"))
                        .isEqualTo(pair.get(0).getJsonObject("transfer"));
                  });
              return ask(vertx, LedgerApi.TRANSFER, payment.copy().put("amount", 501));
            })
        .compose(
            reused -> {
              context.verify(() -> assertThat(reused.getString("code")).isEqualTo("ID_REUSED"));
              return ask(vertx, LedgerApi.ACCOUNT, new JsonObject().put("name", "joanne"));
            })
        .onComplete(
            context.succeeding(
                account ->
                    context.verify(
                        () -> {
                          assertThat(account.getJsonObject("account").getLong("balance"))
                              .isEqualTo(1_500);
                          context.completeNow();
                        })));
  }

  @Test
  void rejectionsCarryTheirCodes(Vertx vertx, VertxTestContext context) {
    List<Future<JsonObject>> replies = new ArrayList<>();
    Future<JsonObject> setup =
        ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Joanne", 2_000))
            .compose(r -> ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Lily", 100)));
    setup
        .compose(
            r -> {
              replies.add(ask(vertx, LedgerApi.OPEN_ACCOUNT, open("JOANNE", 10)));
              replies.add(ask(vertx, LedgerApi.OPEN_ACCOUNT, open("bad name", 10)));
              replies.add(ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Rich", 5_001)));
              replies.add(ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "Nobody", 1)));
              replies.add(ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "joanne", 1)));
              replies.add(ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "Lily", 0)));
              replies.add(ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "Lily", 3_001)));
              return Future.all(replies);
            })
        .onComplete(
            context.succeeding(
                all ->
                    context.verify(
                        () -> {
                          assertThat(
                                  replies.stream().map(f -> f.result().getString("code")).toList())
                              .containsExactly(
                                  "NAME_TAKEN",
                                  "BAD_NAME",
                                  "DEPOSIT_OUT_OF_RANGE",
                                  "UNKNOWN_ACCOUNT",
                                  "SELF_TRANSFER",
                                  "AMOUNT_NOT_POSITIVE",
                                  "AMOUNT_ABOVE_MAXIMUM");
                          assertThat(replies)
                              .allSatisfy(f -> assertThat(f.result().getBoolean("ok")).isFalse());
                          context.completeNow();
                        })));
  }

  @Test
  void malformedRequestsFailWithBadRequest(Vertx vertx, VertxTestContext context) {
    List<JsonObject> bodies =
        List.of(
            new JsonObject(),
            new JsonObject()
                .put("id", "not-hex")
                .put("payer", "a")
                .put("payee", "b")
                .put("amount", 1),
            pay("a", "b", 1).put("amount", "ten"),
            pay("a", "b", 1).put("payerSignature", "***"));
    List<Future<Message<Object>>> replies =
        bodies.stream().map(body -> vertx.eventBus().request(LedgerApi.TRANSFER, body)).toList();
    Future.join(replies)
        .onComplete(
            done ->
                context.verify(
                    () -> {
                      assertThat(replies)
                          .allSatisfy(
                              reply -> {
                                assertThat(reply.failed()).isTrue();
                                assertThat(reply.cause()).isInstanceOf(ReplyException.class);
                                assertThat(((ReplyException) reply.cause()).failureCode())
                                    .isEqualTo(LedgerApi.FAILURE_BAD_REQUEST);
                              });
                      context.completeNow();
                    }));
  }

  @Test
  void historyIsNewestFirstAndFindsTransfersById(Vertx vertx, VertxTestContext context) {
    JsonObject second = pay("Joanne", "Lily", 20);
    ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Joanne", 2_000))
        .compose(r -> ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Lily", 100)))
        .compose(r -> ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "Lily", 10)))
        .compose(r -> ask(vertx, LedgerApi.TRANSFER, second))
        .compose(
            r ->
                ask(
                    vertx,
                    LedgerApi.HISTORY,
                    new JsonObject().put("name", "Joanne").put("limit", 2)))
        .compose(
            history -> {
              context.verify(
                  () -> {
                    assertThat(history.getInteger("total")).isEqualTo(3);
                    JsonArray page = history.getJsonArray("transfers");
                    assertThat(page).hasSize(2);
                    assertThat(page.getJsonObject(0).getLong("amount")).isEqualTo(20);
                    assertThat(page.getJsonObject(1).getLong("amount")).isEqualTo(10);
                    assertThat(page.getJsonObject(0).containsKey("block")).isFalse();
                  });
              return ask(
                  vertx,
                  LedgerApi.HISTORY,
                  new JsonObject().put("name", "Joanne").put("limit", 3).put("blocks", true));
            })
        .compose(
            withBlocks -> {
              // Asked for, each row carries its block: journal order, the deposit's first.
              context.verify(
                  () -> {
                    List<Long> blocks =
                        withBlocks.getJsonArray("transfers").stream()
                            .map(row -> ((JsonObject) row).getLong("block"))
                            .toList();
                    assertThat(blocks).hasSize(3).doesNotContainNull();
                    assertThat(blocks.get(0)).isGreaterThan(blocks.get(1));
                    assertThat(blocks.get(1)).isGreaterThan(blocks.get(2));
                  });
              return vertx
                  .eventBus()
                  .request(
                      LedgerApi.HISTORY,
                      new JsonObject().put("name", "Joanne").put("blocks", "yes"))
                  .transform(
                      bad -> {
                        context.verify(
                            () ->
                                assertThat(((ReplyException) bad.cause()).failureCode())
                                    .isEqualTo(LedgerApi.FAILURE_BAD_REQUEST));
                        return ask(
                            vertx,
                            LedgerApi.FIND_TRANSFER,
                            new JsonObject().put("id", second.getString("id")));
                      });
            })
        .compose(
            found -> {
              context.verify(
                  () ->
                      assertThat(found.getJsonObject("transfer").getLong("amount")).isEqualTo(20));
              return ask(
                  vertx,
                  LedgerApi.FIND_TRANSFER,
                  new JsonObject().put("id", TransferId.random(random).toString()));
            })
        .onComplete(
            context.succeeding(
                missing ->
                    context.verify(
                        () -> {
                          assertThat(missing.getString("code")).isEqualTo("UNKNOWN_TRANSFER");
                          context.completeNow();
                        })));
  }

  @Test
  void acknowledgedTransfersSurviveARestartOfTheVerticle(Vertx vertx, VertxTestContext context) {
    List<Future<JsonObject>> payments = new ArrayList<>();
    ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Joanne", 5_000))
        .compose(r -> ask(vertx, LedgerApi.OPEN_ACCOUNT, open("Lily", 100)))
        .compose(
            r -> {
              for (int i = 0; i < 200; i++) { // concurrent: they share batches
                payments.add(ask(vertx, LedgerApi.TRANSFER, pay("Joanne", "Lily", 1)));
              }
              return Future.all(payments);
            })
        .compose(all -> ask(vertx, LedgerApi.STATUS, new JsonObject()))
        .compose(
            before ->
                vertx
                    .undeploy(deploymentId)
                    .compose(v -> deployLedger(vertx))
                    .compose(
                        id -> {
                          deploymentId = id;
                          return ask(vertx, LedgerApi.STATUS, new JsonObject());
                        })
                    .map(after -> List.of(before, after)))
        .onComplete(
            context.succeeding(
                statuses ->
                    context.verify(
                        () -> {
                          JsonObject before = statuses.get(0);
                          JsonObject after = statuses.get(1);
                          assertThat(after.getLong("transfers")).isEqualTo(202);
                          assertThat(after.getString("headHash"))
                              .isEqualTo(before.getString("headHash"));
                          // Group commit: 200 concurrent payments took far fewer than 200 batches.
                          assertThat(after.getLong("nextBatchSequence")).isLessThan(100);
                          context.completeNow();
                        })));
  }
}
