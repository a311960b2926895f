package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads are linearizable: a member confirms with a majority that it still leads before its state is
 * read ({@link RaftLedger#confirmLeadership}), so one that believes it leads but has lost its
 * majority answers no read at a commit index it has not confirmed.
 */
class RaftReadTest {

  @TempDir Path root;

  @Test
  void onlyALeaderWithAMajorityConfirmsItsLead() throws Exception {
    try (RaftTestCluster cluster = new RaftTestCluster(root, RaftTestCluster.settings())) {
      cluster.startAll();
      cluster.openAccounts();
      int leader = cluster.awaitLeader();
      RaftLedger lead = cluster.node(leader);
      lead.confirmLeadership().get(30, TimeUnit.SECONDS);
      for (int i = 0; i < 3; i++) {
        if (i != leader) {
          int follower = i;
          assertThatThrownBy(
                  () -> cluster.node(follower).confirmLeadership().get(30, TimeUnit.SECONDS))
              .hasCauseInstanceOf(ProposalNotAppliedException.class);
        }
      }

      // A write moves the commit index past the one just confirmed (Ratis confirms a commit index
      // with heartbeats once, then answers later reads at that same index without another round).
      cluster.pay(1, 3);
      // Both followers gone: for a while (the election timeout, 1 s at least) the leader still
      // believes it leads, but it cannot confirm that with a majority.
      for (int i = 0; i < 3; i++) {
        if (i != leader) {
          cluster.stop(i);
        }
      }
      boolean stillBelieves = lead.isLeaderReady();
      var confirmed = lead.confirmLeadership();
      assertThat(stillBelieves).as("the leader still believes it leads").isTrue();
      assertThatThrownBy(() -> confirmed.get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }
}
