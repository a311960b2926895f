package io.paywire.cluster;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.JournalBlocks;
import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerView;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.Snapshot;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;

/**
 * The ledger as a Raft state machine: every member applies the committed {@link LedgerEntry}s, in
 * log order, to its own {@link Ledger} in its own directory, one journal batch per entry, so all
 * members' journals are byte for byte the same and their head hashes agree.
 *
 * <p>One durable copy per member: the Raft log. Ratis fsyncs every entry into its log before it
 * counts toward a commit, so apply writes the entry's journal batch without an fsync of its own.
 * The journal is forced at snapshot points only, before the {@link SnapshotMark} that names it is
 * written. On open the ledger is restored as of the newest mark (its snapshot and the journal up to
 * its position); whatever the journal holds after the mark, durable or not, is cut away, and Ratis
 * re-applies every entry after the mark's index (its log is purged only up to the index {@link
 * #takeSnapshot} returned, which is never past the newest mark), which rewrites those batches byte
 * for byte. Entries name no journal position, so a leader may have several in flight; they apply in
 * log order.
 *
 * <p>Fail closed where the ledger could part from the log: an entry whose index does not follow the
 * last applied one, an entry of another version or of other ledger terms, a journal that does not
 * reach the mark's position on open, a failed apply: Ratis then closes the member.
 *
 * <p>Snapshots: {@link #takeSnapshot} captures the ledger under the lock (cheap) and writes it on a
 * thread of its own: the ledger snapshot, the journal forced up to its position, then the mark that
 * ties it to the applied term and index. The state machine's snapshot is the newest finished mark,
 * its snapshot file and the journal segments up to the mark's position. The ledger's directory is
 * the state machine's snapshot directory, so a follower that installs a snapshot from the leader
 * receives a whole ledger directory, which Ratis moves into place between {@link #pause} and {@link
 * #reinitialize}.
 *
 * <p>Threading: Ratis calls apply, snapshot and reinitialize on its one state-machine thread and
 * pause on a transport thread; every use of the ledger there holds {@link #lock}. The snapshot
 * writer holds no lock: {@link #pause} and {@link #close} wait for it before the ledger closes.
 */
public final class LedgerStateMachine extends BaseStateMachine {

  private static final System.Logger LOG = System.getLogger(LedgerStateMachine.class.getName());

  /**
   * How many snapshot marks stay on disk: the newest, and the one before in case it is shipping.
   */
  static final int MARKS_KEPT = 2;

  /** The reply to an entry no member can read: it applied nothing, on every member alike. */
  static final Message MALFORMED = Message.valueOf("MALFORMED");

  /**
   * The reply on a member where nobody waits for the entry (a follower, or a leader re-applying
   * after a restart): small, since Ratis's retry cache keeps every reply for a while.
   */
  static final Message APPLIED_ELSEWHERE = Message.valueOf("APPLIED");

  private final Path directory;
  private final LedgerOptions options;
  private final LedgerEntry.Terms terms;
  private final Object lock = new Object();
  private final LedgerStorage storage = new LedgerStorage();

  /** Writes snapshots off Ratis's apply thread, one at a time. */
  private final ExecutorService snapshotWriter;

  /** Null before initialize, while paused and after close. */
  private Ledger ledger;

  /** The newest finished snapshot; null if none. */
  private volatile SnapshotInfo latest;

  private volatile String failure;

  /** The journal's position after the last entry applied (null while closed): for health. */
  private volatile JournalPosition applied;

  private volatile Runnable leadershipListener = () -> {};

  /** The snapshot write in flight, or the last one; null before the first. Under the lock. */
  private CompletableFuture<Void> snapshotWrite;

  /** The ledger's forced position when it last closed; null before. For tests. */
  private volatile JournalPosition forcedAtClose;

  /** Test seam: runs on the writer thread before each snapshot write. */
  private volatile Runnable beforeSnapshotWrite = () -> {};

  /**
   * @param directory the ledger's data directory, this member's alone; Ratis replaces it whole when
   *     it installs a snapshot from the leader
   */
  public LedgerStateMachine(Path directory, LedgerOptions options) {
    this.directory = directory;
    this.options = options;
    this.terms = LedgerEntry.Terms.of(options);
    this.snapshotWriter =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "paywire-raft-snapshot-writer");
              thread.setDaemon(true);
              return thread;
            });
  }

  // ---- life cycle ------------------------------------------------------------------------------

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    synchronized (lock) {
      getLifeCycle().startAndTransition(this::open);
    }
  }

  /**
   * Really pauses: waits for a snapshot write in flight, then closes the ledger (releasing its
   * directory) before Ratis replaces the directory with an installed snapshot. Ratis calls this for
   * every chunk it receives; only the first does anything.
   */
  @Override
  public void pause() {
    synchronized (lock) {
      if (getLifeCycleState() != LifeCycle.State.RUNNING) {
        return;
      }
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      awaitSnapshotWrite();
      closeLedger();
      getLifeCycle().transition(LifeCycle.State.PAUSED);
      LOG.log(Level.INFO, "event=raft_state_machine_paused dir={0}", directory);
    }
  }

  /** Opens the ledger again, from what the directory now holds (an installed snapshot). */
  @Override
  public void reinitialize() throws IOException {
    synchronized (lock) {
      closeLedger();
      getLifeCycle().startAndTransition(this::open);
      LOG.log(
          Level.INFO,
          "event=raft_state_machine_reloaded dir={0} applied={1}",
          directory,
          getLastAppliedTermIndex());
    }
  }

  /** Finishes a snapshot write in flight (a last finished snapshot), then closes the ledger. */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      awaitSnapshotWrite();
      closeLedger();
    }
    snapshotWriter.shutdown();
  }

  /**
   * Opens the ledger as of the newest snapshot mark: its snapshot and the journal up to its
   * position, everything after cut away (see the class comment); with no mark, empty. Ratis then
   * re-applies every entry after the mark's index.
   */
  private void open() throws IOException {
    Files.createDirectories(directory);
    deleteChecksumFiles();
    Optional<SnapshotMark> mark = newestMark();
    JournalPosition at = mark.map(SnapshotMark::position).orElse(JournalPosition.START);
    Ledger opened = Ledger.openAt(directory, options, at);
    try {
      requireEndsAt(opened, at);
      if (mark.isPresent()) {
        latest = snapshotInfo(opened, mark.get());
        setLastAppliedTermIndex(TermIndex.valueOf(mark.get().term(), mark.get().index()));
      } else {
        latest = null;
        setLastAppliedTermIndex(TermIndex.INITIAL_VALUE);
      }
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw e;
    }
    ledger = opened;
    applied = opened.position();
    LOG.log(
        Level.INFO,
        "event=raft_ledger_opened dir={0} snapshot_index={1} next_batch={2}" + " head={3}",
        directory,
        latest == null ? "none" : latest.getIndex(),
        opened.position().nextBatchSequence(),
        opened.position().headHashHex());
  }

  /**
   * After the cut the journal must end exactly at the mark's position, on the same chain: one that
   * ends earlier lost durable bytes, and this directory must not start.
   */
  private static void requireEndsAt(Ledger open, JournalPosition marked) throws IOException {
    JournalPosition end = open.position();
    if (end.nextBatchSequence() != marked.nextBatchSequence()
        || !Arrays.equals(end.headHash(), marked.headHash())) {
      throw new IOException(
          "the snapshot mark names batch "
              + marked.nextBatchSequence()
              + " after head "
              + marked.headHashHex()
              + ", but the journal ends at batch "
              + end.nextBatchSequence()
              + " after head "
              + end.headHashHex());
    }
  }

  private void closeLedger() {
    if (ledger == null) {
      return;
    }
    forcedAtClose = ledger.forcedPosition();
    try {
      applied = null;
      ledger.close();
    } catch (IOException e) {
      LOG.log(
          Level.ERROR, "event=raft_ledger_close_failed dir={0} error={1}", directory, e.toString());
    }
    ledger = null;
  }

  /**
   * Ratis writes an {@code .md5} file beside every file of a snapshot it installs; the ledger's own
   * checks (checksums, the hash chain) cover those files already.
   */
  private void deleteChecksumFiles() throws IOException {
    for (Path dir :
        List.of(directory, directory.resolve("journal"), directory.resolve("snapshots"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.md5")) {
        for (Path file : files) {
          Files.delete(file);
        }
      }
    }
  }

  // ---- applying --------------------------------------------------------------------------------

  /**
   * Applies one committed entry, synchronously, writing its journal batch without an fsync (the
   * Raft log holds the entry durably). The reply carries the results: on the member whose proposer
   * waits for them ({@link RaftLedger#propose}) they reach it as they are (Ratis hands the reply to
   * the local submitter unchanged); elsewhere a small constant. A failure throws: Ratis then closes
   * this member, whose ledger has failed closed.
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto logEntry = trx.getLogEntry();
    TermIndex termIndex = TermIndex.valueOf(logEntry);
    LedgerEntry entry = null;
    String malformed = null;
    try {
      entry =
          LedgerEntry.decode(
              logEntry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    } catch (LedgerEntry.UnknownVersionException unreadable) {
      synchronized (lock) {
        throw failClosed(termIndex, unreadable.getMessage());
      }
    } catch (IllegalArgumentException e) {
      malformed = e.getMessage();
    }
    List<Executed> executed = null;
    synchronized (lock) {
      Ledger open = requireRunning();
      requireNext(termIndex);
      if (entry != null) {
        if (!entry.terms().equals(terms)) {
          throw failClosed(
              termIndex,
              "the entry's ledger terms " + entry.terms() + " are not this member's " + terms);
        }
        try {
          executed = open.apply(entry.timeMillis(), entry.commands(), false);
        } catch (IOException | RuntimeException e) {
          throw failClosed(termIndex, "apply failed: " + e);
        }
      }
      updateLastAppliedTermIndex(termIndex);
      applied = open.position();
    }
    if (entry == null) {
      LOG.log(
          Level.WARNING,
          "event=raft_entry_malformed index={0} error={1}",
          termIndex.getIndex(),
          malformed);
      return CompletableFuture.completedFuture(MALFORMED);
    }
    return CompletableFuture.completedFuture(
        trx.getClientRequest() == null ? APPLIED_ELSEWHERE : new AppliedMessage(executed));
  }

  /**
   * Each entry follows the last applied index (configuration and metadata entries move it too): a
   * gap means Ratis resumed after another index than the one this ledger stands at.
   */
  private void requireNext(TermIndex termIndex) {
    long last = getLastAppliedTermIndex().getIndex();
    if (termIndex.getIndex() != last + 1) {
      throw failClosed(
          termIndex,
          "entry " + termIndex.getIndex() + " does not follow the last" + " applied index " + last);
    }
  }

  private Ledger requireRunning() {
    if (failure != null) {
      throw new IllegalStateException("ledger state machine failed closed: " + failure);
    }
    if (ledger == null) {
      throw new IllegalStateException(
          "ledger state machine is " + getLifeCycleState() + ", not applying entries");
    }
    return ledger;
  }

  private IllegalStateException failClosed(TermIndex termIndex, String reason) {
    if (failure == null) {
      failure = "entry " + termIndex + ": " + reason;
      LOG.log(
          Level.ERROR,
          "event=raft_state_machine_failed_closed dir={0} reason={1}",
          directory,
          failure);
    }
    return new IllegalStateException("ledger state machine failed closed: " + failure);
  }

  /** Why this member failed closed, or null while it has not. */
  public String failure() {
    return failure;
  }

  /**
   * The reply of an applied entry to the member that proposed it: each command's result, as {@link
   * io.paywire.ledger.Ledger#apply} returned them (immutable records and copies, safe to read on
   * any thread). Ratis hands it to the local submitter as it is; anything that serializes it (a
   * Ratis client over gRPC) gets {@link #getContent}: the command count (4), then per command a tag
   * (1: 0 accepted, 1 accepted as a duplicate, 2 rejected) and, if accepted, the transfer's
   * sequence (8), else the reject code's ordinal (1).
   */
  static final class AppliedMessage implements Message {
    private final List<Executed> results;
    private volatile ByteString content;

    AppliedMessage(List<Executed> results) {
      this.results = List.copyOf(results);
    }

    List<Executed> results() {
      return results;
    }

    @Override
    public ByteString getContent() {
      ByteString encoded = content;
      if (encoded == null) {
        ByteBuffer out = ByteBuffer.allocate(4 + results.size() * 9);
        out.putInt(results.size());
        for (Executed result : results) {
          if (result.outcome() instanceof Outcome.Accepted accepted) {
            out.put((byte) (accepted.duplicate() ? 1 : 0)).putLong(accepted.transfer().sequence());
          } else {
            out.put((byte) 2).put((byte) ((Outcome.Rejected) result.outcome()).code().ordinal());
          }
        }
        encoded = UnsafeByteOperations.unsafeWrap(out.array(), 0, out.position());
        content = encoded;
      }
      return encoded;
    }

    @Override
    public String toString() {
      return "AppliedMessage(" + results.size() + " results)";
    }
  }

  // ---- proposing (the leader) ------------------------------------------------------------------

  /**
   * Encodes an entry of {@code commands} at {@code timeMillis} under this member's ledger terms.
   * Depends on nothing applied: the leader may form the next before this one is applied.
   *
   * @throws IllegalStateException if this member's ledger is not applying entries (paused for a
   *     snapshot install, failed closed, closed)
   */
  byte[] newEntry(List<Command> commands, long timeMillis) {
    if (failure != null) {
      throw new IllegalStateException("ledger state machine failed closed: " + failure);
    }
    if (applied == null) {
      throw new IllegalStateException(
          "ledger state machine is " + getLifeCycleState() + ", not applying entries");
    }
    return new LedgerEntry(timeMillis, terms, commands).encode();
  }

  // ---- leadership ------------------------------------------------------------------------------

  /**
   * Tells {@code listener} whenever this member may have begun or stopped leading: Ratis calls
   * {@link #notifyLeaderReady} once the first entry of a new leader's term is applied here (when
   * {@link RaftLedger#isLeaderReady} turns true), {@link #notifyNotLeader} as this member steps
   * down (after its role changed) and {@link #notifyLeaderChanged} when it learns of a new leader.
   * The listener runs on a Ratis thread, must not block, and should read the role afresh.
   */
  void onLeadershipChange(Runnable listener) {
    leadershipListener = listener;
  }

  private void leadershipChanged(String event) {
    try {
      leadershipListener.run();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "event=raft_leadership_listener_failed on={0} error={1}",
          event,
          e.toString());
    }
  }

  @Override
  public void notifyLeaderReady() {
    leadershipChanged("leader_ready");
  }

  @Override
  public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
    leadershipChanged("not_leader");
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeaderId) {
    leadershipChanged("leader_changed");
  }

  // ---- reads -----------------------------------------------------------------------------------

  /**
   * Ratis's read-only request, used only to confirm the lead ({@link
   * RaftLedger#confirmLeadership}): Ratis calls it once the lead is confirmed and this member has
   * applied up to the read index. It reads nothing; the caller reads with {@link #read} afterwards.
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  /** Reads this member's ledger state, between entries. */
  public <T> T read(Function<LedgerView, T> reader) {
    synchronized (lock) {
      return reader.apply(requireRunning().state());
    }
  }

  /**
   * Where this member's journal stands: every batch below it is written here (durable in the Raft
   * log; in the journal itself once a snapshot forced it).
   */
  public JournalPosition position() {
    synchronized (lock) {
      return requireRunning().position();
    }
  }

  /**
   * Where this member's journal stood after the last entry it applied, without waiting for an entry
   * being applied; empty while the ledger is not open. For health and monitoring: members that have
   * applied the same entries report the same position.
   */
  public Optional<JournalPosition> appliedPosition() {
    return Optional.ofNullable(applied);
  }

  /**
   * This member's journal, to read blocks and journaled transfers back from any thread, below a
   * bound taken from {@link #position()} (see {@link Ledger#journalBlocks}). A snapshot install
   * replaces the ledger, and reads from the journal of the one before then fail.
   */
  public JournalBlocks journalBlocks() {
    synchronized (lock) {
      return requireRunning().journalBlocks();
    }
  }

  public Path directory() {
    return directory;
  }

  // ---- snapshots -------------------------------------------------------------------------------

  /**
   * Captures the ledger as of the last applied entry (cheap, under the lock) and hands the capture
   * to the snapshot writer, which writes the ledger snapshot, forces the journal up to its position
   * and then writes the mark; returns the index of the newest FINISHED snapshot, up to which Ratis
   * may purge its log. While a write is in flight Ratis asks again after every round of applies
   * (its threshold counts from the index returned): that answer is immediate. At stop Ratis asks
   * once more; {@link #close} then waits for the write, so the member stops with a last finished
   * snapshot.
   */
  @Override
  public long takeSnapshot() throws IOException {
    synchronized (lock) {
      Ledger open = ledger;
      if (open == null || failure != null || open.failed()) {
        throw new IOException(
            "no snapshot: the ledger is " + (failure != null ? "failed closed" : "not open"));
      }
      long finished = latestIndex();
      TermIndex at = getLastAppliedTermIndex();
      if (at.getIndex() < 0
          || finished >= at.getIndex()
          || (snapshotWrite != null && !snapshotWrite.isDone())) {
        return finished;
      }
      Snapshot.Image image = open.captureSnapshot();
      Runnable hook = beforeSnapshotWrite;
      snapshotWrite =
          CompletableFuture.runAsync(
                  () -> {
                    hook.run();
                    writeSnapshot(open, at, image);
                  },
                  snapshotWriter)
              .exceptionally(
                  e -> {
                    LOG.log(
                        Level.ERROR,
                        "event=raft_snapshot_failed index={0} error={1}",
                        at.getIndex(),
                        e.toString());
                    return null;
                  });
      return finished;
    }
  }

  /**
   * On the writer thread: the ledger snapshot, then the journal forced up to its position (the mark
   * must never name journal bytes a power cut could take), then the mark, durably; only then is it
   * the newest finished snapshot. A failure leaves the last one as it was.
   */
  private void writeSnapshot(Ledger open, TermIndex at, Snapshot.Image image) {
    long started = System.nanoTime();
    try {
      Path file = open.writeSnapshot(image);
      open.forceJournalUpTo(image.position());
      SnapshotMark mark =
          new SnapshotMark(
              at.getTerm(), at.getIndex(), image.position(), directory.relativize(file).toString());
      mark.write(directory);
      latest = snapshotInfo(open, mark);
      deleteOldMarks();
      LOG.log(
          Level.INFO,
          "event=raft_snapshot_taken index={0} term={1} next_batch={2} millis={3}",
          at.getIndex(),
          at.getTerm(),
          image.position().nextBatchSequence(),
          (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.ERROR,
          "event=raft_snapshot_failed index={0} error={1}",
          at.getIndex(),
          e.toString());
    }
  }

  /** Waits for the snapshot write in flight, if any (it logs its own failure). */
  private void awaitSnapshotWrite() {
    if (snapshotWrite != null) {
      snapshotWrite.join();
    }
  }

  private long latestIndex() {
    SnapshotInfo finished = latest;
    return finished == null ? RaftLog.INVALID_LOG_INDEX : finished.getIndex();
  }

  /** The index of the newest finished snapshot, or -1; for tests. */
  long snapshotIndex() {
    return latestIndex();
  }

  /**
   * Where this member's journal stood at its last force before the ledger last closed (see {@link
   * Ledger#forcedPosition}): what a power cut just before the close would have left. For tests.
   */
  JournalPosition forcedPositionAtClose() {
    return forcedAtClose;
  }

  /** Test seam: {@code hook} runs on the writer thread before each snapshot write from now on. */
  void beforeSnapshotWrite(Runnable hook) {
    beforeSnapshotWrite = hook;
  }

  /**
   * The files of a snapshot: its mark, the ledger snapshot and the journal up to the mark's
   * position (the last segment cut there: the journal goes on growing behind it).
   */
  private SnapshotInfo snapshotInfo(Ledger open, SnapshotMark mark) throws IOException {
    List<FileInfo> files = new ArrayList<>();
    files.add(new FileInfo(SnapshotMark.path(directory, mark.index()), null));
    if (!mark.snapshotFile().isEmpty()) {
      Path snapshot = directory.resolve(mark.snapshotFile());
      if (Files.exists(snapshot)) {
        files.add(new FileInfo(snapshot, null));
      }
    }
    for (Ledger.FileExtent extent : open.journalUpTo(mark.position())) {
      files.add(new ExtentInfo(extent));
    }
    return new FileListSnapshotInfo(files, mark.term(), mark.index());
  }

  /** A file shipped only up to a length: Ratis reads {@link #getFileSize} bytes of it. */
  private static final class ExtentInfo extends FileInfo {
    private final long length;

    ExtentInfo(Ledger.FileExtent extent) {
      super(extent.file(), null);
      this.length = extent.length();
    }

    @Override
    public long getFileSize() {
      return length;
    }
  }

  private Optional<SnapshotMark> newestMark() throws IOException {
    List<Long> indexes = SnapshotMark.indexes(directory);
    for (int i = indexes.size() - 1; i >= 0; i--) {
      try {
        return Optional.of(SnapshotMark.read(directory, indexes.get(i)));
      } catch (IOException damaged) {
        LOG.log(
            Level.WARNING,
            "event=raft_snapshot_mark_skipped index={0} error={1}",
            indexes.get(i),
            damaged.getMessage());
      }
    }
    return Optional.empty();
  }

  private void deleteOldMarks() throws IOException {
    List<Long> indexes = SnapshotMark.indexes(directory);
    for (int i = 0; i < indexes.size() - MARKS_KEPT; i++) {
      Files.deleteIfExists(SnapshotMark.path(directory, indexes.get(i)));
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /**
   * The state machine's storage is the ledger's directory: snapshots are taken by {@link
   * #takeSnapshot}, and an installed one replaces the directory whole.
   */
  private final class LedgerStorage implements StateMachineStorage {
    @Override
    public void init(RaftStorage raftStorage) {}

    @Override
    public SnapshotInfo getLatestSnapshot() {
      return latest;
    }

    @Override
    public void format() {}

    /** {@link #takeSnapshot} keeps the newest marks; the ledger keeps its snapshots itself. */
    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {}

    @Override
    public File getSnapshotDir() {
      return directory.toFile();
    }
  }
}
