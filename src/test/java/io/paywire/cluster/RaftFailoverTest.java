package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Losing the leader loses no acknowledged batch: another member takes over, and the old leader
 * catches up when it comes back, without applying anything twice.
 */
class RaftFailoverTest {

  @TempDir Path root;

  @Test
  void aNewLeaderTakesOverAndTheOldOneCatchesUpWithNothingAppliedTwice() throws Exception {
    try (RaftTestCluster cluster = new RaftTestCluster(root, RaftTestCluster.settings())) {
      cluster.startAll();
      cluster.openAccounts();
      cluster.pay(10, 6);
      int oldLeader = cluster.awaitLeader();
      long termBefore = cluster.node(oldLeader).term();

      cluster.stop(oldLeader);
      int newLeader = cluster.awaitLeader();
      assertThat(newLeader).isNotEqualTo(oldLeader);
      assertThat(cluster.node(newLeader).term()).isGreaterThan(termBefore);
      cluster.pay(10, 6);
      for (int i : cluster.running()) {
        cluster.awaitConverged();
        cluster.assertHoldsAcknowledged(i);
      }

      // Back from its directory: it re-reads its journal, Ratis re-applies the entries after its
      // last snapshot (none was taken), and it receives what it missed.
      cluster.start(oldLeader);
      cluster.awaitConverged();
      RaftTestCluster.State lead = cluster.state(cluster.awaitLeader());
      assertThat(cluster.state(oldLeader)).isEqualTo(lead);
      cluster.assertHoldsAcknowledged(oldLeader);
      assertThat(cluster.node(oldLeader).stateMachine().failure()).isNull();

      cluster.pay(3, 6);
      cluster.awaitConverged();
      cluster.closeAndVerify();
    }
  }
}
