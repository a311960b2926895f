package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerView;
import io.paywire.ledger.TransferId;
import io.paywire.testing.ClusterProcesses;
import io.paywire.testing.TlsLineClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a three-process cluster, in the style of Jepsen's bank test: clients on every node
 * move money at random among a fixed set of accounts while members are killed (SIGKILL), paused
 * (SIGSTOP) and resumed, or the whole cluster is killed and started again. Afterwards: the total
 * is unchanged, no balance is negative, every transfer acknowledged to a client is in the ledger
 * of every member, and every member's journal verifies with the same head.
 */
class ClusterFaultTest {

  private static final int ACCOUNTS = 6;
  private static final long DEPOSIT = 1_000;
  private static final Duration TAKEOVER = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** Clients paying at random, one account each, logged in on node {@code index % 3}. */
  private static final class Bank implements AutoCloseable {
    final List<ClusterProcessTest.User> users = new ArrayList<>();
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** When the request of the latest acknowledgement was sent, and when its answer came. */
    final AtomicLong lastAckSentMillis = new AtomicLong();
    final AtomicLong lastAckMillis = new AtomicLong();
    final ClusterProcesses cluster;
    final AtomicBoolean running = new AtomicBoolean(true);
    /** The first failure that ended a client thread: the test fails on it, not on a timeout. */
    final java.util.concurrent.atomic.AtomicReference<Throwable> crashed =
        new java.util.concurrent.atomic.AtomicReference<>();
    final List<Thread> threads = new ArrayList<>();
    final List<TlsLineClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

    Bank(ClusterProcesses cluster) throws Exception {
      this.cluster = cluster;
      for (int i = 0; i < ACCOUNTS; i++) {
        ClusterProcessTest.User user = ClusterProcessTest.User.create("acct" + i);
        users.add(user);
        clients.add(ClusterProcessTest.registeredAndLoggedIn(user, cluster.member(i % 3),
            DEPOSIT));
      }
    }

    /** A bank whose clients pay, once the first payment was acknowledged. */
    static Bank paying(ClusterProcesses cluster) throws Exception {
      Bank bank = new Bank(cluster);
      try {
        bank.start();
        bank.awaitAckAfter(System.currentTimeMillis());
        return bank;
      } catch (Exception | AssertionError e) {
        try {
          bank.close();
        } catch (Exception | AssertionError closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }

    void start() {
      for (int i = 0; i < ACCOUNTS; i++) {
        int me = i;
        Thread thread = new Thread(() -> {
          try {
            pay(me);
          } catch (Throwable t) {
            crashed.compareAndSet(null, t);
          }
        }, "bank-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    /**
     * Pays until stopped; retries an unknown outcome with the same id. When its node dies it
     * logs in again once the node is back, and retries the payment it was making, same id.
     */
    private void pay(int me) {
      Random random = new Random(me);
      TlsLineClient client = clients.get(me);
      while (running.get()) {
        int payee = random.nextInt(ACCOUNTS - 1);
        payee = payee >= me ? payee + 1 : payee;
        String id = TransferId.random(random).toString();
        String line = "PAY#acct" + payee + "#" + (1 + random.nextInt(20)) + "#" + id;
        for (int attempt = 0; attempt < 100 && running.get(); attempt++) {
          long sent = System.currentTimeMillis();
          String reply;
          try {
            reply = client.ask(line);
            if (reply == null) {
              throw new java.io.EOFException("the node closed the connection");
            }
          } catch (Exception nodeGoneOrSilent) {
            // The old connection may still hold the login (a read that timed out on a node
            // that lives): end it, or the new login is refused as already online.
            closeQuietly(client);
            client = reconnect(me);
            if (client == null) {
              return;
            }
            continue;
          }
          if (reply.startsWith("TRANS OK")) {
            acknowledged.add(id);
            lastAckSentMillis.set(sent);
            lastAckMillis.set(System.currentTimeMillis());
            break;
          }
          if (!reply.startsWith("TRANS FAIL UNKNOWN")) {
            break; // refused (insufficient funds): a definite answer
          }
        }
      }
    }

    /** A new login of account {@code me} on its node, once the node runs again. */
    private TlsLineClient reconnect(int me) {
      ClusterProcesses.Member member = cluster.member(me % 3);
      TlsLineClient[] client = new TlsLineClient[1];
      try {
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
            .ignoreExceptions().until(() -> {
              if (!running.get()) {
                return true;
              }
              if (!member.running() || member.tlsPort() == 0) {
                return false;
              }
              TlsLineClient fresh = users.get(me).connect(member);
              if (!fresh.askList("acct" + me + "#0").get(0).matches("\\d+")) {
                fresh.close();
                return false;
              }
              client[0] = fresh;
              return true;
            });
      } catch (RuntimeException gaveUp) {
        return null;
      }
      if (client[0] != null) {
        clients.set(me, client[0]);
      }
      return running.get() ? client[0] : null;
    }

    private static void closeQuietly(TlsLineClient client) {
      try {
        client.close();
      } catch (Exception gone) {
        // its node is dead
      }
    }

    /**
     * Waits until a payment sent after {@code sinceMillis} was acknowledged; how long after
     * {@code sinceMillis} its answer came.
     */
    long awaitAckAfter(long sinceMillis) {
      Awaitility.await().atMost(TAKEOVER)
          .failFast("a bank client crashed", () -> crashed.get() != null)
          .until(() -> lastAckSentMillis.get() > sinceMillis);
      return lastAckMillis.get() - sinceMillis;
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(30_000);
      }
      clients.forEach(Bank::closeQuietly);
      if (crashed.get() != null) {
        throw new AssertionError("a bank client crashed", crashed.get());
      }
    }
  }

  /** Every member's ledger holds every acknowledged transfer, the total, no negative balance. */
  private static void checkLedgers(ClusterProcesses cluster, Set<String> acknowledged)
      throws Exception {
    Map<String, Integer> copies = copies(cluster, acknowledged);
    for (String id : acknowledged) {
      assertThat(copies.getOrDefault(id, 0)).as("copies of acknowledged %s", id)
          .isEqualTo(cluster.members().size());
    }
  }

  /** Every acknowledged transfer is in the ledgers of at least two of the three members. */
  private static void checkMajority(ClusterProcesses cluster, Set<String> acknowledged)
      throws Exception {
    Map<String, Integer> copies = copies(cluster, acknowledged);
    for (String id : acknowledged) {
      assertThat(copies.getOrDefault(id, 0)).as("copies of acknowledged %s", id)
          .isGreaterThanOrEqualTo(2);
    }
  }

  /**
   * Checks every member's ledger (the total is the deposits, no balance negative) and counts the
   * members that hold each acknowledged transfer.
   */
  private static Map<String, Integer> copies(ClusterProcesses cluster, Set<String> acknowledged)
      throws Exception {
    Map<String, Integer> copies = new HashMap<>();
    for (ClusterProcesses.Member member : cluster.members()) {
      try (Ledger ledger = Ledger.open(member.dataDirectory.resolve("ledger"),
          LedgerOptions.DEFAULTS)) {
        LedgerView state = ledger.state();
        long total = 0;
        for (int i = 0; i < ACCOUNTS; i++) {
          long balance = state.balance("acct" + i).orElseThrow();
          assertThat(balance).as("acct%d on %s", i, member.dataDirectory).isNotNegative();
          total += balance;
        }
        assertThat(total).as("total on %s", member.dataDirectory).isEqualTo(ACCOUNTS * DEPOSIT);
        for (String id : acknowledged) {
          if (state.transfer(TransferId.parseOrNull(id)).isPresent()) {
            copies.merge(id, 1, Integer::sum);
          }
        }
      }
    }
    return copies;
  }

  private static ClusterProcesses.Member awaitLeader(ClusterProcesses cluster) {
    Awaitility.await().atMost(TAKEOVER).until(() -> cluster.leader().isPresent());
    return cluster.leader().orElseThrow();
  }

  @Test
  void killingTheLeaderThenAFollowerLosesNoAcknowledgedTransfer() throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3).startAll()) {
      awaitLeader(cluster);
      Set<String> acknowledged;
      long takeover;
      try (Bank bank = Bank.paying(cluster)) {
        takeover = killTheLeaderAndRestartIt(cluster, bank);
        System.out.println("takeover after SIGKILL of the leader: " + takeover + " ms");

        ClusterProcesses.Member follower = cluster.members().stream()
            .filter(m -> m != awaitLeader(cluster)).findFirst().orElseThrow();
        long followerKilledAt = System.currentTimeMillis();
        follower.kill();
        bank.awaitAckAfter(followerKilledAt);
        follower.start().awaitReady();
        bank.awaitAckAfter(System.currentTimeMillis());
        acknowledged = Set.copyOf(bank.acknowledged);
      }
      assertThat(takeover).isLessThan(TAKEOVER.toMillis());
      checkStoppedMembers(cluster, acknowledged);
    }
  }

  /**
   * A fourth member joins under load ({@code --join}): the leader brings it up to date and adds
   * it, every member then counts four voters, and the group of four loses its leader and goes on
   * (a majority of four is three, so the new member's vote and its copy of the log are needed).
   */
  @Test
  void aMemberJoinsUnderLoadCatchesUpAndVotes() throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3).startAll()) {
      awaitLeader(cluster);
      Set<String> acknowledged;
      try (Bank bank = Bank.paying(cluster)) {
        ClusterProcesses.Member added = cluster.joiner();
        assertThat(added.start().awaitReady().running()).isTrue();
        Awaitility.await().atMost(TAKEOVER).until(() -> added.voting()
            && cluster.members().stream().allMatch(m -> m.groupSize() == 4));
        bank.awaitAckAfter(System.currentTimeMillis());

        killTheLeaderAndRestartIt(cluster, bank);
        bank.awaitAckAfter(System.currentTimeMillis());
        acknowledged = Set.copyOf(bank.acknowledged);
      }
      checkStoppedMembers(cluster, acknowledged);
    }
  }

  /** Kills the leader (SIGKILL) under load, then starts it again; the takeover's length. */
  private static long killTheLeaderAndRestartIt(ClusterProcesses cluster, Bank bank)
      throws Exception {
    ClusterProcesses.Member leader = awaitLeader(cluster);
    long killedAt = System.currentTimeMillis();
    leader.kill();
    long takeover = bank.awaitAckAfter(killedAt);
    leader.start().awaitReady();
    return takeover;
  }

  /**
   * Stops every member once they agree, then: every journal verifies with one head, and every
   * acknowledged transfer is in every member's ledger.
   */
  private void checkStoppedMembers(ClusterProcesses cluster, Set<String> acknowledged)
      throws Exception {
    assertThat(acknowledged).isNotEmpty();
    assertThat(ClusterProcessTest.verifiedHeads(dir, cluster)).hasSize(1);
    checkLedgers(cluster, acknowledged);
  }

  @Test
  void aPausedLeaderIsReplacedAndStepsDownAndNothingAcknowledgedIsLost() throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3).startAll()) {
      awaitLeader(cluster);
      Set<String> acknowledged;
      try (Bank bank = Bank.paying(cluster)) {
        ClusterProcesses.Member old = awaitLeader(cluster);
        long pausedAt = System.currentTimeMillis();
        old.pause();
        // Another member leads and acknowledges while the old one sleeps.
        Awaitility.await().atMost(TAKEOVER).until(() -> cluster.members().stream()
            .filter(m -> m != old).anyMatch(ClusterProcesses.Member::leading));
        bank.awaitAckAfter(pausedAt);
        long resumedAt = System.currentTimeMillis();
        old.resume();
        bank.awaitAckAfter(resumedAt);
        // It stepped down: it no longer says it leads, and another member does.
        Awaitility.await().atMost(TAKEOVER).until(() -> !old.leading()
            && cluster.members().stream().filter(m -> m != old)
                .anyMatch(ClusterProcesses.Member::leading));
        acknowledged = Set.copyOf(bank.acknowledged);
      }
      // Killed (a resumed member's orderly shutdown is not what is checked here): every
      // directory is a valid ledger, and every acknowledged transfer is on a majority.
      for (ClusterProcesses.Member member : cluster.members()) {
        member.kill();
      }
      assertThat(ClusterProcessTest.verify(dir, cluster)).isNotEmpty();
      checkMajority(cluster, acknowledged);
    }
  }

  @Test
  void theWholeClusterKilledAndStartedAgainKeepsEveryAcknowledgedTransfer() throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3).startAll()) {
      awaitLeader(cluster);
      Set<String> acknowledged;
      try (Bank bank = Bank.paying(cluster)) {
        bank.awaitAckAfter(System.currentTimeMillis());
        for (ClusterProcesses.Member member : cluster.members()) {
          member.kill();
        }
        acknowledged = Set.copyOf(bank.acknowledged);
      }
      cluster.startAll();
      awaitLeader(cluster);
      checkStoppedMembers(cluster, acknowledged);
    }
  }
}
