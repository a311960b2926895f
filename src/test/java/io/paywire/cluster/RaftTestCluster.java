package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.Verifier;
import io.paywire.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Three Raft members in this JVM, each a real {@link RaftLedger} (its own gRPC server on 127.0.0.1,
 * its own directory), and a workload for them: accounts that pay each other random amounts, many of
 * them refused for want of funds at first and payable later, so an entry applied twice would change
 * the ledger.
 */
final class RaftTestCluster implements AutoCloseable {

  static final int SIZE = 3;
  static final LedgerOptions OPTIONS = LedgerOptions.DEFAULTS;
  static final List<String> NAMES = List.of("alice", "bob", "carol", "dave");
  static final long DEPOSIT = 1_000;
  private static final long T0 = 1_760_000_000_000L;

  /** Generous for two cores shared with other tests: an election takes one to two seconds. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Path root;
  private final RaftSettings settings;
  private final List<RaftLedger.Member> members = new ArrayList<>();
  private final RaftLedger[] nodes = new RaftLedger[SIZE];

  /** The cluster key each member starts with; none: Raft in plaintext. */
  private final ClusterKeys.KeyFiles[] keys = new ClusterKeys.KeyFiles[SIZE];

  private final Random random = new Random(12);
  private long batches;

  /** Every transfer id the cluster acknowledged as accepted. */
  final Set<TransferId> acknowledged = new LinkedHashSet<>();

  RaftTestCluster(Path root, RaftSettings settings) throws IOException {
    this.root = root;
    this.settings = settings;
    int[] ports = FreePorts.some(SIZE);
    for (int i = 0; i < SIZE; i++) {
      members.add(new RaftLedger.Member("n" + i, "127.0.0.1", ports[i]));
    }
  }

  /** Test settings: Paywire's defaults, without a snapshot at stop, so restarts replay entries. */
  static RaftSettings settings() {
    RaftSettings d = RaftSettings.DEFAULTS;
    return settings(d.snapshotEveryEntries(), d.logSegmentBytes(), d.logPurgeGapEntries());
  }

  /** {@link #settings()} with other snapshot and log-purge figures. */
  static RaftSettings settings(
      long snapshotEveryEntries, long logSegmentBytes, int logPurgeGapEntries) {
    RaftSettings d = RaftSettings.DEFAULTS;
    return new RaftSettings(
        d.electionTimeoutMin(),
        d.electionTimeoutMax(),
        d.requestTimeout(),
        d.requestAttempts(),
        d.retrySleep(),
        snapshotEveryEntries,
        logSegmentBytes,
        logPurgeGapEntries,
        false);
  }

  /** Member {@code i} runs Raft over mutual TLS with this cluster key from its next start on. */
  void useKeys(int i, ClusterKeys.KeyFiles files) {
    keys[i] = files;
  }

  /** The settings every member starts with. */
  RaftSettings raftSettings() {
    return settings;
  }

  Path dataDirectory(int i) {
    return root.resolve("n" + i);
  }

  Path ledgerDirectory(int i) {
    return dataDirectory(i).resolve("ledger");
  }

  void startAll() throws IOException {
    for (int i = 0; i < SIZE; i++) {
      start(i);
    }
  }

  /**
   * From now on no running member finishes a snapshot: each write fails before it starts (logged as
   * {@code raft_snapshot_failed}), and a write already under way finishes at the index it captured.
   * So every entry applied after this call lies past each member's latest snapshot, and its journal
   * bytes stay unforced: what a restart re-applies and a power cut can take. Members started later
   * snapshot as usual.
   */
  void holdSnapshots() {
    for (int i : running()) {
      nodes[i]
          .stateMachine()
          .beforeSnapshotWrite(
              () -> {
                throw new IllegalStateException("snapshots held by the test");
              });
    }
  }

  void start(int i) throws IOException {
    assertThat(nodes[i]).as("member %d already runs", i).isNull();
    nodes[i] =
        keys[i] == null
            ? RaftLedger.start(dataDirectory(i), OPTIONS, members.get(i), members, settings)
            : RaftLedger.start(
                dataDirectory(i), OPTIONS, members.get(i), members, settings, keys[i]);
  }

  void stop(int i) throws IOException {
    RaftLedger node = nodes[i];
    nodes[i] = null;
    node.close();
  }

  RaftLedger node(int i) {
    return nodes[i];
  }

  List<Integer> running() {
    return occupied(nodes);
  }

  /** The indexes of the slots that hold something: the members that run. */
  static List<Integer> occupied(Object[] slots) {
    List<Integer> running = new ArrayList<>();
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null) {
        running.add(i);
      }
    }
    return running;
  }

  /** Waits until one running member leads and has applied every earlier entry; its index. */
  int awaitLeader() {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(this::readyLeader, i -> i >= 0);
  }

  private int readyLeader() {
    for (int i : running()) {
      if (nodes[i].isLeaderReady()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Proposes one batch through the leader, as a leader node would, and retries it with the same ids
   * while the outcome is not known (a takeover). Records the accepted transfers.
   */
  List<Executed> propose(List<Command> commands) throws Exception {
    long time = T0 + 1_000 * ++batches;
    Exception last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      int leader = awaitLeader();
      try {
        List<Executed> executed =
            nodes[leader].propose(commands, time).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (Executed e : executed) {
          if (e.outcome() instanceof Outcome.Accepted accepted) {
            acknowledged.add(accepted.transfer().id());
          }
        }
        return executed;
      } catch (ExecutionException e) {
        last = e;
      }
    }
    throw new AssertionError("no leader applied the batch", last);
  }

  /** Opens every account of {@link #NAMES} in one batch. */
  void openAccounts() throws Exception {
    List<Command> commands = new ArrayList<>();
    for (String name : NAMES) {
      commands.add(new Command.OpenAccount(TransferId.random(random), name, null, DEPOSIT));
    }
    List<Executed> executed = propose(commands);
    assertThat(executed).allMatch(e -> e.outcome() instanceof Outcome.Accepted);
  }

  /**
   * Proposes {@code count} batches of {@code size} random payments; amounts up to three times a
   * deposit, so many are refused at first and would pass later.
   */
  void pay(int count, int size) throws Exception {
    for (int b = 0; b < count; b++) {
      List<Command> commands = new ArrayList<>();
      for (int c = 0; c < size; c++) {
        String payer = NAMES.get(random.nextInt(NAMES.size()));
        String payee = NAMES.get(random.nextInt(NAMES.size()));
        commands.add(
            Command.Transfer.unsigned(
                TransferId.random(random), payer, payee, 1 + random.nextInt((int) (3 * DEPOSIT))));
      }
      assertThat(propose(commands)).hasSize(size);
    }
  }

  /**
   * Waits until every running member's journal stands where the leader's does. A member that is
   * installing a snapshot is paused and answers no reads meanwhile.
   */
  JournalPosition awaitConverged() {
    int leader = awaitLeader();
    return awaitSamePosition(nodes[leader], running().stream().map(i -> nodes[i]).toList());
  }

  /** Waits until every one of {@code members} has its journal where {@code leader}'s stands. */
  static JournalPosition awaitSamePosition(RaftLedger leader, List<RaftLedger> members) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsInstanceOf(IllegalStateException.class)
        .until(
            () -> {
              JournalPosition lead = leader.stateMachine().position();
              for (RaftLedger member : members) {
                JournalPosition at = member.stateMachine().position();
                if (at.nextBatchSequence() != lead.nextBatchSequence()
                    || !at.headHashHex().equals(lead.headHashHex())) {
                  return null;
                }
              }
              return lead;
            },
            p -> p != null);
  }

  /** What a member's ledger holds, as compared between members. */
  record State(long nextBatch, String head, int accounts, long transfers, List<Long> balances) {}

  State state(int i) {
    LedgerStateMachine machine = nodes[i].stateMachine();
    JournalPosition at = machine.position();
    return machine.read(
        view ->
            new State(
                at.nextBatchSequence(),
                at.headHashHex(),
                view.accountCount(),
                view.transferCount(),
                NAMES.stream().map(n -> view.balance(n).orElse(-1)).toList()));
  }

  /** Every acknowledged transfer is in member {@code i}'s ledger. */
  void assertHoldsAcknowledged(int i) {
    assertThat(acknowledged).isNotEmpty();
    nodes[i]
        .stateMachine()
        .read(
            view -> {
              for (TransferId id : acknowledged) {
                assertThat(view.transfer(id)).as("transfer %s on member %d", id, i).isPresent();
              }
              return null;
            });
  }

  /**
   * Stops every member, then checks each directory with the project's verifier (the head hashes
   * must agree) and that the journals are the same bytes: the same segments, each equal.
   */
  List<Verifier.Report> closeAndVerify() throws IOException {
    close();
    List<Verifier.Report> reports = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      reports.add(Verifier.verify(ledgerDirectory(i)));
    }
    List<byte[]> first = journalBytes(0);
    for (int i = 1; i < SIZE; i++) {
      List<byte[]> other = journalBytes(i);
      assertThat(other).hasSameSizeAs(first);
      for (int s = 0; s < first.size(); s++) {
        assertThat(other.get(s)).as("segment %d of member %d", s, i).isEqualTo(first.get(s));
      }
    }
    assertThat(reports)
        .extracting(Verifier.Report::headHash)
        .containsOnly(reports.get(0).headHash());
    return reports;
  }

  private List<byte[]> journalBytes(int i) throws IOException {
    List<byte[]> segments = new ArrayList<>();
    try (Stream<Path> files = Files.list(ledgerDirectory(i).resolve("journal"))) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
        segments.add(Files.readAllBytes(file));
      }
    }
    return segments;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (int i = 0; i < SIZE; i++) {
      if (nodes[i] != null) {
        try {
          stop(i);
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
