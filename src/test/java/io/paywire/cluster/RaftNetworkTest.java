package io.paywire.cluster;

import static io.paywire.cluster.VerticleTestCluster.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerAddresses;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.Verifier;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network on a three-member cluster: one more Raft group on each member's one Raft server, with a
 * leader of its own, served at the network's addresses by whichever member leads it, replicated to
 * every member's {@code networks/<name>/ledger}; the main ledger untouched.
 */
class RaftNetworkTest {

  private static final String NETWORK = "phase1";
  private static final LedgerAddresses ADDRESSES = LedgerAddresses.network(NETWORK);

  @TempDir Path root;

  @Test
  void aNetworksWritesReachEveryMemberAndSurviveItsLeadersStop() throws Exception {
    try (VerticleTestCluster cluster = new VerticleTestCluster(root, List.of(NETWORK))) {
      cluster.startAll();
      int leader = cluster.awaitLeader(ADDRESSES);
      LedgerClient network = cluster.client(leader, ADDRESSES);

      // A registration with no deposit gets the network's; a payment between the two.
      assertThat(get(network.openAccount("alice", null, null))).isInstanceOf(LedgerReply.Ok.class);
      assertThat(get(network.openAccount("bob", null, null))).isInstanceOf(LedgerReply.Ok.class);
      Random random = new Random(24);
      TransferId paid = TransferId.random(random);
      assertThat(get(network.transfer(paid, "alice", "bob", 120, null, null)))
          .isInstanceOf(LedgerReply.Ok.class);

      // Committed through the leader, applied by every member to its own network ledger.
      List<RaftLedger> parts = new ArrayList<>();
      for (int i : cluster.running()) {
        parts.add(cluster.networkRaft(i, NETWORK));
      }
      RaftTestCluster.awaitSamePosition(cluster.networkRaft(leader, NETWORK), parts);

      // The main ledger has its own group and heard nothing of it.
      int mainLeader = cluster.awaitLeader();
      JsonObject main = cluster.status(mainLeader).orElseThrow();
      assertThat(main.getInteger("accounts")).isEqualTo(1);
      assertThat(main.getLong("transfers")).isZero();
      assertThat(get(cluster.client(mainLeader).account("alice")))
          .isInstanceOf(LedgerReply.Rejected.class);

      // The network's leader stops: another member takes the network over, with every
      // acknowledged write, and a retry of the payment is answered as the original.
      get(cluster.close(leader));
      int next = cluster.awaitLeader(ADDRESSES);
      assertThat(next).isNotEqualTo(leader);
      LedgerClient after = cluster.client(next, ADDRESSES);
      LedgerReply<LedgerViews.Account> bob = get(after.account("bob"));
      assertThat(((LedgerReply.Ok<LedgerViews.Account>) bob).value().balance())
          .isEqualTo(VerticleTestCluster.NETWORK_DEPOSIT + 120);
      LedgerReply<LedgerViews.Receipt> retry =
          get(after.transfer(paid, "alice", "bob", 120, null, null));
      assertThat(((LedgerReply.Ok<LedgerViews.Receipt>) retry).value().duplicate()).isTrue();
      assertThat(get(after.transfer(TransferId.random(random), "bob", "alice", 20, null, null)))
          .isInstanceOf(LedgerReply.Ok.class);

      // The stopped member restarts, finds its network's group in its Raft storage and catches
      // up; every member's network ledger then verifies with the same head.
      cluster.start(leader);
      int now = cluster.awaitLeader(ADDRESSES);
      List<RaftLedger> all = new ArrayList<>();
      for (int i : cluster.running()) {
        all.add(cluster.networkRaft(i, NETWORK));
      }
      RaftTestCluster.awaitSamePosition(cluster.networkRaft(now, NETWORK), all);
      cluster.close();
      List<String> heads = new ArrayList<>();
      for (int i = 0; i < VerticleTestCluster.SIZE; i++) {
        Verifier.Report report =
            Verifier.verify(cluster.networkDirectory(i, NETWORK).resolve("ledger"));
        assertThat(report.transfers()).as("member %d", i).isEqualTo(4);
        heads.add(report.headHash());
      }
      assertThat(heads).containsOnly(heads.get(0));
    }
  }
}
