package io.paywire.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.bus.BatchObserver;
import io.paywire.bus.LedgerApi;
import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.RejectCode;
import io.paywire.ledger.TransferId;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's ordering and unknown-outcome rules with several batches in flight, over a commit
 * port whose commits the test completes by hand, in any order: the real event bus, the real
 * service, a real (empty) ledger for the reads' state.
 */
class LedgerServiceTest {

  private static final LedgerOptions OPTIONS =
      new LedgerOptions(new LedgerRules(5_000, 3_000), 64, 1 << 16, 1 << 20, 0, 2);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path data;
  private Vertx vertx;
  private Ledger ledger;
  private HeldPort port;
  private LedgerService service;
  private Context context;
  private final Random random = new Random(7);

  /** Replies (or failures) in the order they arrived: "payer:code". */
  private final List<String> arrivals = new CopyOnWriteArrayList<>();

  /** A port whose commits wait until the test completes them. */
  private final class HeldPort implements CommitPort {
    final List<Promise<List<Executed>>> commits = new CopyOnWriteArrayList<>();
    final List<List<Command>> batches = new CopyOnWriteArrayList<>();
    final List<Boolean> confirms = new CopyOnWriteArrayList<>();

    @Override
    public int maxInFlight() {
      return 3;
    }

    @Override
    public Form newForm() {
      List<Command> commands = new ArrayList<>();
      return new Form() {
        @Override
        public boolean tryAdd(Command command) {
          return commands.size() < 64 && commands.add(command);
        }

        @Override
        public boolean isEmpty() {
          return commands.isEmpty();
        }

        @Override
        public List<Command> commands() {
          return List.copyOf(commands);
        }
      };
    }

    @Override
    public Future<List<Executed>> commit(List<Command> commands, long timeMillis) {
      Promise<List<Executed>> promise = Promise.promise();
      batches.add(commands);
      commits.add(promise);
      return promise.future();
    }

    @Override
    public <T> Future<T> read(Function<ReadPoint, T> lookup, boolean confirm) {
      confirms.add(confirm);
      return Future.succeededFuture(
          lookup.apply(new ReadPoint(ledger.state(), ledger.position(), null)));
    }

    @Override
    public String failure() {
      return null;
    }

    @Override
    public JsonObject status(ReadPoint point) {
      return new JsonObject().put("ok", true);
    }

    /** Completes commit {@code i} as if each command was refused, naming its payer. */
    void complete(int i) {
      List<Executed> executed =
          batches.get(i).stream()
              .map(
                  c ->
                      new Executed(
                          new Outcome.Rejected(
                              RejectCode.INSUFFICIENT_FUNDS, ((Command.Transfer) c).payer()),
                          Optional.empty(),
                          OptionalLong.empty(),
                          OptionalLong.empty()))
              .toList();
      context.runOnContext(v -> commits.get(i).complete(executed));
    }

    void fail(int i) {
      context.runOnContext(v -> commits.get(i).fail(new IllegalStateException("lost")));
    }
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ledger = Ledger.open(data, OPTIONS);
    port = new HeldPort();
    start(0);
  }

  private void start(long roundTimeoutMillis) throws Exception {
    context = vertx.getOrCreateContext();
    CompletableFuture<LedgerService> made = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          LedgerService s =
              new LedgerService(
                  vertx,
                  new LedgerService.Settings("test", 1_000, 100, roundTimeoutMillis),
                  port,
                  Clock.systemUTC(),
                  BatchObserver.NONE);
          s.serve().onComplete(done -> made.complete(s));
        });
    service = made.get();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
    ledger.close();
  }

  /** Sends a payment from {@code payer}; its reply or failure is recorded as it arrives. */
  private void pay(String payer) {
    JsonObject body =
        new JsonObject()
            .put("id", TransferId.random(random).toString())
            .put("payer", payer)
            .put("payee", "someone")
            .put("amount", 1);
    vertx
        .eventBus()
        .<JsonObject>request(
            LedgerApi.TRANSFER, body, new DeliveryOptions().setSendTimeout(WAIT.toMillis()))
        .onComplete(
            done ->
                arrivals.add(
                    payer
                        + ":"
                        + (done.succeeded()
                            ? done.result().body().getString("code")
                            : ((ReplyException) done.cause()).failureCode())));
  }

  private void readAccount(String name) {
    vertx
        .eventBus()
        .<JsonObject>request(LedgerApi.ACCOUNT, new JsonObject().put("name", name))
        .onComplete(
            done ->
                arrivals.add(
                    name
                        + ":"
                        + (done.succeeded() ? done.result().body().getString("code") : "failed")));
  }

  @Test
  void batchesInFlightAreAnsweredInTheOrderTheyWereFormed() {
    pay("a");
    await().atMost(WAIT).until(() -> port.commits.size() == 1);
    pay("b");
    await().atMost(WAIT).until(() -> port.commits.size() == 2);
    pay("c");
    await().atMost(WAIT).until(() -> port.commits.size() == 3);
    pay("d"); // no room: it waits in the queue for a batch of its own

    port.complete(2);
    port.complete(1);
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(arrivals::isEmpty);
    port.complete(0);
    await().atMost(WAIT).until(() -> arrivals.size() == 3);
    assertThat(arrivals)
        .containsExactly("a:INSUFFICIENT_FUNDS", "b:INSUFFICIENT_FUNDS", "c:INSUFFICIENT_FUNDS");
    await().atMost(WAIT).until(() -> port.commits.size() == 4);
    assertThat(port.batches.get(3)).hasSize(1);
  }

  @Test
  void aFailedBatchFailsEveryBatchFormedAfterItAsUnknown() {
    pay("a");
    await().atMost(WAIT).until(() -> port.commits.size() == 1);
    pay("b");
    await().atMost(WAIT).until(() -> port.commits.size() == 2);

    port.complete(1);
    port.fail(0);
    await().atMost(WAIT).until(() -> arrivals.size() == 2);
    assertThat(arrivals)
        .containsExactly(
            "a:" + LedgerApi.FAILURE_UNAVAILABLE, "b:" + LedgerApi.FAILURE_UNAVAILABLE);
  }

  @Test
  void aReadWaitsForTheWritesQueuedBeforeIt() {
    pay("a");
    await().atMost(WAIT).until(() -> port.commits.size() == 1);
    readAccount("nobody");
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(arrivals::isEmpty);
    assertThat(port.confirms).isEmpty(); // not even looked at before the write is durable

    port.complete(0);
    await().atMost(WAIT).until(() -> arrivals.size() == 2);
    assertThat(arrivals).containsExactly("a:INSUFFICIENT_FUNDS", "nobody:UNKNOWN_ACCOUNT");
    assertThat(port.confirms).containsExactly(true); // a round of reads only confirms first
  }

  @Test
  void afterATimeOutNewRequestsFailAtOnceUntilTheBatchSettles() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
    vertx = Vertx.vertx();
    port = new HeldPort();
    start(300);
    pay("a");
    await().atMost(WAIT).until(() -> arrivals.size() == 1);
    assertThat(arrivals).containsExactly("a:" + LedgerApi.FAILURE_UNAVAILABLE);

    pay("b");
    await().atMost(WAIT).until(() -> arrivals.size() == 2);
    assertThat(arrivals.get(1)).isEqualTo("b:" + LedgerApi.FAILURE_UNAVAILABLE);
    assertThat(port.commits).hasSize(1);

    port.complete(0); // settled: the next request is taken again (a poll may send more)
    await()
        .atMost(WAIT)
        .until(
            () -> {
              pay("c");
              return port.commits.size() >= 2;
            });
  }

  @Test
  void drainWaitsForTheBatchesInFlight() throws Exception {
    pay("a");
    await().atMost(WAIT).until(() -> port.commits.size() == 1);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    context.runOnContext(v -> service.drain("stopping").onComplete(done -> drained.complete(null)));
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !drained.isDone());

    port.complete(0);
    drained.get();
    await().atMost(WAIT).until(() -> arrivals.size() == 1);
    assertThat(arrivals).containsExactly("a:INSUFFICIENT_FUNDS");
    assertThat(Collections.unmodifiableList(arrivals)).hasSize(1);
  }
}
