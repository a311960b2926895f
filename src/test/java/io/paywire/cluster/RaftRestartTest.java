package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole group stopped and started again from its directories holds what it held. */
class RaftRestartTest {

  @TempDir Path root;

  @Test
  void restartingAllThreeGivesTheSameStateWithNothingAppliedTwice() throws Exception {
    // A snapshot every 8 entries: a restart then starts from a snapshot and re-applies the
    // entries after it, which the journals already hold.
    RaftSettings settings =
        RaftTestCluster.settings(
            8, RaftSettings.DEFAULTS.logSegmentBytes(), RaftSettings.DEFAULTS.logPurgeGapEntries());
    try (RaftTestCluster cluster = new RaftTestCluster(root, settings)) {
      cluster.startAll();
      cluster.openAccounts();
      cluster.pay(20, 6);
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        RaftLedger member = cluster.node(i);
        await().atMost(RaftTestCluster.WAIT).until(() -> member.stateMachine().snapshotIndex() > 0);
      }
      // Snapshots were taken; the entries from here on lie past every member's latest one.
      cluster.holdSnapshots();
      cluster.pay(2, 6);
      cluster.awaitConverged();
      RaftTestCluster.State before = cluster.state(cluster.awaitLeader());
      long snapshotIndex = cluster.node(0).stateMachine().getLatestSnapshot().getIndex();
      assertThat(snapshotIndex).isPositive();
      assertThat(cluster.node(0).stateMachine().getLastAppliedTermIndex().getIndex())
          .isGreaterThan(snapshotIndex);

      cluster.close();
      cluster.startAll();
      cluster.awaitLeader();
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        assertThat(cluster.state(i)).as("member %d after restart", i).isEqualTo(before);
        cluster.assertHoldsAcknowledged(i);
      }

      // The log after the snapshot was re-applied (passed over), and new batches follow it.
      cluster.pay(5, 6);
      RaftTestCluster.State after = cluster.state(cluster.awaitLeader());
      assertThat(after.nextBatch()).isGreaterThan(before.nextBatch());
      cluster.awaitConverged();
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        assertThat(cluster.node(i).stateMachine().failure()).isNull();
        assertThat(cluster.state(i)).isEqualTo(cluster.state(cluster.awaitLeader()));
      }
      cluster.closeAndVerify();
    }
  }
}
