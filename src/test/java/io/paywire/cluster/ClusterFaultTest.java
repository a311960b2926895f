package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerView;
import io.paywire.ledger.TransferId;
import io.paywire.testing.ClusterProcesses;
import io.paywire.testing.TlsLineClient;
import java.io.EOFException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a three-process cluster, in the style of Jepsen's bank test: clients on every node move
 * money at random among a fixed set of accounts while members are killed (SIGKILL), paused
 * (SIGSTOP) and resumed, the whole cluster is killed and started again, and a fourth member joins.
 * Afterwards: the total is unchanged, no balance is negative, every transfer acknowledged to a
 * client is in the ledger of every running member, and every journal verifies. Slow (real processes
 * started and restarted): tagged {@code slow}, still in the README's test command. Each member's
 * log is kept under {@code target/cluster-logs/} ({@link ClusterProcesses}).
 */
@Tag("slow")
class ClusterFaultTest {

  private static final int ACCOUNTS = 6;

  /**
   * Large beside the payments (1 to 20): while a member is down its users pay nothing but still
   * receive, so the others' balances drain towards them; with a small deposit a long restart on a
   * loaded machine left every running payer short, every payment refused, and no acknowledgement to
   * wait for. A million lasts far longer than any step.
   */
  private static final long DEPOSIT = 1_000_000;

  private static final Duration TAKEOVER = Duration.ofSeconds(60);

  /**
   * A client's pause after a payment that was not acknowledged, before it retries (an unknown
   * outcome) or pays again (a refusal): during a takeover requests fail at once (no member serves
   * the ledger), and an account with no money left is refused at once; six clients retrying without
   * pause would take the CPU the election and the new leader need on a shared 2-core machine.
   */
  private static final long RETRY_PAUSE_MILLIS = 20;

  @TempDir Path dir;

  /** Clients paying at random, one account each, logged in on node {@code index % 3}. */
  private static final class Bank implements AutoCloseable {
    final List<ClusterProcessTest.User> users = new ArrayList<>();
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    /**
     * The acknowledgement of the most recently sent request: when it was sent and when its answer
     * came (milliseconds).
     */
    final AtomicReference<long[]> lastAck = new AtomicReference<>(new long[] {0, 0});

    final ClusterProcesses cluster;
    final AtomicBoolean running = new AtomicBoolean(true);

    /** The first failure that ended a client thread: the test fails on it, not on a timeout. */
    final AtomicReference<Throwable> crashed = new AtomicReference<>();

    final List<Thread> threads = new ArrayList<>();
    final List<TlsLineClient> clients = new CopyOnWriteArrayList<>();

    Bank(ClusterProcesses cluster) throws Exception {
      this.cluster = cluster;
      for (int i = 0; i < ACCOUNTS; i++) {
        ClusterProcessTest.User user = ClusterProcessTest.User.create("acct" + i);
        users.add(user);
        clients.add(ClusterProcessTest.registeredAndLoggedIn(user, cluster.member(i % 3), DEPOSIT));
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
        Thread thread =
            new Thread(
                () -> {
                  try {
                    pay(me);
                  } catch (Throwable t) {
                    crashed.compareAndSet(null, t);
                  }
                },
                "bank-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    /**
     * Pays until stopped; retries an unknown outcome with the same id. When its node dies it logs
     * in again once the node is back, and retries the payment it was making, same id.
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
              throw new EOFException("the node closed the connection");
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
            long answered = System.currentTimeMillis();
            // The newest by sending time: a slow answer to an older request must not hide it.
            lastAck.accumulateAndGet(
                new long[] {sent, answered}, (was, now) -> now[0] > was[0] ? now : was);
            break;
          }
          pauseBeforeRetry();
          if (!reply.startsWith("TRANS FAIL UNKNOWN")) {
            break; // refused (insufficient funds): a definite answer
          }
        }
      }
    }

    private static void pauseBeforeRetry() {
      try {
        Thread.sleep(RETRY_PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** A new login of account {@code me} on its node, once the node runs again. */
    private TlsLineClient reconnect(int me) {
      ClusterProcesses.Member member = cluster.member(me % 3);
      TlsLineClient[] client = new TlsLineClient[1];
      try {
        Awaitility.await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(
                () -> {
                  if (!running.get()) {
                    return true;
                  }
                  if (!member.running() || member.tlsPort() == 0) {
                    return false;
                  }
                  TlsLineClient fresh = users.get(me).connect(member);
                  boolean loggedIn = false;
                  try {
                    loggedIn = fresh.askList("acct" + me + "#0").get(0).matches("\\d+");
                  } finally {
                    if (!loggedIn) {
                      // A login left open (its reply timed out) would complete later and hold the
                      // account online, refusing every further login as already online.
                      closeQuietly(fresh);
                    }
                  }
                  if (loggedIn) {
                    client[0] = fresh;
                  }
                  return loggedIn;
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
     * Waits until a payment sent after {@code sinceMillis} was acknowledged; how long after {@code
     * sinceMillis} its answer came.
     */
    long awaitAckAfter(long sinceMillis) {
      try {
        Awaitility.await()
            .atMost(TAKEOVER)
            .failFast("a bank client crashed", () -> crashed.get() != null)
            .until(() -> lastAck.get()[0] > sinceMillis);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "no payment sent after "
                + Instant.ofEpochMilli(sinceMillis)
                + " acknowledged within "
                + TAKEOVER
                + "; last acknowledged sent at "
                + Instant.ofEpochMilli(lastAck.get()[0])
                + "; members "
                + describe(cluster),
            e);
      }
      return lastAck.get()[1] - sinceMillis;
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

  /**
   * Checks every member's ledger on disk (the total is the deposits, no balance negative) and that
   * each acknowledged transfer is in at least {@code copies} of them.
   */
  private static void checkCopies(ClusterProcesses cluster, Set<String> acknowledged, int copies)
      throws Exception {
    assertThat(acknowledged).isNotEmpty();
    Map<String, Integer> held = new HashMap<>();
    for (ClusterProcesses.Member member : cluster.members()) {
      try (Ledger ledger =
          Ledger.open(member.dataDirectory.resolve("ledger"), LedgerOptions.DEFAULTS)) {
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
            held.merge(id, 1, Integer::sum);
          }
        }
      }
    }
    for (String id : acknowledged) {
      assertThat(held.getOrDefault(id, 0))
          .as("copies of acknowledged %s", id)
          .isGreaterThanOrEqualTo(copies);
    }
  }

  /** Each member's state and own view of the cluster, and where its log is, for a failure. */
  private static String describe(ClusterProcesses cluster) {
    StringBuilder text = new StringBuilder();
    for (ClusterProcesses.Member member : cluster.members()) {
      text.append("\n  member ")
          .append(member.index)
          .append(member.running() ? " running " : " stopped ")
          .append(
              member.running() ? member.clusterView().map(Object::toString).orElse("silent") : "")
          .append(" log ")
          .append(member.log());
    }
    return text.toString();
  }

  private static ClusterProcesses.Member awaitLeader(ClusterProcesses cluster) {
    Awaitility.await().atMost(TAKEOVER).until(() -> cluster.leader().isPresent());
    return cluster.leader().orElseThrow();
  }

  /**
   * One cluster and one bank through every fault in turn, each started while the clients pay, each
   * followed by an acknowledgement of a payment sent after it:
   *
   * <ol>
   *   <li>the leader is killed (SIGKILL): another member takes over within {@link #TAKEOVER}, then
   *       the old leader is started again and catches up;
   *   <li>a follower is killed and started again;
   *   <li>the leader is paused (SIGSTOP): another member is elected and acknowledges; resumed
   *       (SIGCONT), the old leader steps down;
   *   <li>the whole cluster is killed while the clients pay: every directory verifies; started
   *       again, it goes on;
   *   <li>a fourth member joins under load ({@code --join}): the leader brings it up to date and
   *       adds it, every member counts four voters; the leader of four is killed and the group goes
   *       on (a majority of four is three, so it needs the new member's vote and log).
   * </ol>
   *
   * Afterwards the running members agree on one head, every journal verifies, and every transfer
   * acknowledged in any step is in the ledger of every running member: one that was lost in an
   * early step would be missing at the end too, as a client never repeats an acknowledged payment.
   * The steps share the cluster because each leaves it serving, as the next one needs it; a restart
   * proves catching up once (step 1), so the leader killed in step 5 stays down, and the paused
   * member of step 3 ends with SIGKILL in step 4 (a resumed member's orderly shutdown is not what
   * is checked).
   */
  @Test
  void aBankUnderKillsPausesAWholeClusterCrashAndAJoinLosesNoAcknowledgedTransfer()
      throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3).startAll()) {
      awaitLeader(cluster);
      Steps steps = new Steps();
      Set<String> acknowledged;
      try (Bank bank = Bank.paying(cluster)) {
        steps.done("start", bank.acknowledged.size());
        long takeover = killTheLeaderAndRestartIt(cluster, bank);
        System.out.println("takeover after SIGKILL of the leader: " + takeover + " ms");
        assertThat(takeover).isLessThan(TAKEOVER.toMillis());
        steps.done("leader killed and restarted", bank.acknowledged.size());

        ClusterProcesses.Member follower =
            cluster.members().stream()
                .filter(m -> m != awaitLeader(cluster))
                .findFirst()
                .orElseThrow();
        long followerKilledAt = System.currentTimeMillis();
        follower.kill();
        bank.awaitAckAfter(followerKilledAt);
        follower.start().awaitReady();
        bank.awaitAckAfter(System.currentTimeMillis());
        steps.done("follower killed and restarted", bank.acknowledged.size());

        pauseTheLeaderAndResumeIt(cluster, bank);
        steps.done("leader paused and resumed", bank.acknowledged.size());

        bank.awaitAckAfter(System.currentTimeMillis());
        for (ClusterProcesses.Member member : cluster.members()) {
          member.kill();
        }
        // Every journal is valid, but may lag its member's Raft log: a transfer acknowledged
        // just before the crash is committed in a majority of Raft logs and maybe applied to the
        // leader's journal only. The restart applies the logs; the end counts the copies.
        assertThat(ClusterProcessTest.verify(cluster)).isNotEmpty();
        checkCopies(cluster, Set.copyOf(bank.acknowledged), 0);
        cluster.startAll();
        bank.awaitAckAfter(System.currentTimeMillis());
        steps.done("whole cluster killed and restarted", bank.acknowledged.size());

        ClusterProcesses.Member added = cluster.joiner();
        assertThat(added.start().awaitReady().running()).isTrue();
        Awaitility.await()
            .atMost(TAKEOVER)
            .until(
                () ->
                    added.voting() && cluster.members().stream().allMatch(m -> m.groupSize() == 4));
        bank.awaitAckAfter(System.currentTimeMillis());
        ClusterProcesses.Member leaderOfFour = awaitLeader(cluster);
        long killedAt = System.currentTimeMillis();
        leaderOfFour.kill();
        System.out.println(
            "takeover after SIGKILL of the leader of four: "
                + bank.awaitAckAfter(killedAt)
                + " ms");
        steps.done("member joined, leader of four killed", bank.acknowledged.size());
        acknowledged = Set.copyOf(bank.acknowledged);
      }
      // The running members' head, and the shorter one of the member killed last.
      assertThat(ClusterProcessTest.verifiedHeads(cluster)).hasSize(2);
      checkCopies(cluster, acknowledged, 3);
      steps.done("checked", acknowledged.size());
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
   * Pauses the leader (SIGSTOP) under load: another member leads and acknowledges while it sleeps;
   * resumed (SIGCONT), it no longer says it leads, and another member does.
   */
  private static void pauseTheLeaderAndResumeIt(ClusterProcesses cluster, Bank bank)
      throws Exception {
    ClusterProcesses.Member old = awaitLeader(cluster);
    long pausedAt = System.currentTimeMillis();
    old.pause();
    Awaitility.await()
        .atMost(TAKEOVER)
        .until(
            () ->
                cluster.members().stream()
                    .filter(m -> m != old)
                    .anyMatch(ClusterProcesses.Member::leading));
    bank.awaitAckAfter(pausedAt);
    long resumedAt = System.currentTimeMillis();
    old.resume();
    bank.awaitAckAfter(resumedAt);
    Awaitility.await()
        .atMost(TAKEOVER)
        .until(
            () ->
                !old.leading()
                    && cluster.members().stream()
                        .filter(m -> m != old)
                        .anyMatch(ClusterProcesses.Member::leading));
  }

  /** Prints how long each step took (for the suite's time budget) and the payments so far. */
  private static final class Steps {
    private long since = System.nanoTime();

    void done(String step, int acknowledged) {
      long now = System.nanoTime();
      System.out.printf(
          "step=\"%s\" seconds=%.1f acknowledged=%d%n", step, (now - since) / 1e9, acknowledged);
      since = now;
    }
  }
}
