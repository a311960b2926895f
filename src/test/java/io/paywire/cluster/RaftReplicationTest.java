package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.Command.Transfer;
import io.paywire.ledger.Executed;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.RejectCode;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.Verifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches proposed through the leader reach every member's own ledger, the same on each. */
class RaftReplicationTest {

  @TempDir Path root;

  @Test
  void batchesThroughTheLeaderAreAppliedAlikeOnAllThreeMembers() throws Exception {
    // Paywire's own settings, a snapshot at stop included: the directories verified below were
    // closed that way.
    try (RaftTestCluster cluster = new RaftTestCluster(root, RaftSettings.DEFAULTS)) {
      cluster.startAll();
      cluster.openAccounts();
      cluster.pay(20, 8);
      // Nothing stays counted in flight once its proposal completed.
      assertThat(cluster.node(cluster.awaitLeader()).proposalsInFlight()).isZero();

      List<Executed> refused =
          cluster.propose(List.of(Transfer.unsigned(new TransferId(1, 2), "alice", "nobody", 5)));
      assertThat(refused.get(0).outcome())
          .isInstanceOfSatisfying(
              Outcome.Rejected.class,
              r -> assertThat(r.code()).isEqualTo(RejectCode.UNKNOWN_ACCOUNT));

      cluster.awaitConverged();
      RaftTestCluster.State leader = cluster.state(cluster.awaitLeader());
      assertThat(leader.nextBatch()).isGreaterThan(1);
      assertThat(leader.balances().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(RaftTestCluster.NAMES.size() * RaftTestCluster.DEPOSIT);
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        assertThat(cluster.state(i)).as("member %d", i).isEqualTo(leader);
        cluster.assertHoldsAcknowledged(i);
      }

      List<Verifier.Report> reports = cluster.closeAndVerify();
      assertThat(reports).extracting(Verifier.Report::headHash).containsOnly(leader.head());
      assertThat(reports).extracting(Verifier.Report::transfers).containsOnly(leader.transfers());
    }
  }
}
