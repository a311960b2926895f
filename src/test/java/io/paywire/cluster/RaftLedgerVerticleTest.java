package io.paywire.cluster;

import static io.paywire.cluster.VerticleTestCluster.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerRequests;
import io.paywire.bus.LedgerViews;
import io.paywire.bus.TransferEvents;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.Verifier;
import io.paywire.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's event-bus contract served by the leader of a three-member Raft group, through {@link
 * LedgerClient} as every entry point uses it; followers serve nothing.
 */
class RaftLedgerVerticleTest {

  private static final List<String> NAMES = List.of("alice", "bob", "carol");
  private static final long DEPOSIT = 1_000;

  @TempDir Path root;

  @Test
  void theLeaderAnswersFromCommittedBatchesThatEveryMemberApplies() throws Exception {
    try (VerticleTestCluster cluster = new VerticleTestCluster(root)) {
      cluster.startAll();
      int leader = cluster.awaitLeader();
      LedgerClient ledger = cluster.client(leader);

      List<Future<LedgerReply<LedgerViews.Registration>>> opened =
          NAMES.stream().map(name -> ledger.openAccount(name, DEPOSIT, null)).toList();
      for (Future<LedgerReply<LedgerViews.Registration>> registration : opened) {
        assertThat(get(registration)).isInstanceOf(LedgerReply.Ok.class);
      }

      // Sent all at once: they queue behind each other's proposals and share entries. Amounts up
      // to 60% of a deposit, so some are refused for want of funds.
      Random random = new Random(7);
      Map<TransferId, Future<LedgerReply<LedgerViews.Receipt>>> sent = new LinkedHashMap<>();
      for (int k = 0; k < 60; k++) {
        int payer = random.nextInt(NAMES.size());
        int payee = (payer + 1 + random.nextInt(NAMES.size() - 1)) % NAMES.size();
        TransferId id = TransferId.random(random);
        sent.put(
            id,
            ledger.transfer(
                id, NAMES.get(payer), NAMES.get(payee), 1 + random.nextInt(600), null, null));
      }
      Map<TransferId, LedgerViews.Receipt> accepted = new LinkedHashMap<>();
      for (var entry : sent.entrySet()) {
        LedgerReply<LedgerViews.Receipt> reply = get(entry.getValue());
        if (reply instanceof LedgerReply.Ok<LedgerViews.Receipt> ok) {
          assertThat(ok.value().duplicate()).isFalse();
          accepted.put(entry.getKey(), ok.value());
        } else {
          assertThat(reply)
              .isEqualTo(
                  new LedgerReply.Rejected<>(
                      "INSUFFICIENT_FUNDS", ((LedgerReply.Rejected<?>) reply).reason()));
        }
      }
      assertThat(accepted).hasSizeGreaterThan(10);

      // A retry of an applied payment answers the original and moves nothing.
      var firstId = accepted.keySet().iterator().next();
      LedgerViews.Transfer first = accepted.get(firstId).transfer();
      LedgerReply<LedgerViews.Receipt> retry =
          get(ledger.transfer(firstId, first.payer(), first.payee(), first.amount(), null, null));
      assertThat(retry).isInstanceOf(LedgerReply.Ok.class);
      LedgerViews.Receipt again = ((LedgerReply.Ok<LedgerViews.Receipt>) retry).value();
      assertThat(again.duplicate()).isTrue();
      assertThat(again.transfer()).isEqualTo(first);

      // Reads reflect every acknowledged write: each balance is what the receipts add up to.
      Map<String, Long> balances = new HashMap<>();
      NAMES.forEach(name -> balances.put(name, DEPOSIT));
      for (LedgerViews.Receipt receipt : accepted.values()) {
        balances.merge(receipt.transfer().payer(), -receipt.transfer().amount(), Long::sum);
        balances.merge(receipt.transfer().payee(), receipt.transfer().amount(), Long::sum);
      }
      for (String name : NAMES) {
        LedgerReply<LedgerViews.Account> account = get(ledger.account(name));
        assertThat(account).isInstanceOf(LedgerReply.Ok.class);
        LedgerViews.Account view = ((LedgerReply.Ok<LedgerViews.Account>) account).value();
        assertThat(view.balance()).as("balance of %s", name).isEqualTo(balances.get(name));
        LedgerReply<LedgerViews.History> history = get(ledger.history(name, 0, 1_000));
        assertThat(((LedgerReply.Ok<LedgerViews.History>) history).value().total())
            .isEqualTo(view.transferCount());
      }

      // One last payment: once its event is heard, every event before it has been too.
      String richest =
          balances.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      String other = NAMES.stream().filter(n -> !n.equals(richest)).findFirst().orElseThrow();
      TransferId last = TransferId.random(random);
      LedgerReply<LedgerViews.Receipt> lastReply =
          get(ledger.transfer(last, richest, other, 1, null, null));
      assertThat(lastReply).isInstanceOf(LedgerReply.Ok.class);
      accepted.put(last, ((LedgerReply.Ok<LedgerViews.Receipt>) lastReply).value());
      List<JsonObject> heard = cluster.events(leader);
      await()
          .atMost(VerticleTestCluster.WAIT)
          .until(
              () ->
                  heard.stream()
                      .anyMatch(
                          e -> TransferEvents.Event.fromJson(e).transfer().id().equals(last)));

      // Exactly one event per applied payment, in the ledger's order, with both balances; the
      // retry published none; only the leader publishes.
      List<TransferEvents.Event> events =
          heard.stream().map(TransferEvents.Event::fromJson).toList();
      assertThat(events)
          .extracting(e -> e.transfer().id())
          .containsExactlyInAnyOrderElementsOf(accepted.keySet());
      assertThat(events).extracting(e -> e.transfer().sequence()).isSorted();
      for (TransferEvents.Event event : events) {
        LedgerViews.Receipt receipt = accepted.get(event.transfer().id());
        assertThat(event.transfer()).isEqualTo(receipt.transfer());
        assertThat(event.payerBalance()).isEqualTo(receipt.payerBalance());
      }
      TransferEvents.Event lastEvent = events.get(events.size() - 1);
      assertThat(lastEvent.payeeBalance()).isEqualTo(balances.get(other) + 1);
      for (int i : cluster.running()) {
        if (i != leader) {
          assertThat(cluster.events(i)).as("events published by follower %d", i).isEmpty();
        }
      }

      // Status: the single node's fields, and the group's.
      JsonObject status = cluster.status(leader).orElseThrow();
      long transfers = (long) NAMES.size() + accepted.size();
      assertThat(status.getLong("transfers")).isEqualTo(transfers);
      assertThat(status.getInteger("accounts")).isEqualTo(NAMES.size() + 1);
      assertThat(status.getBoolean("failed")).isFalse();
      assertThat(status.getString("member")).isEqualTo("n" + leader);
      assertThat(status.getString("role")).isEqualTo("leader");
      assertThat(status.getString("leaderId")).isEqualTo("n" + leader);
      assertThat(status.getLong("term")).isPositive();
      assertThat(status.getInteger("groupSize")).isEqualTo(3);
      // Group commit: the payments sent at once took fewer entries, so batches, than payments.
      long batches = status.getLong("nextBatchSequence");
      assertThat(batches).isLessThan(accepted.size());

      // Journal reads: this member's blocks up to the head, and a payment's proof among them.
      LedgerViews.Blocks blocks =
          ((LedgerReply.Ok<LedgerViews.Blocks>)
                  get(ledger.blocks(0, LedgerApi.MAX_BLOCKS_PER_PAGE)))
              .value();
      assertThat(blocks.head()).isEqualTo(batches);
      assertThat(blocks.blocks()).hasSize((int) batches);
      assertThat(blocks.blocks().stream().mapToLong(LedgerViews.Block::count).sum())
          .isEqualTo(transfers);
      assertThat(blocks.blocks().get((int) batches - 1).hash())
          .isEqualTo(status.getString("headHash"));
      LedgerViews.TransferProof proof =
          ((LedgerReply.Ok<LedgerViews.TransferProof>) get(ledger.transferProof(last))).value();
      assertThat(proof.transfer().id()).isEqualTo(last);
      assertThat(proof.blockHash()).isEqualTo(blocks.blocks().get((int) proof.block()).hash());

      // Every member applied the same batches: same journal, verified, same head.
      cluster.awaitConverged();
      List<Verifier.Report> reports = cluster.closeAndVerify(List.of(0, 1, 2));
      assertThat(reports)
          .allSatisfy(
              report -> {
                assertThat(report.transfers()).isEqualTo(transfers);
                assertThat(report.batches()).isEqualTo(batches);
                assertThat(report.headHash()).isEqualTo(status.getString("headHash"));
              });
    }
  }

  @Test
  void followersHaveNoConsumersSoRequestsThereFailAtOnce() throws Exception {
    try (VerticleTestCluster cluster = new VerticleTestCluster(root)) {
      cluster.startAll();
      int leader = cluster.awaitLeader();
      List<String> addresses =
          Stream.concat(LedgerRequests.ADDRESSES.stream(), Stream.of(LedgerApi.STATUS)).toList();
      for (int follower : cluster.running()) {
        if (follower == leader) {
          continue;
        }
        for (String address : addresses) {
          long started = System.nanoTime();
          assertThat(cluster.failureAt(follower, address))
              .as("a request to %s on follower %d", address, follower)
              .isEqualTo(ReplyFailure.NO_HANDLERS);
          assertThat(Duration.ofNanos(System.nanoTime() - started))
              .isLessThan(Duration.ofSeconds(1));
        }
        // What an entry point on that node hears: an unknown outcome, never a refusal.
        assertThat(
                get(
                    cluster
                        .client(follower)
                        .transfer(
                            TransferId.random(new Random(follower)),
                            "alice",
                            "bob",
                            1,
                            null,
                            null)))
            .isInstanceOf(LedgerReply.Unknown.class);
      }
      assertThat(cluster.status(leader)).isPresent();
    }
  }

  @Test
  void aMemberThatCannotStartFailsTheDeploymentAndLeavesNothingBehind() throws Exception {
    Set<Thread> before = nonDaemonThreads();
    Vertx vertx = Vertx.vertx();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      RaftLedger.Member self = new RaftLedger.Member("n0", "127.0.0.1", taken.getLocalPort());
      RaftLedger.Member other = new RaftLedger.Member("n1", "127.0.0.1", FreePorts.one());
      RaftLedgerVerticle.Settings settings =
          new RaftLedgerVerticle.Settings(
              root, VerticleTestCluster.OPTIONS, 1_000, 100, self, List.of(self, other));
      assertThatThrownBy(
              () -> get(vertx.deployVerticle(new RaftLedgerVerticle(settings, Clock.systemUTC()))))
          .isInstanceOf(ExecutionException.class);
      // While Vert.x runs on: no thread of Ratis nor of the verticle's workers is left.
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInSameThread()
          .untilAsserted(
              () ->
                  assertThat(nonDaemonThreads())
                      .as("non-daemon threads left by the failed start")
                      .allMatch(
                          t -> before.contains(t) || t.getName().startsWith("vert.x-eventloop")));
    } finally {
      get(vertx.close());
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInSameThread()
        .untilAsserted(() -> assertThat(nonDaemonThreads()).isSubsetOf(before));
    // The ledger's directory was released too.
    try (Ledger ledger = Ledger.open(root.resolve("ledger"), VerticleTestCluster.OPTIONS)) {
      assertThat(ledger.position().nextBatchSequence()).isZero();
    }
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }
}
