package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.net.CommandPipeline.Limits;
import io.paywire.net.CommandPipeline.Out;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-connection pipeline without a network: a stand-in socket records what is written, paused
 * and closed, and says when its write queue is full. Everything runs on one Vert.x context, as on a
 * connection's event loop; a step is seen once the turns it scheduled ran.
 */
class CommandPipelineTest {

  private static final Buffer STALL = Buffer.buffer("stalled\n");
  private static final Buffer FAILURE = Buffer.buffer("failed\n");
  private static final long STALL_MILLIS = 50;

  private Vertx vertx;
  private Context context;
  private FakeSocket socket;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    socket = new FakeSocket();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void repliesLeaveInCommandOrderWhicheverFinishesFirst() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    Command first = new Command();
    Command second = new Command();
    on(() -> pipeline.submit(false, first));
    on(() -> pipeline.submit(false, second));
    assertThat(first.started() && second.started()).as("both run at once").isTrue();
    on(() -> second.answer("second\n"));
    assertThat(socket.writes).as("the second waits for the first").isEmpty();
    on(() -> first.answer("first\n"));
    assertThat(socket.writes).containsExactly("first\nsecond\n");
  }

  @Test
  void repliesReadyInOneTurnLeaveInOneWrite() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    on(
        () -> {
          pipeline.reply(out("a\n"));
          pipeline.reply(out("b\n"));
          pipeline.reply(out("c\n"));
        });
    on(() -> pipeline.reply(out("d\n")));
    assertThat(socket.writes).containsExactly("a\nb\nc\n", "d\n");
  }

  @Test
  void aSessionChangeWaitsForEverythingBeforeItAndEverythingAfterWaitsForIt() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    Command before = new Command();
    Command change = new Command();
    Command after = new Command();
    on(
        () -> {
          pipeline.submit(false, before);
          pipeline.submit(true, change);
          pipeline.submit(false, after);
        });
    assertThat(List.of(before.started(), change.started(), after.started()))
        .containsExactly(true, false, false);
    on(() -> before.answer("1\n"));
    assertThat(List.of(change.started(), after.started())).containsExactly(true, false);
    on(() -> change.answer("2\n"));
    assertThat(after.started()).isTrue();
    on(() -> after.answer("3\n"));
    assertThat(String.join("", socket.writes)).isEqualTo("1\n2\n3\n");
  }

  @Test
  void atMostMaxInFlightRunAndReadingPausesWhileThatManyAreQueued() throws Exception {
    CommandPipeline pipeline = pipeline(2);
    Command a = new Command();
    Command b = new Command();
    Command c = new Command();
    on(
        () -> {
          pipeline.submit(false, a);
          pipeline.submit(false, b);
        });
    assertThat(socket.paused).isTrue();
    on(() -> pipeline.submit(false, c)); // the commands of one read may overshoot; they wait
    assertThat(c.started()).isFalse();
    on(() -> a.answer("a\n"));
    assertThat(c.started()).isTrue();
    on(
        () -> {
          b.answer("b\n");
          c.answer("c\n");
        });
    assertThat(socket.paused).as("nothing queued: reading again").isFalse();
    assertThat(String.join("", socket.writes)).isEqualTo("a\nb\nc\n");
  }

  @Test
  void aFullWriteQueueStartsNothingAndPausesReadingUntilItDrains() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    socket.full = true;
    Command a = new Command();
    on(() -> pipeline.submit(false, a));
    assertThat(a.started()).isFalse();
    assertThat(socket.paused).isTrue();
    on(
        () -> {
          socket.full = false;
          socket.drain.handle(null);
        });
    assertThat(a.started()).isTrue();
    on(() -> a.answer("a\n"));
    assertThat(socket.paused).isFalse();
    assertThat(socket.writes).containsExactly("a\n");
  }

  @Test
  void aClientThatLeavesTheWriteQueueFullIsCutOffWithTheStallLine() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    on(() -> pipeline.reply(out("a\n")));
    socket.full = true;
    on(() -> pipeline.reply(out("b\n")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.closed);
    assertThat(socket.writes).containsExactly("a\n", "stalled\n");
  }

  @Test
  void aFailedCommandEndsTheConnectionWithTheFailureLineAndNothingAfterIt() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    on(
        () -> {
          pipeline.reply(out("before\n"));
          pipeline.submit(false, () -> Future.failedFuture(new IllegalStateException("a bug")));
          pipeline.submit(
              false,
              () -> {
                throw new IllegalStateException("another bug");
              });
          pipeline.reply(out("after\n"));
        });
    assertThat(socket.ended).isEqualTo("before\nfailed\n");
    assertThat(socket.writes).isEmpty();
    assertThat(socket.paused).as("a connection that ends reads no more").isTrue();
    on(() -> pipeline.reply(out("later\n")));
    assertThat(socket.writes).isEmpty();
    // The client does not read the last words: the connection is closed at once after a bound.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.closed);
  }

  @Test
  void aClosingReplyEndsTheConnectionAfterTheRepliesBeforeIt() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    on(
        () -> {
          pipeline.reply(out("a\n"));
          pipeline.reply(new Out(Buffer.buffer("bye\n"), true));
          pipeline.reply(out("c\n"));
        });
    assertThat(socket.ended).isEqualTo("a\nbye\n");
    assertThat(socket.writes).isEmpty();
    on(pipeline::closed);
  }

  @Test
  void anEmptyRateBucketPacesCommandsInsteadOfRefusingThem() throws Exception {
    // One at once, then one every 50 ms: the second waits, reading pauses, then it runs.
    TokenBucket rate = new TokenBucket(20, 1, System.nanoTime());
    CommandPipeline pipeline =
        on(
            () ->
                new CommandPipeline(
                    vertx,
                    socket.proxy,
                    new Limits(4, 1024, STALL_MILLIS),
                    rate,
                    STALL,
                    FAILURE,
                    "test"));
    Command second = new Command();
    on(
        () -> {
          pipeline.reply(out("first\n"));
          pipeline.submit(false, second);
        });
    assertThat(second.started()).isFalse();
    assertThat(socket.paused).isTrue();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(second::started);
    on(() -> second.answer("second\n"));
    assertThat(String.join("", socket.writes)).isEqualTo("first\nsecond\n");
    assertThat(socket.paused).isFalse();
  }

  @Test
  void afterTheConnectionClosedNothingIsWritten() throws Exception {
    CommandPipeline pipeline = pipeline(4);
    Command a = new Command();
    on(() -> pipeline.submit(false, a));
    on(pipeline::closed);
    on(() -> a.answer("too late\n"));
    on(() -> pipeline.reply(out("later\n")));
    assertThat(socket.writes).isEmpty();
    assertThat(socket.ended).isNull();
  }

  // ---- helpers
  // -----------------------------------------------------------------------------------

  /** A pipeline whose rate never binds. */
  private CommandPipeline pipeline(int maxInFlight) throws Exception {
    TokenBucket unlimited = new TokenBucket(1_000_000, 1_000_000, System.nanoTime());
    return on(
        () ->
            new CommandPipeline(
                vertx,
                socket.proxy,
                new Limits(maxInFlight, 1024, STALL_MILLIS),
                unlimited,
                STALL,
                FAILURE,
                "test"));
  }

  private static Out out(String line) {
    return new Out(Buffer.buffer(line), false);
  }

  private void on(Runnable step) throws Exception {
    on(
        () -> {
          step.run();
          return null;
        });
  }

  /**
   * Runs {@code step} on the connection's context, then waits for one more turn there, so that what
   * the step scheduled (a flush) has run.
   */
  private <T> T on(Callable<T> step) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(step.call());
          } catch (Exception | AssertionError e) {
            result.completeExceptionally(e);
          }
        });
    T value = result.get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> turn = new CompletableFuture<>();
    context.runOnContext(v -> turn.complete(null));
    turn.get(10, TimeUnit.SECONDS);
    return value;
  }

  /** A command whose reply the test gives when it likes; remembers whether it was started. */
  private static final class Command implements Supplier<Future<Out>> {
    private volatile Promise<Out> promise;

    @Override
    public Future<Out> get() {
      promise = Promise.promise();
      return promise.future();
    }

    boolean started() {
      return promise != null;
    }

    void answer(String line) {
      promise.complete(out(line));
    }
  }

  /** Only what the pipeline uses of a NetSocket; the rest answers with defaults. */
  private static final class FakeSocket {
    final List<String> writes = new CopyOnWriteArrayList<>();
    volatile String ended;
    volatile boolean closed;
    volatile boolean full;
    volatile boolean paused;
    volatile Handler<Void> drain;
    final NetSocket proxy;

    @SuppressWarnings("unchecked")
    FakeSocket() {
      proxy =
          (NetSocket)
              Proxy.newProxyInstance(
                  NetSocket.class.getClassLoader(),
                  new Class<?>[] {NetSocket.class},
                  (self, method, args) -> {
                    switch (method.getName()) {
                      case "write" -> writes.add(args[0].toString());
                      case "end" -> ended = args == null ? "" : args[0].toString();
                      case "close" -> closed = true;
                      case "pause" -> paused = true;
                      case "resume" -> paused = false;
                      case "writeQueueFull" -> {
                        return full;
                      }
                      case "drainHandler" -> drain = (Handler<Void>) args[0];
                      case "hashCode" -> {
                        return System.identityHashCode(self);
                      }
                      case "equals" -> {
                        return self == args[0];
                      }
                      case "toString" -> {
                        return "FakeSocket";
                      }
                      default -> {}
                    }
                    Class<?> type = method.getReturnType();
                    if (type.isAssignableFrom(NetSocket.class)) {
                      return self;
                    }
                    return type == Future.class ? Future.succeededFuture() : null;
                  });
    }
  }
}
