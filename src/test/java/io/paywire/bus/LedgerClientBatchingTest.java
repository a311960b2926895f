package io.paywire.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.TransferId;
import io.paywire.node.LedgerVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests an event loop makes in one turn reach a real ledger as one {@link
 * LedgerApi#REQUESTS} message, and each still gets its own answer, in order.
 */
@ExtendWith(VertxExtension.class)
class LedgerClientBatchingTest {

  private static final long DEPOSIT = 1_000_000;

  @TempDir Path data;
  private final Random random = new Random(22);
  private String deploymentId;
  private LedgerClient client;

  /** Messages sent to the batch address, and to the ledger's single-request addresses. */
  private final AtomicInteger batches = new AtomicInteger();

  private final AtomicInteger singles = new AtomicInteger();

  /** Bodies as sent and as received at the batch address. */
  private final List<Object> sentBodies = new CopyOnWriteArrayList<>();

  private final List<Object> receivedBodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    deploymentId =
        await(
            vertx.deployVerticle(
                new LedgerVerticle(
                    new LedgerVerticle.Settings(data, LedgerOptions.DEFAULTS, 1_000, 10_000),
                    Clock.systemUTC())));
    client = new LedgerClient(vertx.eventBus(), 10_000);
    // Off an event loop (this test's thread): each request is a message of its own.
    assertThat(await(client.openAccount("Joanne", DEPOSIT, null)))
        .isInstanceOf(LedgerReply.Ok.class);
    assertThat(await(client.openAccount("Lily", DEPOSIT, null))).isInstanceOf(LedgerReply.Ok.class);
    vertx
        .eventBus()
        .addOutboundInterceptor(
            delivery -> {
              String address = delivery.message().address();
              if (address.equals(LedgerApi.REQUESTS)) {
                batches.incrementAndGet();
                sentBodies.add(delivery.message().body());
              } else if (LedgerRequests.ADDRESSES.contains(address)) {
                singles.incrementAndGet();
              }
              delivery.next();
            });
    vertx
        .eventBus()
        .addInboundInterceptor(
            delivery -> {
              if (delivery.message().address().equals(LedgerApi.REQUESTS)) {
                receivedBodies.add(delivery.message().body());
              }
              delivery.next();
            });
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    await(vertx.undeploy(deploymentId));
  }

  @Test
  void requestsOfOneTurnTravelAsOneMessageAndEachGetsItsOwnAnswerInOrder(Vertx vertx)
      throws Exception {
    int payments = 40;
    List<Integer> answeredInOrder = new CopyOnWriteArrayList<>();
    List<Future<LedgerReply<LedgerViews.Receipt>>> receipts = new ArrayList<>();
    Future<LedgerReply<LedgerViews.Account>> midway =
        inOneTurn(
            vertx,
            () -> {
              Future<LedgerReply<LedgerViews.Account>> read = null;
              for (int i = 0; i < payments; i++) {
                int index = i;
                Future<LedgerReply<LedgerViews.Receipt>> paid =
                    client.transfer(TransferId.random(random), "Joanne", "Lily", i + 1, null, null);
                paid.onComplete(done -> answeredInOrder.add(index));
                receipts.add(paid);
                if (i == payments / 2 - 1) {
                  read = client.account("joanne");
                }
              }
              return read;
            });
    await(Future.all(receipts));

    assertThat(batches.get()).as("one message for the whole turn").isEqualTo(1);
    assertThat(singles.get()).isZero();
    assertThat(receivedBodies).hasSize(1);
    assertThat(receivedBodies.get(0)).as("handed over, not copied").isSameAs(sentBodies.get(0));
    assertThat(answeredInOrder)
        .as("answered in the order asked")
        .containsExactlyElementsOf(range(payments));
    long balance = DEPOSIT;
    for (int i = 0; i < payments; i++) {
      balance -= i + 1;
      LedgerViews.Receipt receipt = ok(receipts.get(i).result());
      assertThat(receipt.transfer().amount()).isEqualTo(i + 1);
      assertThat(receipt.payerBalance()).as("payment %d's own answer", i).isEqualTo(balance);
    }
    long half = payments / 2;
    assertThat(ok(midway.result()).balance())
        .as("the read sees the payments queued before it")
        .isLessThanOrEqualTo(DEPOSIT - half * (half + 1) / 2);
  }

  @Test
  void aRequestTheLedgerRefusesFailsOnlyItsOwnAnswer(Vertx vertx) throws Exception {
    List<Future<?>> asked = new ArrayList<>();
    inOneTurn(
        vertx,
        () -> {
          asked.add(client.transfer(TransferId.random(random), "Joanne", "Lily", 7, null, null));
          asked.add(client.blocks(0, LedgerApi.MAX_BLOCKS_PER_PAGE + 1)); // out of range: 400
          asked.add(client.history("Nobody", 0, 5)); // a rejection, not a failure
          asked.add(client.account("Lily"));
          return null;
        });
    await(Future.join(new ArrayList<>(asked)));

    assertThat(batches.get()).isEqualTo(1);
    assertThat(((LedgerViews.Receipt) ok((LedgerReply<?>) asked.get(0).result())).payerBalance())
        .isEqualTo(DEPOSIT - 7);
    assertThat(asked.get(1).result())
        .isInstanceOfSatisfying(
            LedgerReply.Rejected.class,
            rejected -> assertThat(rejected.code()).isEqualTo("BAD_REQUEST"));
    assertThat(asked.get(2).result())
        .isInstanceOfSatisfying(
            LedgerReply.Rejected.class,
            rejected -> assertThat(rejected.code()).isEqualTo("UNKNOWN_ACCOUNT"));
    assertThat(((LedgerViews.Account) ok((LedgerReply<?>) asked.get(3).result())).balance())
        .isEqualTo(DEPOSIT + 7);
  }

  @Test
  void aMalformedBatchFailsWholeAndQueuesNothing(Vertx vertx) throws Exception {
    JsonObject payment =
        new JsonObject()
            .put("id", TransferId.random(random).toString())
            .put("payer", "Joanne")
            .put("payee", "Lily")
            .put("amount", 5);
    List<Object> malformed =
        List.of(
            "not a batch",
            new JsonArray(),
            new JsonArray()
                .add(item(LedgerApi.TRANSFER, payment))
                .add(item(LedgerApi.STATUS, new JsonObject())),
            new JsonArray().add(item(LedgerApi.TRANSFER, payment)).add("not an item"),
            tooMany(payment));
    for (Object body : malformed) {
      Throwable failure = awaitFailure(vertx.eventBus().request(LedgerApi.REQUESTS, body));
      assertThat(failure)
          .as("%s", body)
          .isInstanceOfSatisfying(
              ReplyException.class,
              reply -> assertThat(reply.failureCode()).isEqualTo(LedgerApi.FAILURE_BAD_REQUEST));
    }
    assertThat(ok(await(client.account("Lily"))).balance())
        .as("nothing applied")
        .isEqualTo(DEPOSIT);

    // The JSON form is served too: what a clustered bus carries.
    Message<Object> reply =
        await(
            vertx
                .eventBus()
                .request(
                    LedgerApi.REQUESTS,
                    new JsonArray()
                        .add(item(LedgerApi.TRANSFER, payment))
                        .add(item(LedgerApi.ACCOUNT, new JsonObject().put("name", 5)))));
    ReplyBatch answers = (ReplyBatch) reply.body();
    assertThat(answers.slots()).hasSize(2);
    assertThat(answers.slots().get(0).reply().getLong("payerBalance")).isEqualTo(DEPOSIT - 5);
    assertThat(answers.slots().get(1).failureCode()).isEqualTo(LedgerApi.FAILURE_BAD_REQUEST);
  }

  @Test
  void aBatchWithNoAnswerInTimeReportsEachRequestUnknown(Vertx vertx) throws Exception {
    LedgerClient impatient = new LedgerClient(vertx.eventBus(), 300);
    vertx
        .eventBus()
        .addInboundInterceptor(
            delivery -> {
              if (!delivery.message().address().equals(LedgerApi.REQUESTS)) {
                delivery.next(); // every batch is lost on its way
              }
            });
    List<Future<?>> asked = new ArrayList<>();
    inOneTurn(
        vertx,
        () -> {
          asked.add(impatient.transfer(TransferId.random(random), "Joanne", "Lily", 1, null, null));
          asked.add(impatient.account("Lily"));
          asked.add(impatient.transfer(TransferId.random(random), "Lily", "Joanne", 2, null, null));
          return null;
        });
    await(Future.join(new ArrayList<>(asked)));

    assertThat(batches.get()).isEqualTo(1);
    for (Future<?> answer : asked) {
      assertThat(answer.result()).isInstanceOf(LedgerReply.Unknown.class);
    }
  }

  @Test
  void aTurnOfMoreThanTheBoundIsSentAsSeveralMessages(Vertx vertx) throws Exception {
    int reads = 2 * LedgerApi.MAX_REQUESTS_PER_MESSAGE + 1;
    List<Future<LedgerReply<LedgerViews.Account>>> accounts = new ArrayList<>();
    inOneTurn(
        vertx,
        () -> {
          for (int i = 0; i < reads; i++) {
            accounts.add(client.account(i % 2 == 0 ? "Joanne" : "Lily"));
          }
          return null;
        });
    await(Future.all(accounts));

    assertThat(batches.get()).isEqualTo(3);
    assertThat(sentBodies)
        .extracting(body -> ((RequestBatch) body).items().size())
        .containsExactly(LedgerApi.MAX_REQUESTS_PER_MESSAGE, LedgerApi.MAX_REQUESTS_PER_MESSAGE, 1);
    for (int i = 0; i < reads; i++) {
      assertThat(ok(accounts.get(i).result()).name()).isEqualTo(i % 2 == 0 ? "Joanne" : "Lily");
    }
  }

  @Test
  void batchesKeepTheirShapeOnTheWire() {
    RequestBatch requests =
        new RequestBatch(
            List.of(
                new RequestBatch.Item(LedgerApi.ACCOUNT, new JsonObject().put("name", "Joanne")),
                new RequestBatch.Item(LedgerApi.HISTORY, new JsonObject().put("name", "Lily"))));
    assertThat(RequestBatch.fromJson(new JsonArray(requests.toJson().toBuffer())))
        .isEqualTo(requests);
    ReplyBatch replies =
        new ReplyBatch(
            List.of(
                ReplyBatch.Slot.replied(new JsonObject().put("ok", true)),
                ReplyBatch.Slot.failed(LedgerApi.FAILURE_OVERLOADED, "busy")));
    assertThat(ReplyBatch.fromJson(new JsonArray(Buffer.buffer(replies.toJson().encode()))))
        .isEqualTo(replies);
  }

  /** Runs {@code asks} in one turn of an event loop; its result once the turn ran. */
  private static <T> T inOneTurn(Vertx vertx, Supplier<T> asks) throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<T> made = new CompletableFuture<>();
    context.runOnContext(v -> made.complete(asks.get()));
    return made.get(10, TimeUnit.SECONDS);
  }

  private static JsonObject item(String address, JsonObject body) {
    return new JsonObject().put("address", address).put("body", body);
  }

  private static JsonArray tooMany(JsonObject payment) {
    JsonArray array = new JsonArray();
    for (int i = 0; i <= LedgerApi.MAX_REQUESTS_PER_MESSAGE; i++) {
      array.add(item(LedgerApi.TRANSFER, payment));
    }
    return array;
  }

  private static List<Integer> range(int n) {
    List<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }

  private static <T> T ok(LedgerReply<T> reply) {
    assertThat(reply).isInstanceOf(LedgerReply.Ok.class);
    return ((LedgerReply.Ok<T>) reply).value();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable awaitFailure(Future<?> future) throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    future.onComplete(done -> failure.complete(done.failed() ? done.cause() : null));
    return failure.get(30, TimeUnit.SECONDS);
  }
}
