package io.paywire.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.ChildJvm;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A backup taken from a live node while payments flow over HTTPS ({@code paywire backup} in a child
 * JVM beside the node, on its data directory), restored by starting a node on the copy. Every
 * payment acknowledged before the backup started is in the copy; accounts no payment touched during
 * the backup have exactly the balances acknowledged before it; money is neither made nor lost;
 * {@code verify} passes on the copy.
 */
class BackupProcessTest {

  private static final long START_TIMEOUT_MILLIS = 30_000;

  /** The opening deposit of an API registration: the node's {@code ledger.defaultDepositMinor}. */
  private static final long DEPOSIT = 10_000;

  /** Payments among the quiet accounts, all acknowledged before the backup. */
  private static final int PAYMENTS_BEFORE = 30;

  /** Payments among the busy accounts while the backup runs: at most, to bound the test. */
  private static final int MAX_PAYMENTS_DURING = 900;

  @TempDir Path work;

  @Test
  void backupUnderLoadHoldsEveryAcknowledgedPaymentAndANodeStartsOnIt() throws Exception {
    // TestNode keeps a node's data in <directory>/data.
    Path data = work.resolve("live").resolve("data");
    Path backup = work.resolve("restored").resolve("data");
    List<Paid> acknowledgedBefore = new ArrayList<>();
    Map<String, Long> quietBalances = new HashMap<>();
    Map<String, ApiUser> keys = new HashMap<>();
    try (Node node = startNode(work.resolve("live"))) {
      ApiClient api = node.api();
      List<ApiUser> quiet = new ArrayList<>();
      List<ApiUser> busy = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        quiet.add(ApiUser.loggedIn(api, "quiet" + i, DEPOSIT));
        busy.add(ApiUser.loggedIn(api, "busy" + i, DEPOSIT));
      }
      for (ApiUser user : quiet) {
        quietBalances.put(user.name, DEPOSIT);
      }
      for (int i = 0; i < PAYMENTS_BEFORE; i++) {
        ApiUser payer = quiet.get(i % 3);
        ApiUser payee = quiet.get((i + 1) % 3);
        long amount = 1L + i % 7;
        acknowledgedBefore.add(pay(payer, payee, amount));
        quietBalances.merge(payer.name, -amount, Long::sum);
        quietBalances.merge(payee.name, amount, Long::sum);
      }
      quiet.forEach(u -> keys.put(u.name, u));
      busy.forEach(u -> keys.put(u.name, u));

      Load load = new Load(busy);
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged.get() >= 30);
        List<Paid> flowingBefore = load.idsSoFar();
        acknowledgedBefore.addAll(flowingBefore);
        try (ChildJvm backupRun =
            ChildJvm.start(
                work,
                "io.paywire.Paywire",
                "backup",
                "--data-dir",
                data.toString(),
                "--to",
                backup.toString())) {
          assertThat(backupRun.awaitExit(START_TIMEOUT_MILLIS))
              .as("stderr %s", backupRun.stderr())
              .isEqualTo(0);
          assertThat(backupRun.remainingStdout()).anyMatch(l -> l.startsWith("backup: OK "));
        }
        assertThat(load.acknowledged.get())
            .as("payments flowed while the backup ran")
            .isGreaterThan(flowingBefore.size());
      } finally {
        load.stop();
      }
    }

    StringWriter out = new StringWriter();
    int verified =
        new CommandLine(new VerifyCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(out, true))
            .execute("--data-dir", backup.toString());
    assertThat(verified).as(out.toString()).isEqualTo(0);
    long copyTransfers =
        Long.parseLong(out.toString().replaceAll("(?s).*\ntransfers (\\d+)\n.*", "$1"));
    assertThat(copyTransfers)
        .as("registrations and every payment acknowledged before the backup")
        .isGreaterThanOrEqualTo(keys.size() + acknowledgedBefore.size());

    try (Node restored = startNode(work.resolve("restored"))) {
      ApiClient api = restored.api();
      long total = 0;
      Map<String, ApiUser> users = new HashMap<>();
      for (ApiUser before : keys.values()) {
        // Log in again with each key: tokens are a node's own.
        ApiUser user = new ApiUser(api, before.name, before.keys);
        assertThat(user.login().status()).isEqualTo(200);
        users.put(user.name, user);
      }
      for (String name : users.keySet()) {
        ApiClient.Reply account = api.get("/accounts/" + name, users.get(name).token());
        assertThat(account.status()).as(account.toString()).isEqualTo(200);
        long balance = account.json().getLong("balance");
        total += balance;
        if (quietBalances.containsKey(name)) {
          assertThat(balance).as("balance of %s", name).isEqualTo(quietBalances.get(name));
        }
      }
      assertThat(total).as("no money made or lost").isEqualTo(DEPOSIT * users.size());
      for (Paid paid : acknowledgedBefore) {
        ApiClient.Reply transfer =
            api.get("/transfers/" + paid.id(), users.get(paid.payer()).token());
        assertThat(transfer.status()).as("%s in the copy: %s", paid, transfer).isEqualTo(200);
      }
    }
  }

  /** A node in this JVM (the backup runs in another) and a client of its HTTPS API. */
  private record Node(TestNode node, ApiClient api) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      node.close();
    }
  }

  /** Starts a node on {@code directory}/data, certificates in {@code directory}/certs. */
  private static Node startNode(Path directory) throws Exception {
    // Small segments and frequent snapshots: the backup meets both rolling while it copies.
    TestNode node =
        TestNode.startWith(
            directory,
            new JsonObject()
                .put(
                    "ledger",
                    new JsonObject()
                        .put("maxBatchBytes", 65536)
                        .put("segmentBytes", 70000)
                        .put("snapshotEveryTransfers", 40)
                        .put("snapshotsKept", 1)));
    return new Node(node, ApiClient.of(node, directory));
  }

  /** An acknowledged payment: its id, and its payer, who may read it back. */
  private record Paid(String id, String payer) {}

  private static Paid pay(ApiUser payer, ApiUser payee, long amount) throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "");
    ApiClient.Reply reply = payer.pay(payee.name, amount, id);
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    return new Paid(id, payer.name);
  }

  /** The busy accounts paying each other in a ring, one thread each, until stopped. */
  private static final class Load {
    final AtomicLong acknowledged = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Paid> ids = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(3);
    private final List<Future<?>> running = new ArrayList<>();

    Load(List<ApiUser> busy) {
      for (int i = 0; i < busy.size(); i++) {
        ApiUser payer = busy.get(i);
        ApiUser payee = busy.get((i + 1) % busy.size());
        running.add(
            threads.submit(
                () -> {
                  while (!stopping.get() && acknowledged.get() < MAX_PAYMENTS_DURING) {
                    Paid paid = pay(payer, payee, 1);
                    synchronized (ids) {
                      ids.add(paid);
                    }
                    acknowledged.incrementAndGet();
                  }
                  return null;
                }));
      }
    }

    List<Paid> idsSoFar() {
      synchronized (ids) {
        return List.copyOf(ids);
      }
    }

    void stop() throws Exception {
      stopping.set(true);
      threads.shutdown();
      for (Future<?> thread : running) {
        thread.get(); // a payment that failed fails the test
      }
    }
  }
}
