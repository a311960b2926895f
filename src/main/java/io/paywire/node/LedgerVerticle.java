package io.paywire.node;

import io.paywire.bus.BatchObserver;
import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerRequests;
import io.paywire.bus.LedgerRequests.Answer;
import io.paywire.bus.LedgerRequests.Request;
import io.paywire.ledger.Batch;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerView;
import io.paywire.ledger.Snapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The only writer of ledger state, reached through the addresses in {@link LedgerApi}; how each
 * request is read and answered is {@link LedgerRequests}', shared with a cluster's leader.
 *
 * <p>Group commit: requests queue up while a journal write is in flight; when it returns, every
 * queued request (up to the batch limits) is applied in order to the in-memory state and the
 * changes go to disk in one write and one fsync. Replies leave only after that fsync, so nothing
 * is acknowledged before it is durable. Reads queue with the writes and are answered in order with
 * them, so a read never shows a change that is not yet durable to anyone who could act on it.
 *
 * <p>All state is touched on this verticle's event loop; the journal write and the snapshot write
 * run on their own single-thread worker pools. Reads of the journal itself (blocks, a transfer's
 * proof) take their turn in the queue too, where they look up what memory holds and note how far
 * the journal is durable; once their batch is written they read the journal below that bound on a
 * pool of {@link #JOURNAL_READ_THREADS} workers, in parallel with each other and with the writer.
 */
public final class LedgerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(LedgerVerticle.class.getName());

  /** Workers reading the journal for blocks and proofs, beside the single writer. */
  static final int JOURNAL_READ_THREADS = 2;

  /**
   * @param defaultDepositMinor the deposit of a registration that names none
   * @param maxPendingRequests requests queued beyond this are refused as overloaded
   */
  public record Settings(
      Path dataDirectory, LedgerOptions options, long defaultDepositMinor,
      int maxPendingRequests) {}

  /** One queued request: evaluated in batch order against the state, answered after the write. */
  private record Pending(Message<Object> message, Request request) {}

  private record Reply(Message<Object> message, Answer answer) {}

  private final Settings settings;
  private final Clock clock;
  private final LedgerRequests requests;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private WorkerExecutor journalWorker;
  private WorkerExecutor snapshotWorker;
  private WorkerExecutor journalReadWorker;
  /** Journal reads handed to a worker and not answered yet; they count as pending requests. */
  private int journalReadsInFlight;
  private Ledger ledger;
  private boolean writing;
  private Future<?> snapshotInFlight = Future.succeededFuture();
  private Promise<Void> drained;

  /** Opens the ledger at start; a seam for tests that need a fault injected into it. */
  interface Opener {
    Ledger open(Path dataDirectory, LedgerOptions options) throws IOException;
  }

  private final Opener opener;

  private final BatchObserver observer;

  public LedgerVerticle(Settings settings, Clock clock) {
    this(settings, clock, Ledger::open, BatchObserver.NONE);
  }

  /** With an observer of batches (the node's metrics). */
  public LedgerVerticle(Settings settings, Clock clock, BatchObserver observer) {
    this(settings, clock, Ledger::open, observer);
  }

  LedgerVerticle(Settings settings, Clock clock, Opener opener) {
    this(settings, clock, opener, BatchObserver.NONE);
  }

  private LedgerVerticle(Settings settings, Clock clock, Opener opener, BatchObserver observer) {
    this.settings = settings;
    this.clock = clock;
    this.requests = new LedgerRequests(settings.defaultDepositMinor(), new SecureRandom());
    this.opener = opener;
    this.observer = observer;
  }

  /**
   * The context every ledger handler runs on, once deployed: the benchmark puts a timer on it to
   * measure how long the ledger keeps its event loop busy. Nothing else may run work there.
   */
  public Context ledgerContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    journalWorker = vertx.createSharedWorkerExecutor("paywire-journal-" + deploymentID(), 1);
    snapshotWorker = vertx.createSharedWorkerExecutor("paywire-snapshot-" + deploymentID(), 1);
    journalReadWorker = vertx.createSharedWorkerExecutor(
        "paywire-journal-read-" + deploymentID(), JOURNAL_READ_THREADS);
    return journalWorker
        .executeBlocking(() -> opener.open(settings.dataDirectory(), settings.options()))
        .compose(opened -> {
          ledger = opened;
          consumers.addAll(requests.serve(vertx.eventBus(),
              (message, request) -> enqueue(new Pending(message, request))));
          registerStatus();
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        });
  }

  /**
   * Stops taking requests, finishes every request already queued (journal reads included), waits
   * for the journal and any snapshot write, then closes the journal (fsync) and releases the data
   * directory.
   */
  @Override
  public Future<?> stop() {
    Future<?> unregistered =
        Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    drained = Promise.promise();
    checkDrained();
    return unregistered
        .compose(v -> drained.future())
        .compose(v -> snapshotInFlight.otherwiseEmpty())
        .compose(v -> ledger == null ? Future.succeededFuture()
            : journalWorker.executeBlocking(() -> {
              ledger.close();
              return null;
            }))
        .onComplete(v -> {
          journalWorker.close();
          snapshotWorker.close();
          journalReadWorker.close();
        });
  }

  // ---- requests --------------------------------------------------------------------------------

  /**
   * Status is answered even after the ledger failed closed, so that {@code GET /health} can say
   * it failed (and why) instead of only that no answer came.
   */
  private void registerStatus() {
    consumers.add(vertx.eventBus().consumer(LedgerApi.STATUS, message -> {
      if (ledger.failed()) {
        message.reply(status(ledger.state()));
      } else {
        enqueue(new Pending(message,
            new LedgerRequests.Read(state -> new Answer.Ready(status(state)))));
      }
    }));
  }

  private JsonObject status(LedgerView state) {
    return LedgerRequests.status(state, ledger.position(),
        ledger.failed() ? ledger.failure() : null);
  }

  // ---- group commit ----------------------------------------------------------------------------

  private void enqueue(Pending pending) {
    if (ledger.failed()) {
      pending.message().fail(LedgerApi.FAILURE_UNAVAILABLE, "ledger failed closed");
      return;
    }
    if (LedgerRequests.refuseIfOverloaded(pending.message(), queue.size() + journalReadsInFlight,
        settings.maxPendingRequests())) {
      return;
    }
    queue.add(pending);
    drain();
  }

  /** Forms and writes batches until the queue is empty or a write is in flight. */
  private void drain() {
    while (!writing && !queue.isEmpty()) {
      if (ledger.failed()) {
        queue.forEach(p -> p.message().fail(LedgerApi.FAILURE_UNAVAILABLE,
            "ledger failed closed"));
        queue.clear();
        break;
      }
      Batch batch = ledger.newBatch(clock.millis());
      LedgerView state = ledger.state();
      List<Reply> replies = new ArrayList<>(Math.min(queue.size(), 1024));
      Pending pending = null;
      try {
        while (!queue.isEmpty() && !batch.isFull()) {
          pending = queue.poll();
          replies.add(new Reply(pending.message(), step(pending.request(), batch, state)));
        }
      } catch (RuntimeException e) {
        // Fail closed: the ledger undoes the batch, and no request of it gets an answer that
        // could pass for an acknowledgement; the loop then refuses everything still queued.
        ledger.fail(batch, "apply", e);
        replies.forEach(r -> r.message().fail(LedgerApi.FAILURE_UNAVAILABLE,
            "ledger failed closed; nothing in this batch was applied"));
        pending.message().fail(LedgerApi.FAILURE_UNAVAILABLE,
            "ledger failed closed; nothing in this batch was applied");
        continue;
      }
      if (!batch.hasRecords()) {
        answer(replies);
        continue;
      }
      writing = true;
      journalWorker.executeBlocking(() -> {
        long started = System.nanoTime();
        ledger.write(batch);
        return System.nanoTime() - started;
      }).onComplete(written -> {
        writing = false;
        if (written.succeeded()) {
          observe(batch.recordCount(), written.result());
          answer(replies);
          maybeSnapshot();
        } else {
          replies.forEach(r -> r.message().fail(LedgerApi.FAILURE_UNAVAILABLE,
              "journal write failed; nothing in this batch was applied"));
        }
        drain();
      });
    }
    checkDrained();
  }

  /** A request's turn in the batch: a write runs in it, a read looks at the state as it stands. */
  private static Answer step(Request request, Batch batch, LedgerView state) {
    if (request instanceof LedgerRequests.Write write) {
      return write.answer(batch.run(write.command()));
    }
    return ((LedgerRequests.Read) request).lookup().apply(state);
  }

  /**
   * Answers the requests of a batch that is durable (or changed nothing). Journal reads go to
   * their workers with the bound as of now: every batch below it is on disk, this one included.
   */
  private void answer(List<Reply> replies) {
    long bound = ledger.position().nextBatchSequence();
    for (Reply reply : replies) {
      if (reply.answer() instanceof Answer.Ready ready) {
        ready.deliver(reply.message(), vertx.eventBus());
      } else {
        readJournal(reply.message(), ((Answer.FromJournal) reply.answer()).read(), bound);
      }
    }
  }

  /** Runs a journal read on a read worker; it counts as pending until answered. */
  private void readJournal(Message<Object> message, LedgerRequests.JournalRead read, long bound) {
    journalReadsInFlight++;
    LedgerRequests.answerFromJournal(journalReadWorker, message, ledger.journalBlocks(), read,
        bound).onComplete(done -> {
          journalReadsInFlight--;
          checkDrained();
        });
  }

  /** Tells the observer of a durable batch; its failure is logged, never the batch's. */
  private void observe(int records, long nanos) {
    try {
      observer.written(records, nanos);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "event=batch_observer_failed error={0}", e.toString());
    }
  }

  private void checkDrained() {
    if (drained != null && !writing && queue.isEmpty() && journalReadsInFlight == 0) {
      drained.tryComplete();
    }
  }

  private void maybeSnapshot() {
    if (!snapshotInFlight.isComplete() || !ledger.snapshotDue()) {
      return;
    }
    Snapshot.Image image = ledger.captureSnapshot();
    snapshotInFlight = snapshotWorker.executeBlocking(() -> ledger.writeSnapshot(image))
        .onFailure(e -> LOG.log(Level.ERROR, "event=snapshot_failed error={0}", e.toString()));
  }
}
