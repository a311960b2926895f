package io.paywire.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One ledger: its state, its journal and its snapshots, all under one data directory. Any number of
 * ledgers can live in one process, each in its own directory; a lock file keeps two processes from
 * opening the same one.
 *
 * <p>Threading: one owner thread calls {@link #newBatch}, {@link Batch#execute}, the reads on
 * {@link #state()} and {@link #captureSnapshot}. {@link #write} and {@link #writeSnapshot} block on
 * I/O and may run on other threads, one call at a time each, as long as the owner waits for {@link
 * #write} to return before it starts the next batch. {@link #journalBlocks} may be read from any
 * thread, with a bound taken from {@link #position()} on the owner thread.
 */
public final class Ledger implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Ledger.class.getName());

  /** What recovery found; logged at start and reported by the benchmark. */
  public record Recovery(
      Optional<Path> snapshot,
      long batchesReplayed,
      long recordsReplayed,
      long tornBytesTruncated,
      long millis) {}

  private final Path directory;
  private final Storage storage;
  private final LedgerOptions options;
  private final LedgerState state;
  private final JournalWriter writer;
  private final Closeable lock;
  private final Recovery recovery;
  private final JournalBlocks journalBlocks;
  private volatile boolean failed;

  /**
   * Segments below this one are wholly forced ({@link #forceJournalUpTo}); -1 until the first call,
   * which forces them all.
   */
  private volatile long forcedSegmentId = -1;

  /** The journal's end as of its last force: what a power cut keeps. */
  private volatile JournalPosition forcedPosition;

  private volatile String failure;
  private long transfersAtLastSnapshot;

  /**
   * The end of the last batch this ledger wrote, kept apart from the writer's own position: each
   * new frame must carry the next sequence and this head hash, or nothing is written.
   */
  private JournalPosition lastWritten;

  private Ledger(
      Path directory,
      Storage storage,
      LedgerOptions options,
      LedgerState state,
      JournalWriter writer,
      Closeable lock,
      Recovery recovery) {
    this.directory = directory;
    this.storage = storage;
    this.options = options;
    this.state = state;
    this.writer = writer;
    this.lock = lock;
    this.recovery = recovery;
    this.transfersAtLastSnapshot = state.transferCount() - recovery.recordsReplayed();
    this.lastWritten = writer.position();
    // Recovery read it back from the disk: at least what was there is taken as durable.
    this.forcedPosition = writer.position();
    this.journalBlocks = new JournalBlocks(storage, journalDirectory(directory));
  }

  static Path journalDirectory(Path dataDirectory) {
    return dataDirectory.resolve("journal");
  }

  static Path snapshotDirectory(Path dataDirectory) {
    return dataDirectory.resolve("snapshots");
  }

  /**
   * Opens the ledger in {@code directory}, creating it if needed: loads the newest valid snapshot,
   * replays the journal after it, truncates a torn last batch, and checks every invariant.
   *
   * @throws JournalCorruptException if the journal is damaged anywhere but a torn tail
   * @throws IOException if the directory cannot be used or is locked by another process
   */
  public static Ledger open(Path directory, LedgerOptions options) throws IOException {
    return open(directory, options, FileStorage.INSTANCE);
  }

  /** Opens the ledger on {@code storage}: the real file system, or a simulated disk in tests. */
  static Ledger open(Path directory, LedgerOptions options, Storage storage) throws IOException {
    return open(directory, options, storage, null);
  }

  /**
   * Opens the ledger in {@code directory} as it stood at {@code position}: first cuts away every
   * journal batch after the position and every snapshot taken after it, then recovers as {@link
   * #open} does. For a Raft member, whose journal after its last snapshot mark is a copy of entries
   * its Raft log holds durably and re-applies byte for byte; never for a single node, whose journal
   * is the only copy. The caller checks that the ledger then ends at {@code position} (a journal
   * that lost bytes before it ends earlier).
   */
  public static Ledger openAt(Path directory, LedgerOptions options, JournalPosition position)
      throws IOException {
    return open(directory, options, FileStorage.INSTANCE, position);
  }

  /** Opens the ledger, first cut back to {@code cutAfter} unless that is null. */
  static Ledger open(
      Path directory, LedgerOptions options, Storage storage, JournalPosition cutAfter)
      throws IOException {
    long started = System.nanoTime();
    storage.createDirectories(journalDirectory(directory));
    Closeable lock = storage.lock(directory);
    try {
      if (cutAfter != null) {
        cutAfter(directory, storage, cutAfter);
      }
      return recover(directory, storage, options, lock, started);
    } catch (Throwable e) {
      lock.close();
      throw e;
    }
  }

  /** Removes what the directory holds after {@code position}, durably. */
  private static void cutAfter(Path directory, Storage storage, JournalPosition position)
      throws IOException {
    Path snapshots = snapshotDirectory(directory);
    String lastKept = Snapshot.fileFor(snapshots, position).getFileName().toString();
    int snapshotsDropped = 0;
    for (Path file : Snapshot.list(storage, snapshots)) {
      // Names carry the batch sequence in 20 digits: their order is the sequences' order.
      if (file.getFileName().toString().compareTo(lastKept) > 0) {
        storage.delete(file);
        snapshotsDropped++;
      }
    }
    if (snapshotsDropped > 0) {
      storage.syncDirectory(snapshots);
    }
    Path journal = journalDirectory(directory);
    long bytesDropped = 0;
    int segmentsDropped = 0;
    for (long id : JournalReader.segmentIds(storage, journal)) {
      Path file = journal.resolve(JournalFormat.segmentName(id));
      long size;
      try (var channel = storage.openRead(file)) {
        size = channel.size();
      }
      if (id > position.segmentId()) {
        storage.delete(file);
        segmentsDropped++;
        bytesDropped += size;
      } else if (id == position.segmentId() && size > position.offset()) {
        storage.truncate(file, position.offset());
        bytesDropped += size - position.offset();
      }
    }
    if (segmentsDropped > 0) {
      storage.syncDirectory(journal);
    }
    if (bytesDropped > 0 || snapshotsDropped > 0) {
      LOG.log(
          Level.INFO,
          "event=journal_cut dir={0} next_batch={1} bytes={2} segments={3}" + " snapshots={4}",
          directory,
          position.nextBatchSequence(),
          bytesDropped,
          segmentsDropped,
          snapshotsDropped);
    }
  }

  private static Ledger recover(
      Path directory, Storage storage, LedgerOptions options, Closeable lock, long started)
      throws IOException {
    LedgerState state = new LedgerState(options.rules(), options.gradecoin());
    JournalPosition from = JournalPosition.START;
    Optional<Path> used = Optional.empty();
    int temporaries = Snapshot.deleteTemporaries(storage, snapshotDirectory(directory));
    if (temporaries > 0) {
      LOG.log(Level.INFO, "event=snapshot_temporaries_deleted count={0}", temporaries);
    }
    List<Path> snapshots = Snapshot.list(storage, snapshotDirectory(directory));
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      Optional<Snapshot.Image> image = Snapshot.read(storage, snapshots.get(i));
      if (image.isPresent()) {
        state = LedgerState.restore(options.rules(), options.gradecoin(), image.get());
        from = image.get().position();
        used = Optional.of(snapshots.get(i));
        break;
      }
      LOG.log(Level.WARNING, "event=snapshot_skipped file={0} reason=damaged", snapshots.get(i));
    }
    LedgerState replayInto = state;
    JournalReader.Tail tail =
        JournalReader.read(storage, journalDirectory(directory), from, replayInto::replay);
    if (tail.torn()) {
      storage.truncate(tail.tornFile(), tail.end().offset());
      LOG.log(
          Level.WARNING,
          "event=journal_torn_tail_truncated file={0} offset={1} bytes={2}",
          tail.tornFile(),
          tail.end().offset(),
          tail.tornBytes());
    }
    state.checkInvariants();
    JournalWriter writer =
        JournalWriter.open(
            storage, journalDirectory(directory), tail.end(), options.segmentBytes());
    Recovery recovery =
        new Recovery(
            used,
            tail.batchesRead(),
            tail.recordsRead(),
            tail.tornBytes(),
            (System.nanoTime() - started) / 1_000_000);
    LOG.log(
        Level.INFO,
        "event=ledger_recovered dir={0} snapshot={1} batches={2} records={3}"
            + " torn_bytes={4} accounts={5} transfers={6} millis={7}",
        directory,
        used.map(Path::getFileName).map(Path::toString).orElse("none"),
        recovery.batchesReplayed(),
        recovery.recordsReplayed(),
        recovery.tornBytesTruncated(),
        state.accountCount(),
        state.transferCount(),
        recovery.millis());
    return new Ledger(directory, storage, options, state, writer, lock, recovery);
  }

  /**
   * The state, read-only, for reads from the owner thread. Changes go through {@link #newBatch}
   * only, so that nothing reaches memory without reaching the journal.
   */
  public LedgerView state() {
    return state;
  }

  /** Test seam: growing the transfer columns past {@code rows} fails as if memory ran out. */
  void limitTransferColumns(int rows) {
    state.transfers.columnCapacityLimit = rows;
  }

  /** Test seam: the journal writer, whose bookkeeping a test may break. */
  JournalWriter writer() {
    return writer;
  }

  /** The mutable engine, for this package's own tools and tests. */
  LedgerState engine() {
    return state;
  }

  public LedgerOptions options() {
    return options;
  }

  public Recovery recovery() {
    return recovery;
  }

  public JournalPosition position() {
    return writer.position();
  }

  /**
   * Reads blocks and journaled transfers back from this ledger's journal, from any thread and while
   * batches are written. Pass as bound the {@code nextBatchSequence()} of a {@link #position()}
   * taken on the owner thread after the write of the last batch to include.
   */
  public JournalBlocks journalBlocks() {
    return journalBlocks;
  }

  /**
   * True after a batch failed to apply, to pass its checks or to reach the journal: the ledger
   * refuses all further batches until it is reopened.
   */
  public boolean failed() {
    return failed;
  }

  /** Why the ledger failed closed, or null while it has not. */
  public String failure() {
    return failure;
  }

  /** Starts a batch whose transfers carry {@code timeMillis}. */
  public Batch newBatch(long timeMillis) {
    requireOpen();
    return new Batch(this, state, options, timeMillis);
  }

  /**
   * Applies {@code commands} in order as one batch at {@code timeMillis} and makes it durable (one
   * write, one fsync): see {@link #apply(long, List, boolean)}.
   */
  public List<Executed> apply(long timeMillis, List<Command> commands) throws IOException {
    return apply(timeMillis, commands, true);
  }

  /**
   * Applies {@code commands} in order as one batch at {@code timeMillis} and writes it to the
   * journal, forced to disk if {@code force}: the deterministic step of a replicated ledger, where
   * the same commands at the same time give every member the same state and the same journal bytes.
   * A Raft member passes {@code force} false: its Raft log already holds the batch durably, and it
   * forces the journal at its snapshot points ({@link #forceJournalUpTo}). Blocking; call on the
   * owner thread, between batches. The commands must fit one batch ({@link Batch#fits}).
   *
   * @return what each command did, in order; acknowledge none of it if this throws
   * @throws LedgerFailedException if a command could not be applied or the commands do not fit one
   *     batch: the ledger failed closed and nothing of the batch was written
   * @throws IOException if the write failed: the ledger failed closed
   */
  public List<Executed> apply(long timeMillis, List<Command> commands, boolean force)
      throws IOException {
    Batch batch = newBatch(timeMillis);
    List<Executed> executed = new ArrayList<>(commands.size());
    for (Command command : commands) {
      if (batch.isFull()) {
        throw fail(
            batch,
            "apply",
            new IllegalStateException(
                "the commands do not fit one batch: " + commands.size() + " given"));
      }
      executed.add(batch.run(command));
    }
    write(batch, force);
    return executed;
  }

  /** A file and how many of its first bytes belong to a copy of the ledger. */
  public record FileExtent(Path file, long length) {}

  /**
   * The journal segments that hold every batch before {@code position}, oldest first, the last cut
   * at the position's offset: with a snapshot taken at that position, what a copy of this ledger as
   * of that position takes. Segments are append-only, so these bytes never change.
   */
  public List<FileExtent> journalUpTo(JournalPosition position) throws IOException {
    Path journal = journalDirectory(directory);
    List<FileExtent> files = new ArrayList<>();
    for (long id : JournalReader.segmentIds(storage, journal)) {
      if (id > position.segmentId()) {
        break;
      }
      Path file = journal.resolve(JournalFormat.segmentName(id));
      long length;
      if (id == position.segmentId()) {
        length = position.offset();
      } else {
        try (var channel = storage.openRead(file)) {
          length = channel.size();
        }
      }
      files.add(new FileExtent(file, length));
    }
    Path last = journal.resolve(JournalFormat.segmentName(position.segmentId()));
    if (files.isEmpty() || !files.get(files.size() - 1).file().equals(last)) {
      throw new JournalCorruptException(
          journal,
          position.offset(),
          "segment " + position.segmentId() + " of the position is missing");
    }
    return files;
  }

  /**
   * Forces every journal segment that holds batches before {@code position} to disk, from any
   * thread and while batches are written (each segment through a descriptor of its own: an fsync
   * forces the file, whichever descriptor wrote it). For a writer that does not force each batch
   * ({@link #apply(long, List, boolean)}): once this returns, a power cut keeps the journal up to
   * {@code position}. Segments wholly forced by an earlier call are not forced again.
   */
  public void forceJournalUpTo(JournalPosition position) throws IOException {
    long from = forcedSegmentId;
    for (FileExtent extent : journalUpTo(position)) {
      long id = JournalFormat.segmentId(extent.file());
      if (id < from) {
        continue;
      }
      try (Storage.AppendFile file = storage.openAppend(extent.file())) {
        file.force();
      }
    }
    storage.syncDirectory(journalDirectory(directory));
    forcedSegmentId = position.segmentId();
    forcedPosition = position;
  }

  /**
   * Where the journal stood at its last force (a batch written with its fsync, or {@link
   * #forceJournalUpTo}; opening counts as one): every byte before it survives a power cut, bytes
   * after it may not. Closing forces too, but does not move this: it answers what a crash of the
   * process before the close would have left durable.
   */
  public JournalPosition forcedPosition() {
    return forcedPosition;
  }

  void requireOpen() {
    if (failed) {
      throw new LedgerFailedException("ledger failed closed: " + failure);
    }
  }

  /**
   * Fails the ledger closed because of something that went wrong inside {@code batch} (the caller
   * may report its own errors here too, such as one building a reply): marks the ledger failed
   * first, then undoes the batch in memory so the state again equals the journal. Nothing of the
   * batch may be acknowledged. Safe to call more than once.
   *
   * @return the exception to throw
   */
  public LedgerFailedException fail(Batch batch, String stage, Throwable cause) {
    long sequence = writer.position().nextBatchSequence();
    if (!failed) {
      failure = "batch " + sequence + " failed in " + stage + ": " + cause;
      failed = true;
      LOG.log(
          Level.ERROR,
          "event=ledger_failed_closed dir={0} batch={1} stage={2} error={3}",
          directory,
          sequence,
          stage,
          cause.toString());
      try {
        state.rollBack(batch.start);
      } catch (RuntimeException | Error undo) {
        // The ledger is failed either way and serves nothing more; a restart recovers.
        LOG.log(
            Level.ERROR,
            "event=ledger_rollback_failed dir={0} error={1}",
            directory,
            undo.toString());
      }
    }
    return new LedgerFailedException("ledger failed closed: " + failure, cause);
  }

  /**
   * Appends the batch to the journal and forces it to disk. If this throws, the ledger has failed
   * closed: nothing of this batch may be acknowledged and no further batch is accepted; memory is
   * rolled back to before the batch. Reopening the directory recovers what is durable.
   */
  public void write(Batch batch) throws IOException {
    write(batch, true);
  }

  private void write(Batch batch, boolean force) throws IOException {
    if (failed) {
      throw new IOException("ledger failed closed: " + failure);
    }
    long sequence = writer.position().nextBatchSequence();
    try {
      state.checkBatch(batch.start, sequence);
    } catch (RuntimeException e) {
      fail(batch, "invariant check", e);
      throw new IOException(e.getMessage(), e);
    }
    if (!batch.hasRecords()) {
      return;
    }
    try {
      JournalPosition written =
          writer.append(
              lastWritten, batch.timeMillis, batch.recordCount, batch.encodedRecords(), force);
      lastWritten = written;
      if (force) {
        forcedPosition = written;
      }
    } catch (IOException | RuntimeException | Error e) {
      fail(batch, "journal write", e);
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  /** Whether enough transfers were added since the last snapshot to write a new one. */
  public boolean snapshotDue() {
    return !failed
        && options.snapshotEveryTransfers() > 0
        && state.transferCount() - transfersAtLastSnapshot >= options.snapshotEveryTransfers();
  }

  /**
   * Captures the state as of the last written batch: copies the accounts and shares the transfer
   * columns' full chunks (see {@link Snapshot#capture}), so its cost does not grow with the
   * history. Call between batches, on the owner thread.
   */
  public Snapshot.Image captureSnapshot() {
    if (failed) {
      // The state holds the failed batch, which is not durable: it must never reach a snapshot.
      throw new IllegalStateException("ledger failed closed; no snapshot of its state");
    }
    transfersAtLastSnapshot = state.transferCount();
    long started = System.nanoTime();
    Snapshot.Image image = Snapshot.capture(state, writer.position());
    LOG.log(
        Level.INFO,
        "event=snapshot_captured transfers={0} micros={1}",
        image.transferCount(),
        (System.nanoTime() - started) / 1_000);
    return image;
  }

  /** Writes a captured image to disk; blocking, safe to run while batches continue. */
  public Path writeSnapshot(Snapshot.Image image) throws IOException {
    if (failed) {
      throw new IOException("ledger failed closed; snapshot not written");
    }
    long started = System.nanoTime();
    Path file =
        Snapshot.write(storage, snapshotDirectory(directory), image, options.snapshotsKept());
    LOG.log(
        Level.INFO,
        "event=snapshot_written file={0} transfers={1} millis={2}",
        file.getFileName(),
        image.transferCount(),
        (System.nanoTime() - started) / 1_000_000);
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      writer.close(!failed); // after a failure there is nothing trustworthy to sync
    } finally {
      lock.close();
    }
  }
}
