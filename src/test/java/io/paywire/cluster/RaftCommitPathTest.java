package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.Verifier;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft commit path: several entries in flight, the journal written without its own fsync and
 * rebuilt from the Raft log after a power cut, and snapshots written beside the applies.
 */
class RaftCommitPathTest {

  private static final long T0 = 1_770_000_000_000L;

  @TempDir Path root;
  private final Random random = new Random(22);
  private long time = T0;

  @Test
  void proposalsInFlightTogetherApplyInOrderWithOneHeadOnEveryMember() throws Exception {
    try (RaftTestCluster cluster = new RaftTestCluster(root, RaftTestCluster.settings())) {
      cluster.startAll();
      cluster.openAccounts();
      RaftLedger leader = cluster.node(cluster.awaitLeader());
      int inFlight = RaftSettings.DEFAULTS.maxEntriesInFlight();
      List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<List<Executed>>> proposals = new ArrayList<>();
      // All of them proposed before the first is applied, from one thread, in this order.
      for (int p = 0; p < inFlight; p++) {
        int index = p;
        proposals.add(
            leader
                .propose(payments(4), ++time)
                .whenComplete((executed, error) -> completed.add(index)));
      }
      List<Long> sequences = new ArrayList<>();
      for (CompletableFuture<List<Executed>> proposal : proposals) {
        for (Executed executed : proposal.get(RaftTestCluster.WAIT.toSeconds(), TimeUnit.SECONDS)) {
          if (executed.outcome() instanceof Outcome.Accepted accepted) {
            sequences.add(accepted.transfer().sequence());
            cluster.acknowledged.add(accepted.transfer().id());
          }
        }
      }
      assertThat(completed)
          .containsExactlyElementsOf(IntStream.range(0, inFlight).boxed().toList());
      assertThat(sequences).isSorted().doesNotHaveDuplicates().isNotEmpty();
      assertThat(leader.proposalsInFlight()).isZero();

      cluster.awaitConverged();
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        assertThat(cluster.state(i)).as("member %d", i).isEqualTo(cluster.state(0));
        cluster.assertHoldsAcknowledged(i);
      }
      cluster.closeAndVerify();
    }
  }

  /**
   * Every member loses the journal bytes it never forced (as a power cut of all three would take
   * them): each restarts from its snapshot mark and rebuilds the rest from its Raft log.
   */
  @Test
  void aPowerCutOfEveryMemberLosesNothingAcknowledged() throws Exception {
    RaftSettings settings =
        RaftTestCluster.settings(
            4, RaftSettings.DEFAULTS.logSegmentBytes(), RaftSettings.DEFAULTS.logPurgeGapEntries());
    try (RaftTestCluster cluster = new RaftTestCluster(root, settings)) {
      cluster.startAll();
      cluster.openAccounts();
      cluster.pay(10, 3);
      cluster.awaitConverged();
      // Snapshots were taken (every 4 entries), so part of each journal is forced, part is not.
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        RaftLedger member = cluster.node(i);
        await()
            .atMost(RaftTestCluster.WAIT)
            .until(() -> member.stateMachine().snapshotIndex() >= 4);
      }
      // The entries from here on are journaled but never forced: a snapshot forces the journal.
      cluster.holdSnapshots();
      cluster.pay(2, 3);
      cluster.awaitConverged();
      RaftTestCluster.State before = cluster.state(cluster.awaitLeader());

      long lost = 0;
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        RaftLedger member = cluster.node(i);
        cluster.stop(i);
        lost +=
            cutToForced(cluster.ledgerDirectory(i), member.stateMachine().forcedPositionAtClose());
      }
      assertThat(lost).as("journal bytes that were never forced").isPositive();

      cluster.startAll();
      assertThat(cluster.awaitConverged().nextBatchSequence()).isEqualTo(before.nextBatch());
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        assertThat(cluster.state(i)).as("member %d", i).isEqualTo(before);
        cluster.assertHoldsAcknowledged(i);
      }
      cluster.pay(2, 3);
      cluster.awaitConverged();
      List<Verifier.Report> reports = cluster.closeAndVerify();
      assertThat(reports)
          .extracting(Verifier.Report::transfers)
          .containsOnly(reports.get(0).transfers());
    }
  }

  /**
   * A snapshot write held on every member does not hold the applies: proposals are committed,
   * applied and answered meanwhile; once released, the snapshot finishes and names an index applied
   * after the capture at the earliest.
   */
  @Test
  void aSnapshotBeingWrittenHoldsNoApplyAndNoAnswer() throws Exception {
    RaftSettings settings =
        RaftTestCluster.settings(
            3, RaftSettings.DEFAULTS.logSegmentBytes(), RaftSettings.DEFAULTS.logPurgeGapEntries());
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (RaftTestCluster cluster = new RaftTestCluster(root, settings)) {
      cluster.startAll();
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        cluster
            .node(i)
            .stateMachine()
            .beforeSnapshotWrite(
                () -> {
                  writing.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
      }
      try {
        cluster.openAccounts();
        // Every 3 entries a snapshot is due: some member starts one and is held in its write.
        while (!writing.await(0, TimeUnit.SECONDS)) {
          cluster.pay(1, 2);
        }
        int leader = cluster.awaitLeader();
        long heldAt = cluster.node(leader).stateMachine().snapshotIndex();
        long appliedBefore =
            cluster.node(leader).stateMachine().getLastAppliedTermIndex().getIndex();
        cluster.pay(12, 3); // far past the next threshold: each answered while the write waits
        assertThat(cluster.node(leader).stateMachine().getLastAppliedTermIndex().getIndex())
            .isGreaterThanOrEqualTo(appliedBefore + 12);
        assertThat(writing.getCount()).isZero();
        assertThat(cluster.node(leader).stateMachine().snapshotIndex())
            .as("no snapshot finishes while its write is held")
            .isEqualTo(heldAt);
      } finally {
        release.countDown();
      }
      int leader = cluster.awaitLeader();
      await()
          .atMost(RaftTestCluster.WAIT)
          .until(() -> cluster.node(leader).stateMachine().snapshotIndex() > 0);
      cluster.awaitConverged();
      cluster.closeAndVerify();
    }
  }

  /** A batch of {@code size} random payments between the test cluster's accounts. */
  private List<Command> payments(int size) {
    List<Command> commands = new ArrayList<>();
    for (int c = 0; c < size; c++) {
      String payer = RaftTestCluster.NAMES.get(random.nextInt(RaftTestCluster.NAMES.size()));
      String payee = RaftTestCluster.NAMES.get(random.nextInt(RaftTestCluster.NAMES.size()));
      commands.add(
          Command.Transfer.unsigned(
              TransferId.random(random),
              payer,
              payee,
              1 + random.nextInt((int) (2 * RaftTestCluster.DEPOSIT))));
    }
    return commands;
  }

  /**
   * Cuts a stopped member's journal back to where it was last forced, as a power cut may: later
   * segments gone, the forced one cut at the forced offset. Returns the bytes cut.
   */
  private static long cutToForced(Path ledgerDirectory, JournalPosition forced) throws IOException {
    assertThat(forced).isNotNull();
    long cut = 0;
    List<Path> segments;
    try (Stream<Path> files = Files.list(ledgerDirectory.resolve("journal"))) {
      segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
    }
    for (Path segment : segments) {
      String name = segment.getFileName().toString();
      long id = Long.parseLong(name.replaceAll("\\D", ""));
      long size = Files.size(segment);
      if (id > forced.segmentId()) {
        Files.delete(segment);
        cut += size;
      } else if (id == forced.segmentId() && size > forced.offset()) {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
          channel.truncate(forced.offset());
        }
        cut += size - forced.offset();
      }
    }
    return cut;
  }
}
