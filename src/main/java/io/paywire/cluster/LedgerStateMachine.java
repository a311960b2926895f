package io.paywire.cluster;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.JournalBlocks;
import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerView;
import io.paywire.ledger.Snapshot;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.ratis.util.LifeCycle;

/**
 * The ledger as a Raft state machine: every member applies the committed {@link LedgerEntry}s,
 * in log order, to its own {@link Ledger} in its own directory, one journal batch per entry, so
 * all members' journals are byte for byte the same and their head hashes agree.
 *
 * <p>Applying is idempotent by journal position. An entry names the position the leader formed
 * it on (next batch sequence and head hash). At that position it is applied; below it, its batch
 * is already in the journal (Ratis re-applies entries after a restart) or it was formed on a
 * position that has since passed (a proposal made before its leader had applied everything): it
 * applies nothing, on every member alike. Anything else means this member's ledger parted from
 * the log: it fails closed and Ratis closes the member.
 *
 * <p>Snapshots: {@link #takeSnapshot} writes a ledger snapshot and a {@link SnapshotMark} that
 * ties it to the last applied term and index; the state machine's snapshot is that mark, that
 * snapshot file and the journal segments up to the mark's position. The ledger's directory is
 * the state machine's snapshot directory, so a follower that installs a snapshot from the leader
 * receives a whole ledger directory, which Ratis moves into place between {@link #pause} and
 * {@link #reinitialize}.
 *
 * <p>Threading: Ratis calls apply, snapshot and reinitialize on its one state-machine thread and
 * pause on a transport thread; every use of the ledger holds {@link #lock}.
 */
public final class LedgerStateMachine extends BaseStateMachine {

  private static final System.Logger LOG = System.getLogger(LedgerStateMachine.class.getName());

  /** How many snapshot marks stay on disk: the newest, and the one before in case it is shipping. */
  static final int MARKS_KEPT = 2;

  /** What applying one entry did on this member; the Ratis reply carries its name. */
  enum Result {
    /** The entry became the next journal batch (or changed nothing, if every command failed). */
    APPLIED,
    /** Its batch was in the journal already, or it was formed on a position that has passed. */
    PASSED,
    /** The entry does not decode: every member refuses it alike. */
    MALFORMED
  }

  private final Path directory;
  private final LedgerOptions options;
  private final LedgerEntry.Terms terms;
  private final Object lock = new Object();
  private final SecureRandom random = new SecureRandom();
  /** Requests proposed by this member, waiting for their entry to be applied here. */
  private final Map<Long, CompletableFuture<List<Executed>>> waiters = new ConcurrentHashMap<>();
  private final LedgerStorage storage = new LedgerStorage();
  /** Null before initialize, while paused and after close. */
  private Ledger ledger;
  private volatile SnapshotInfo latest;
  private volatile String failure;
  /** The journal's position after the last entry applied (null while closed): for health. */
  private volatile JournalPosition applied;
  private volatile Runnable leadershipListener = () -> { };

  /**
   * @param directory the ledger's data directory, this member's alone; Ratis replaces it whole
   *     when it installs a snapshot from the leader
   */
  public LedgerStateMachine(Path directory, LedgerOptions options) {
    this.directory = directory;
    this.options = options;
    this.terms = LedgerEntry.Terms.of(options);
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
   * Really pauses: closes the ledger (syncing its journal and releasing its directory) before
   * Ratis replaces the directory with an installed snapshot. Ratis calls this for every chunk it
   * receives; only the first does anything.
   */
  @Override
  public void pause() {
    synchronized (lock) {
      if (getLifeCycleState() != LifeCycle.State.RUNNING) {
        return;
      }
      getLifeCycle().transition(LifeCycle.State.PAUSING);
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
      LOG.log(Level.INFO, "event=raft_state_machine_reloaded dir={0} applied={1}", directory,
          getLastAppliedTermIndex());
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      closeLedger();
    }
    failWaiters("the state machine closed");
  }

  /**
   * Opens the ledger and reads the newest snapshot mark: the state as of the mark's index, plus
   * whatever batches the journal holds after it (entries Ratis will pass over when it re-applies
   * them).
   */
  private void open() throws IOException {
    Files.createDirectories(directory);
    deleteChecksumFiles();
    Ledger opened = Ledger.open(directory, options);
    try {
      Optional<SnapshotMark> mark = newestMark();
      if (mark.isPresent()) {
        requireJournalHolds(opened, mark.get());
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
    LOG.log(Level.INFO, "event=raft_ledger_opened dir={0} snapshot_index={1} next_batch={2}"
            + " head={3}", directory, latest == null ? "none" : latest.getIndex(),
        opened.position().nextBatchSequence(), opened.position().headHashHex());
  }

  private void closeLedger() {
    if (ledger == null) {
      return;
    }
    try {
      applied = null;
      ledger.close();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "event=raft_ledger_close_failed dir={0} error={1}", directory,
          e.toString());
    }
    ledger = null;
  }

  /**
   * Ratis writes an {@code .md5} file beside every file of a snapshot it installs; the ledger's
   * own checks (checksums, the hash chain) cover those files already.
   */
  private void deleteChecksumFiles() throws IOException {
    for (Path dir : List.of(directory, directory.resolve("journal"),
        directory.resolve("snapshots"))) {
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
   * Applies one committed entry, synchronously (the journal write and its fsync included), so
   * Ratis's reply to the proposer leaves only after the batch is durable here. A failure throws:
   * Ratis then closes this member, whose ledger has failed closed.
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto logEntry = trx.getLogEntry();
    TermIndex termIndex = TermIndex.valueOf(logEntry);
    LedgerEntry entry;
    try {
      entry = LedgerEntry.decode(
          logEntry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    } catch (IllegalArgumentException malformed) {
      LOG.log(Level.WARNING, "event=raft_entry_malformed index={0} error={1}",
          termIndex.getIndex(), malformed.getMessage());
      updateLastAppliedTermIndex(termIndex);
      return reply(Result.MALFORMED);
    }
    Result result;
    List<Executed> executed = null;
    synchronized (lock) {
      Ledger open = requireRunning();
      if (!entry.terms().equals(terms)) {
        throw failClosed(termIndex, "the entry's ledger terms " + entry.terms()
            + " are not this member's " + terms);
      }
      JournalPosition at = open.position();
      long expected = entry.expected().nextBatchSequence();
      if (expected == at.nextBatchSequence()
          && Arrays.equals(entry.expected().headHash(), at.headHash())) {
        try {
          executed = open.apply(entry.timeMillis(), entry.commands());
        } catch (IOException | RuntimeException e) {
          throw failClosed(termIndex, "apply failed: " + e);
        }
        result = Result.APPLIED;
      } else if (expected < at.nextBatchSequence()) {
        requireChainsAt(open, termIndex, entry.expected(), at);
        result = Result.PASSED;
      } else {
        throw failClosed(termIndex, "the entry expects batch " + expected + " after head "
            + entry.expected().headHashHex() + " but the journal is at batch "
            + at.nextBatchSequence() + " after head " + at.headHashHex());
      }
      updateLastAppliedTermIndex(termIndex);
      applied = open.position();
    }
    CompletableFuture<List<Executed>> waiter = waiters.remove(entry.proposal());
    if (waiter != null) {
      if (result == Result.APPLIED) {
        waiter.complete(executed);
      } else {
        waiter.completeExceptionally(new ProposalNotAppliedException(
            "entry " + termIndex + " applied nothing: its position had passed"));
      }
    }
    return reply(result);
  }

  private static CompletableFuture<Message> reply(Result result) {
    return CompletableFuture.completedFuture(Message.valueOf(result.name()));
  }

  /**
   * An entry below the journal's end must name a position the journal went through: the batch
   * at that sequence chains to the entry's head hash. Otherwise this member's journal and the
   * log disagree about history.
   */
  private void requireChainsAt(Ledger open, TermIndex termIndex, JournalPosition expected,
      JournalPosition at) {
    List<JournalBlocks.Block> blocks;
    try {
      blocks = open.journalBlocks().blocks(expected.nextBatchSequence(), 1, at.nextBatchSequence());
    } catch (IOException e) {
      throw failClosed(termIndex, "cannot read batch " + expected.nextBatchSequence()
          + " back: " + e);
    }
    if (blocks.size() != 1 || !Arrays.equals(blocks.get(0).previousHash(), expected.headHash())) {
      throw failClosed(termIndex, "batch " + expected.nextBatchSequence()
          + " of the journal does not follow head " + expected.headHashHex()
          + " as the entry says");
    }
  }

  private Ledger requireRunning() {
    if (failure != null) {
      throw new IllegalStateException("ledger state machine failed closed: " + failure);
    }
    if (ledger == null) {
      throw new IllegalStateException("ledger state machine is " + getLifeCycleState()
          + ", not applying entries");
    }
    return ledger;
  }

  private IllegalStateException failClosed(TermIndex termIndex, String reason) {
    if (failure == null) {
      failure = "entry " + termIndex + ": " + reason;
      LOG.log(Level.ERROR, "event=raft_state_machine_failed_closed dir={0} reason={1}", directory,
          failure);
    }
    failWaiters("the ledger failed closed");
    return new IllegalStateException("ledger state machine failed closed: " + failure);
  }

  private void failWaiters(String reason) {
    for (Long proposal : new ArrayList<>(waiters.keySet())) {
      CompletableFuture<List<Executed>> waiter = waiters.remove(proposal);
      if (waiter != null) {
        waiter.completeExceptionally(new IllegalStateException(reason));
      }
    }
  }

  /** Why this member failed closed, or null while it has not. */
  public String failure() {
    return failure;
  }

  // ---- proposing (the leader) ------------------------------------------------------------------

  /** An entry formed on this member's position, and the future its apply here completes. */
  record Proposal(LedgerEntry entry, CompletableFuture<List<Executed>> applied) {}

  /**
   * Forms an entry of {@code commands} at {@code timeMillis} on this member's current journal
   * position and registers its waiter. Form the next only after this one was applied here (or
   * failed), so the position it names is the one it will be applied at.
   */
  Proposal propose(List<Command> commands, long timeMillis) {
    JournalPosition at = position();
    long proposal = random.nextLong();
    CompletableFuture<List<Executed>> applied = new CompletableFuture<>();
    waiters.put(proposal, applied);
    return new Proposal(new LedgerEntry(proposal, at, timeMillis, terms, commands), applied);
  }

  /** Stops waiting for a proposal whose outcome the caller reports as unknown. */
  void abandon(Proposal proposal, Throwable cause) {
    if (waiters.remove(proposal.entry().proposal()) != null) {
      proposal.applied().completeExceptionally(cause);
    }
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
      LOG.log(Level.WARNING, "event=raft_leadership_listener_failed on={0} error={1}", event,
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
   * Ratis's read-only request, used only to confirm the lead ({@link RaftLedger#confirmLeadership}):
   * Ratis calls it once the lead is confirmed and this member has applied up to the read index.
   * It reads nothing; the caller reads with {@link #read} afterwards.
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

  /** Where this member's journal stands: every batch below it is durable here. */
  public JournalPosition position() {
    synchronized (lock) {
      return requireRunning().position();
    }
  }

  /**
   * Where this member's journal stood after the last entry it applied, without waiting for an
   * entry being applied; empty while the ledger is not open. For health and monitoring: members
   * that have applied the same entries report the same position.
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
   * Writes a ledger snapshot of the state as of the last applied entry, then the mark that ties
   * it to that entry's term and index. Ratis may purge its log up to the returned index once this
   * returns, so the mark is durable first.
   */
  @Override
  public long takeSnapshot() throws IOException {
    synchronized (lock) {
      Ledger open = ledger;
      if (open == null || failure != null || open.failed()) {
        throw new IOException("no snapshot: the ledger is " + (failure != null ? "failed closed"
            : "not open"));
      }
      TermIndex applied = getLastAppliedTermIndex();
      if (applied.getIndex() < 0) {
        return RaftLog.INVALID_LOG_INDEX;
      }
      SnapshotInfo before = latest;
      if (before != null && before.getIndex() >= applied.getIndex()) {
        return before.getIndex();
      }
      Snapshot.Image image = open.captureSnapshot();
      Path file = open.writeSnapshot(image);
      SnapshotMark mark = new SnapshotMark(applied.getTerm(), applied.getIndex(),
          image.position(), directory.relativize(file).toString());
      mark.write(directory);
      latest = snapshotInfo(open, mark);
      deleteOldMarks();
      LOG.log(Level.INFO, "event=raft_snapshot_taken index={0} term={1} next_batch={2}",
          applied.getIndex(), applied.getTerm(), image.position().nextBatchSequence());
      return applied.getIndex();
    }
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
        LOG.log(Level.WARNING, "event=raft_snapshot_mark_skipped index={0} error={1}",
            indexes.get(i), damaged.getMessage());
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

  /**
   * A mark may only name a position the journal reached, on the same chain; else this directory
   * is not one ledger's history and must not start.
   */
  private static void requireJournalHolds(Ledger open, SnapshotMark mark) throws IOException {
    JournalPosition end = open.position();
    JournalPosition marked = mark.position();
    long next = marked.nextBatchSequence();
    boolean holds;
    if (next > end.nextBatchSequence()) {
      holds = false;
    } else if (next == end.nextBatchSequence()) {
      holds = Arrays.equals(marked.headHash(), end.headHash());
    } else {
      List<JournalBlocks.Block> blocks = open.journalBlocks().blocks(next, 1,
          end.nextBatchSequence());
      holds = blocks.size() == 1 && Arrays.equals(blocks.get(0).previousHash(),
          marked.headHash());
    }
    if (!holds) {
      throw new IOException("snapshot mark " + mark.index() + " names batch " + next
          + " after head " + HexFormat.of().formatHex(marked.headHash())
          + ", which the journal (at batch " + end.nextBatchSequence() + ", head "
          + end.headHashHex() + ") does not hold");
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /**
   * The state machine's storage is the ledger's directory: snapshots are taken by
   * {@link #takeSnapshot}, and an installed one replaces the directory whole.
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
    public java.io.File getSnapshotDir() {
      return directory.toFile();
    }
  }
}
