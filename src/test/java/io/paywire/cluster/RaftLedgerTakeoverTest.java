package io.paywire.cluster;

import static io.paywire.cluster.VerticleTestCluster.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.bus.TransferEvents;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's node goes away while payments are in flight: another member takes over and serves
 * the addresses; nothing acknowledged is lost; every payment sent meanwhile is reported applied or
 * unknown, never refused; and a retry with the same id applies it exactly once.
 */
class RaftLedgerTakeoverTest {

  /** Far more than every payment below takes: any refusal would be a wrong answer. */
  private static final long DEPOSIT = 1_000_000;

  @TempDir Path root;

  private final Random random = new Random(5);

  /** Every payment sent, by id: alice pays bob 1 each time. */
  private final Map<TransferId, CompletableFuture<LedgerReply<LedgerViews.Receipt>>> sent =
      new LinkedHashMap<>();

  /** Sends a payment; its answer is taken as soon as it comes, even if its node closes then. */
  private void pay(LedgerClient ledger) {
    TransferId id = TransferId.random(random);
    sent.put(
        id,
        ledger
            .transfer(id, "alice", "bob", 1, null, null)
            .toCompletionStage()
            .toCompletableFuture());
  }

  /**
   * The answer a payment got; one sent on a node that has closed since and got none (its timer went
   * with its node) is, as for an entry point whose wait ran out, unknown.
   */
  private static LedgerReply<LedgerViews.Receipt> answer(
      CompletableFuture<LedgerReply<LedgerViews.Receipt>> reply, boolean nodeClosed)
      throws Exception {
    if (nodeClosed && !reply.isDone()) {
      return new LedgerReply.Unknown<>("its node closed before an answer came");
    }
    return reply.get(VerticleTestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Opens two accounts and makes 20 payments through the leader: all acknowledged. */
  private Set<TransferId> acknowledgedPayments(VerticleTestCluster cluster, int leader)
      throws Exception {
    LedgerClient ledger = cluster.client(leader);
    assertThat(get(ledger.openAccount("alice", DEPOSIT, null))).isInstanceOf(LedgerReply.Ok.class);
    assertThat(get(ledger.openAccount("bob", DEPOSIT, null))).isInstanceOf(LedgerReply.Ok.class);
    for (int k = 0; k < 20; k++) {
      pay(ledger);
    }
    Set<TransferId> acknowledged = new HashSet<>();
    for (var payment : sent.entrySet()) {
      assertThat(answer(payment.getValue(), false)).isInstanceOf(LedgerReply.Ok.class);
      acknowledged.add(payment.getKey());
    }
    return acknowledged;
  }

  @Test
  void anotherMemberTakesOverAndEveryPaymentIsAppliedExactlyOnceAfterRetries() throws Exception {
    try (VerticleTestCluster cluster = new VerticleTestCluster(root)) {
      cluster.startAll();
      int old = cluster.awaitLeader();
      Set<TransferId> acknowledged = acknowledgedPayments(cluster, old);
      long termBefore = cluster.status(old).orElseThrow().getLong("term");

      // A burst on the leader's node, and its node closed while the burst is queued and in
      // flight; then, until a new leader serves, payments on the other nodes' buses.
      LedgerClient before = cluster.client(old);
      for (int k = 0; k < 200; k++) {
        pay(before);
      }
      Set<TransferId> viaOldLeader = Set.copyOf(sent.keySet());
      CompletableFuture<Void> closed = cluster.close(old).toCompletionStage().toCompletableFuture();
      List<Integer> survivors = cluster.running();
      int[] turn = {0};
      int leader =
          await()
              .atMost(VerticleTestCluster.WAIT)
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> {
                    pay(cluster.client(survivors.get(turn[0]++ % survivors.size())));
                    return cluster.servingNode();
                  },
                  i -> i >= 0);
      closed.get(VerticleTestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(leader).isNotEqualTo(old);
      assertThat(cluster.status(leader).orElseThrow().getLong("term")).isGreaterThan(termBefore);

      // Closing its node is an orderly stop: the leader drains what it proposed and hands the
      // lead over, so on a quiet machine the whole burst may be answered applied, none unknown.
      assertEveryPaymentAppliedOnceAfterRetries(cluster, leader, acknowledged, viaOldLeader, false);
      // The two members left agree, batch for batch.
      cluster.awaitConverged();
      cluster.closeAndVerify(survivors);
    }
  }

  @Test
  void aLeaderThatStopsHandsTheLeadToAnotherMemberBeforeItCloses() throws Exception {
    try (VerticleTestCluster cluster = new VerticleTestCluster(root)) {
      cluster.startAll();
      int old = cluster.awaitLeader();
      acknowledgedPayments(cluster, old);
      long termBefore = cluster.raft(old).term();

      get(cluster.close(old));

      // Handed over: another member leads the moment the old one has closed. After a crash the
      // others would first wait an election timeout (1 s at the least) without a leader.
      List<Integer> leaders =
          cluster.running().stream().filter(i -> cluster.raft(i).isLeader()).toList();
      assertThat(leaders).hasSize(1);
      assertThat(cluster.raft(leaders.get(0)).term()).isGreaterThan(termBefore);
    }
  }

  @Test
  void aLeaderThatHandsOverTheLeadRemovesItsConsumersAndFailsWhatItHeldAsUnknown()
      throws Exception {
    try (VerticleTestCluster cluster = new VerticleTestCluster(root)) {
      cluster.startAll();
      int old = cluster.awaitLeader();
      Set<TransferId> acknowledged = acknowledgedPayments(cluster, old);
      int target = (old + 1) % VerticleTestCluster.SIZE;

      // A burst on the leader's node, and the lead handed to another member meanwhile; then,
      // until the new leader serves, payments on the former leader's bus: its node runs on.
      LedgerClient before = cluster.client(old);
      for (int k = 0; k < 200; k++) {
        pay(before);
      }
      try {
        cluster.raft(old).transferLeadership("n" + target, VerticleTestCluster.WAIT);
      } catch (IOException e) {
        // Raft does not promise the target: on a loaded machine the third member's election
        // timer may fire first (DIFFERENT_LEADER). What is under test is the former leader.
        assertThat(e).hasStackTraceContaining("DIFFERENT_LEADER");
      }
      int leader =
          await()
              .atMost(VerticleTestCluster.WAIT)
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> {
                    pay(before);
                    return cluster.servingNode();
                  },
                  i -> i >= 0 && i != old);
      assertThat(cluster.failureAt(old, LedgerApi.STATUS))
          .as("a request on the former leader's bus")
          .isEqualTo(ReplyFailure.NO_HANDLERS);

      assertEveryPaymentAppliedOnceAfterRetries(cluster, leader, acknowledged, Set.of(), true);
      cluster.awaitConverged();
      cluster.closeAndVerify(List.of(0, 1, 2));
    }
  }

  /**
   * After a takeover: every payment sent was answered applied or unknown, never refused; every one
   * acknowledged is in the new leader's ledger; retried with the same id each is applied exactly
   * once; and no payment was announced twice.
   *
   * @param viaClosedNode payments sent on a node that has closed since
   * @param someUnknown whether the takeover certainly left some payments unknown
   */
  private void assertEveryPaymentAppliedOnceAfterRetries(
      VerticleTestCluster cluster,
      int leader,
      Set<TransferId> acknowledged,
      Set<TransferId> viaClosedNode,
      boolean someUnknown)
      throws Exception {
    LedgerClient after = cluster.client(leader);
    Map<TransferId, LedgerReply<LedgerViews.Receipt>> first = new LinkedHashMap<>();
    for (var payment : sent.entrySet()) {
      first.put(
          payment.getKey(), answer(payment.getValue(), viaClosedNode.contains(payment.getKey())));
    }
    assertThat(first.values())
        .as("first answers")
        .allMatch(r -> r instanceof LedgerReply.Ok || r instanceof LedgerReply.Unknown);
    if (someUnknown) {
      assertThat(first.values())
          .as("some were answered unknown, during the takeover")
          .anyMatch(r -> r instanceof LedgerReply.Unknown);
    }
    first.forEach(
        (id, reply) -> {
          if (reply instanceof LedgerReply.Ok) {
            acknowledged.add(id);
          }
        });

    // Everything acknowledged is there, on the new leader.
    for (TransferId id : acknowledged) {
      assertThat(get(after.findTransfer(id)))
          .as("acknowledged transfer %s", id)
          .isInstanceOf(LedgerReply.Ok.class);
    }

    // Retried with the same id, all at once: the original where it was applied, else a fresh
    // apply.
    Map<TransferId, Future<LedgerReply<LedgerViews.Receipt>>> retries = new LinkedHashMap<>();
    for (TransferId id : sent.keySet()) {
      retries.put(id, after.transfer(id, "alice", "bob", 1, null, null));
    }
    Map<TransferId, LedgerViews.Receipt> retried = new HashMap<>();
    for (TransferId id : sent.keySet()) {
      LedgerReply<LedgerViews.Receipt> reply = get(retries.get(id));
      assertThat(reply).as("retry of %s", id).isInstanceOf(LedgerReply.Ok.class);
      LedgerViews.Receipt receipt = ((LedgerReply.Ok<LedgerViews.Receipt>) reply).value();
      if (acknowledged.contains(id)) {
        assertThat(receipt.duplicate()).as("retry of acknowledged %s", id).isTrue();
      }
      retried.put(id, receipt);
    }

    // Exactly once in the ledger: one transfer per id, every unit moved once.
    int payments = sent.size();
    JsonObject status = cluster.status(leader).orElseThrow();
    assertThat(status.getLong("transfers")).isEqualTo(2L + payments);
    LedgerViews.Account alice =
        ((LedgerReply.Ok<LedgerViews.Account>) get(after.account("alice"))).value();
    assertThat(alice.balance()).isEqualTo(DEPOSIT - payments);
    assertThat(retried.values().stream().map(r -> r.transfer().sequence()).distinct())
        .hasSize(payments);

    // Events: no payment announced twice, on any node; every payment acknowledged was
    // announced by the leader that acknowledged it, and one applied fresh by a retry by the new
    // leader. (One answered unknown and applied before the retry is announced by its proposer
    // if that saw it applied, which a stopped node may not have.)
    Set<TransferId> mustBeAnnounced = new HashSet<>(acknowledged);
    retried.forEach(
        (id, receipt) -> {
          if (!receipt.duplicate()) {
            mustBeAnnounced.add(id);
          }
        });
    await()
        .atMost(VerticleTestCluster.WAIT)
        .until(() -> announced(cluster).containsAll(mustBeAnnounced));
    assertThat(announced(cluster)).doesNotHaveDuplicates();
  }

  /** Every payment announced on any node's bus, in the order each bus heard them. */
  private static List<TransferId> announced(VerticleTestCluster cluster) {
    List<TransferId> announced = new ArrayList<>();
    for (int i = 0; i < VerticleTestCluster.SIZE; i++) {
      cluster.events(i).stream()
          .map(TransferEvents.Event::fromJson)
          .forEach(e -> announced.add(e.transfer().id()));
    }
    return announced;
  }
}
