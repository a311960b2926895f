package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.Command;
import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.TransferId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft traffic runs mutual TLS with the cluster key: members with the key replicate as before; a
 * member with another key gets no entry, and a Ratis client without the key gets nothing applied.
 */
class RaftTlsTest {

  private static final long T0 = 1_770_000_000_000L;

  @TempDir Path root;

  private final Random random = new Random(7);

  private ClusterKeys.KeyFiles newKey(String name) throws IOException {
    Path directory = root.resolve("keys-" + name);
    ClusterKeys.generate(directory);
    return ClusterKeys.in(directory);
  }

  /** Three members started, member {@code i} with {@code keys[i]}. */
  private RaftTestCluster started(ClusterKeys.KeyFiles... keys) throws IOException {
    RaftTestCluster cluster = new RaftTestCluster(root.resolve("raft"), RaftTestCluster.settings());
    try {
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        cluster.useKeys(i, keys[i]);
      }
      cluster.startAll();
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  @Test
  void threeMembersWithTheClusterKeyCommitAndApplyOnEveryMember() throws Exception {
    ClusterKeys.KeyFiles key = newKey("cluster");
    try (RaftTestCluster cluster = started(key, key, key)) {
      cluster.openAccounts();
      cluster.pay(3, 4);

      cluster.awaitConverged();
      RaftTestCluster.State leader = cluster.state(cluster.awaitLeader());
      assertThat(leader.nextBatch()).isPositive();
      assertThat(leader.balances()).doesNotContain(-1L);
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        assertThat(cluster.state(i)).as("member %d", i).isEqualTo(leader);
        cluster.assertHoldsAcknowledged(i);
      }
    }
  }

  @Test
  void aMemberWithAnotherClusterKeyNeverReceivesAnEntry() throws Exception {
    ClusterKeys.KeyFiles key = newKey("cluster");
    ClusterKeys.KeyFiles other = newKey("other");
    try (RaftTestCluster cluster = started(key, key, other)) {
      cluster.openAccounts();
      cluster.pay(3, 4);

      int leader = cluster.awaitLeader();
      assertThat(leader).isNotEqualTo(2);
      JournalPosition committed =
          RaftTestCluster.awaitSamePosition(
              cluster.node(leader), List.of(cluster.node(0), cluster.node(1)));
      assertThat(committed.nextBatchSequence()).isPositive();
      for (int i = 0; i < 2; i++) {
        cluster.assertHoldsAcknowledged(i);
      }

      // The outsider's handshakes fail both ways: it heard of no leader and applied nothing.
      RaftLedger outsider = cluster.node(2);
      assertThat(outsider.leaderId()).isEmpty();
      assertThat(outsider.isLeader()).isFalse();
      assertThat(outsider.stateMachine().position().nextBatchSequence()).isZero();
      assertThat(cluster.state(2).balances()).containsOnly(-1L);
    }
  }

  @Test
  void aClientWithoutTheClusterKeyGetsNoProposalApplied() throws Exception {
    ClusterKeys.KeyFiles key = newKey("cluster");
    ClusterKeys.KeyFiles other = newKey("other");
    try (RaftTestCluster cluster = started(key, key, key)) {
      cluster.openAccounts();
      JournalPosition before = cluster.awaitConverged();
      int leader = cluster.awaitLeader();

      // Each entry is well formed, on the leader's position: it would be applied if it got in.
      try (RaftClient plain = client(cluster, leader, null)) {
        assertRefused(plain, openAccount("mallory"));
      }
      try (RaftClient wrongKey = client(cluster, leader, RaftTls.load(other).parameters())) {
        assertRefused(wrongKey, openAccount("eve"));
      }
      assertThat(cluster.awaitConverged()).isEqualTo(before);

      // The same client with the cluster key gets its entry applied, at that very position: so
      // neither entry above was ever applied (it would have moved the position on).
      try (RaftClient member = client(cluster, leader, RaftTls.load(key).parameters())) {
        RaftClientReply reply =
            member
                .async()
                .send(openAccount("trent"))
                .get(RaftTestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reply.isSuccess()).isTrue();
        // The results, serialized over gRPC: one command, accepted.
        ByteBuffer results = reply.getMessage().getContent().asReadOnlyByteBuffer();
        assertThat(results.getInt()).isEqualTo(1);
        assertThat(results.get()).isZero();
      }
      JournalPosition after = cluster.awaitConverged();
      assertThat(after.nextBatchSequence()).isEqualTo(before.nextBatchSequence() + 1);
      for (int i = 0; i < RaftTestCluster.SIZE; i++) {
        cluster
            .node(i)
            .stateMachine()
            .read(
                view -> {
                  assertThat(view.balance("trent")).isPresent();
                  assertThat(view.balance("mallory")).isEmpty();
                  assertThat(view.balance("eve")).isEmpty();
                  return null;
                });
      }
    }
  }

  /** A Ratis client of the group, aimed at the leader, with these parameters (null: plain). */
  private static RaftClient client(RaftTestCluster cluster, int leader, Parameters parameters) {
    RaftLedger lead = cluster.node(leader);
    return client(lead.group(), lead.self().id(), cluster.raftSettings(), parameters);
  }

  /**
   * A Ratis client of {@code group} as a member's own is built, aimed at {@code leaderId}, with
   * these parameters (null: plain gRPC), trying each request twice.
   */
  static RaftClient client(
      RaftGroup group, String leaderId, RaftSettings settings, Parameters parameters) {
    return RaftClient.newBuilder()
        .setProperties(RaftLedger.clientProperties(settings))
        .setRaftGroup(group)
        .setLeaderId(RaftPeerId.valueOf(leaderId))
        .setParameters(parameters)
        .setRetryPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                2, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
  }

  /** An entry opening one account, as a leader forms it ({@code at}: where it would land). */
  private Message openAccount(String name) {
    LedgerEntry entry =
        new LedgerEntry(
            T0,
            LedgerEntry.Terms.of(RaftTestCluster.OPTIONS),
            List.of(new Command.OpenAccount(TransferId.random(random), name, null, 1_000)));
    return Message.valueOf(ByteString.copyFrom(entry.encode()));
  }

  /** The proposal fails (or is never answered): the handshake refused the client. */
  private static void assertRefused(RaftClient client, Message message) {
    assertThatThrownBy(
            () ->
                client
                    .async()
                    .send(message)
                    .get(RaftTestCluster.WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
  }
}
