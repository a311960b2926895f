package io.paywire.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named pool of worker threads for one kind of slow work (signature checks, opening
 * registrations), with a bounded queue: when {@code maxQueued} tasks wait or run, a new one is
 * refused at once ({@link Busy}) instead of waiting behind them. So a burst of one kind (50 ms
 * Argon2 registrations) never delays another (a payment's 0.1 ms signature check), and no client
 * can grow a queue without bound. The count is node-wide: one per kind per node, shared by every
 * verticle, each of which takes its executor with {@link #executor}.
 */
public final class WorkerPool {

  /** The pool had no room for the task; it did not run. */
  public static final class Busy extends RuntimeException {
    Busy(String pool) {
      super("the " + pool + " workers are busy", null, false, false);
    }
  }

  private final String name;
  private final int threads;
  private final int maxQueued;
  private final AtomicInteger pending = new AtomicInteger();

  public WorkerPool(String name, int threads, int maxQueued) {
    if (threads < 1 || maxQueued < threads) {
      throw new IllegalArgumentException(
          name
              + ": threads must be positive and the queue at "
              + "least as long: "
              + threads
              + ", "
              + maxQueued);
    }
    this.name = name;
    this.threads = threads;
    this.maxQueued = maxQueued;
  }

  /** This pool's threads, for the verticle of {@code vertx}'s current context. */
  public WorkerExecutor executor(Vertx vertx) {
    return vertx.createSharedWorkerExecutor("paywire-" + name, threads);
  }

  /** Runs {@code task} on {@code executor} (from {@link #executor}), or fails with {@link Busy}. */
  public <T> Future<T> run(WorkerExecutor executor, Callable<T> task) {
    if (pending.incrementAndGet() > maxQueued) {
      pending.decrementAndGet();
      return Future.failedFuture(new Busy(name));
    }
    return executor
        .executeBlocking(task, false)
        .andThen(
            done -> {
              int left = pending.decrementAndGet();
              assert left >= 0 : "more tasks ended than began";
            });
  }

  /** Tasks waiting or running now. */
  public int pending() {
    return pending.get();
  }
}
