package io.paywire.service;

import io.paywire.bus.LedgerStatus;
import io.paywire.ledger.Batch;
import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.Snapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The single node's commit path: a batch's commands run at once on the service's context ({@link
 * Batch#run}, each seeing the ones before it), then the batch goes to the journal in one write and
 * one fsync on the journal's own worker. One batch at a time: the next is applied on the state this
 * one left, which is durable once its write returns.
 *
 * <p>Snapshots: after a durable batch, when enough transfers were added, the state is captured on
 * the service's context (cheap: see {@link Ledger#captureSnapshot}) and written on a worker of its
 * own while batches go on.
 */
public final class LocalJournalCommit implements CommitPort {

  private static final System.Logger LOG = System.getLogger(LocalJournalCommit.class.getName());

  /** Opens a ledger's directory; a seam for tests that inject a fault into the ledger. */
  @FunctionalInterface
  public interface Opener {
    Ledger open(Path dataDirectory, LedgerOptions options) throws IOException;
  }

  private final Ledger ledger;
  private final Path directory;

  /**
   * Why the ledger failed closed, set on the service's context once the failing step returned: a
   * write fails the ledger (and undoes its batch in memory) on the journal's worker, and no read
   * may look at the state before that is over.
   */
  private String failure;

  private final WorkerExecutor journalWorker;
  private final WorkerExecutor snapshotWorker;
  private Future<?> snapshotInFlight = Future.succeededFuture();

  private LocalJournalCommit(
      Ledger ledger, Path directory, WorkerExecutor journalWorker, WorkerExecutor snapshotWorker) {
    this.ledger = ledger;
    this.directory = directory;
    this.journalWorker = journalWorker;
    this.snapshotWorker = snapshotWorker;
  }

  /** Opens the ledger in {@code directory} (recovery included) on the journal's worker. */
  public static Future<LocalJournalCommit> open(
      Vertx vertx, String name, Path directory, LedgerOptions options, Opener opener) {
    WorkerExecutor journal = vertx.createSharedWorkerExecutor("paywire-journal-" + name, 1);
    WorkerExecutor snapshots = vertx.createSharedWorkerExecutor("paywire-snapshot-" + name, 1);
    return journal
        .executeBlocking(() -> opener.open(directory, options))
        .map(ledger -> new LocalJournalCommit(ledger, directory, journal, snapshots))
        .onFailure(
            e -> {
              journal.close();
              snapshots.close();
            });
  }

  @Override
  public int maxInFlight() {
    return 1;
  }

  @Override
  public Form newForm() {
    LedgerOptions options = ledger.options();
    return new Form() {
      private final List<Command> commands = new ArrayList<>();
      private long recordBytes;

      @Override
      public boolean tryAdd(Command command) {
        long records = recordBytes + Batch.recordBytesAtMost(command);
        if (!Batch.fits(options, commands.size() + 1, records)) {
          return false;
        }
        commands.add(command);
        recordBytes = records;
        return true;
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
    Batch batch;
    List<Executed> executed = new ArrayList<>(commands.size());
    try {
      batch = ledger.newBatch(timeMillis);
      for (Command command : commands) {
        executed.add(batch.run(command));
      }
    } catch (RuntimeException e) {
      // Batch.run failed the ledger closed already (and undid the batch); nothing is answered.
      failure = ledger.failed() ? ledger.failure() : e.toString();
      return Future.failedFuture(e);
    }
    if (!batch.hasRecords()) {
      return Future.succeededFuture(executed);
    }
    return journalWorker
        .<List<Executed>>executeBlocking(
            () -> {
              ledger.write(batch);
              return executed;
            })
        .onFailure(e -> failure = ledger.failed() ? ledger.failure() : e.toString());
  }

  @Override
  public <T> Future<T> read(Function<ReadPoint, T> lookup, boolean confirm) {
    try {
      return Future.succeededFuture(
          lookup.apply(new ReadPoint(ledger.state(), ledger.position(), ledger.journalBlocks())));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public String failure() {
    return failure;
  }

  @Override
  public JsonObject status(ReadPoint point) {
    return LedgerStatus.of(point.state(), point.position(), failure()).toJson();
  }

  @Override
  public void committed() {
    if (!snapshotInFlight.isComplete() || !ledger.snapshotDue()) {
      return;
    }
    Snapshot.Image image = ledger.captureSnapshot();
    snapshotInFlight =
        snapshotWorker
            .executeBlocking(() -> ledger.writeSnapshot(image))
            .onFailure(
                e ->
                    LOG.log(
                        Level.ERROR,
                        "event=snapshot_failed dir={0} error={1}",
                        directory,
                        e.toString()));
  }

  /**
   * Waits for a snapshot being written, then closes the journal (fsync) and releases the directory.
   * Call once the service has drained.
   */
  public Future<Void> close() {
    return snapshotInFlight
        .<Void>transform(
            done ->
                journalWorker.executeBlocking(
                    () -> {
                      ledger.close();
                      return null;
                    }))
        .andThen(
            closed -> {
              journalWorker.close();
              snapshotWorker.close();
            });
  }
}
