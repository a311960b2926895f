package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member that was down while the others snapshotted and purged their logs past what it has
 * catches up by installing the leader's snapshot: a whole ledger directory.
 */
class RaftSnapshotInstallTest {

  @TempDir Path root;

  @Test
  void aMemberBehindThePurgedLogCatchesUpBySnapshotInstallation() throws Exception {
    // A snapshot every 5 entries, small log segments and no purge gap: the log is purged soon.
    RaftSettings settings = RaftTestCluster.settings(5, RaftSettings.MIN_LOG_SEGMENT_BYTES, 1);
    try (RaftTestCluster cluster = new RaftTestCluster(root, settings)) {
      cluster.startAll();
      cluster.openAccounts();
      cluster.pay(3, 4);
      cluster.awaitConverged();
      int leader = cluster.awaitLeader();
      int behind = (leader + 1) % RaftTestCluster.SIZE;
      long behindApplied = cluster.node(behind).stateMachine().getLastAppliedTermIndex().getIndex();
      cluster.stop(behind);

      cluster.pay(60, 12);
      int lead = cluster.awaitLeader();
      // The purge follows the snapshot writer, which runs apart from the applies: await it.
      RaftServer.Division leading = division(cluster.node(lead));
      await()
          .alias("the leader's log was purged past what the stopped member has")
          .atMost(RaftTestCluster.WAIT)
          .until(() -> leading.getRaftLog().getStartIndex() > behindApplied + 1);
      long logStart = leading.getRaftLog().getStartIndex();

      cluster.start(behind);
      cluster.awaitConverged();
      assertThat(cluster.state(behind)).isEqualTo(cluster.state(cluster.awaitLeader()));
      cluster.assertHoldsAcknowledged(behind);
      LedgerStateMachine caughtUp = cluster.node(behind).stateMachine();
      assertThat(caughtUp.failure()).isNull();
      assertThat(caughtUp.getLatestSnapshot().getIndex())
          .as("the member holds the installed snapshot")
          .isGreaterThanOrEqualTo(logStart - 1);

      cluster.pay(3, 4);
      cluster.awaitConverged();
      cluster.closeAndVerify();
    }
  }

  private static RaftServer.Division division(RaftLedger node) throws Exception {
    return node.stateMachine().getServer().get().getDivision(RaftLedger.GROUP_ID);
  }
}
