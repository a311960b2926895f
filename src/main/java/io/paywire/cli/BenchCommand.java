package io.paywire.cli;

import io.paywire.bus.LedgerApi;
import io.paywire.cluster.ClusterKeys;
import io.paywire.cluster.RaftLedger;
import io.paywire.cluster.RaftLedgerVerticle;
import io.paywire.cluster.RaftSettings;
import io.paywire.config.PaywireConfig;
import io.paywire.ledger.Command.OpenAccount;
import io.paywire.ledger.Command.Transfer;
import io.paywire.ledger.InMemoryLedger;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.Verifier;
import io.paywire.node.LedgerVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The ledger benchmark behind docs/benchmarks.md: in-memory apply rate, durable transfers per
 * second through {@link LedgerVerticle} with many concurrent requesters (and the longest pauses of
 * the ledger's event loop meanwhile), and replay rate.
 */
@picocli.CommandLine.Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measure the ledger: in-memory applies/s, durable transfers/s through the "
            + "event bus (fsync on), and journal replay records/s.")
public final class BenchCommand implements Callable<Integer> {

  private static final int CLUSTER_SIZE = 3;
  private static final long LEADER_WAIT_NANOS = 60_000_000_000L;
  private static final long LEADER_POLL_MILLIS = 500;
  private static final long SNAPSHOT_WATCH_MILLIS = 5;

  @Option(names = "--accounts", defaultValue = "1000", description = "Accounts. Default: 1000")
  int accounts;

  @Option(
      names = "--in-memory-transfers",
      defaultValue = "5000000",
      description = "Transfers for the in-memory apply run. Default: ${DEFAULT-VALUE}")
  int inMemoryTransfers;

  @Option(
      names = "--seconds",
      defaultValue = "20",
      description = "Length of the durable run. Default: ${DEFAULT-VALUE}")
  int seconds;

  @Option(
      names = "--concurrency",
      defaultValue = "4000",
      description = "Requests kept in flight in the durable run. Default: ${DEFAULT-VALUE}")
  int concurrency;

  @Option(
      names = "--durable-transfers",
      defaultValue = "0",
      description =
          "End the durable run after this many transfer requests, or after --seconds,"
              + " whichever comes first (0: --seconds only). Default: ${DEFAULT-VALUE}")
  long durableTransfers;

  @Option(
      names = "--parts",
      split = ",",
      defaultValue = "in-memory,durable,replay",
      description =
          "Parts to run: in-memory, durable, replay (replay needs durable), cluster (the"
              + " durable run against the leader of three Raft members in this process, with"
              + " mutual TLS, instead of a single node's journal), gradecoin (a Gradecoin"
              + " network's ledger alone: blocks of --block-transactions pool transactions"
              + " validated, applied and fsynced). Default: ${DEFAULT-VALUE}")
  List<String> parts;

  @Option(
      names = "--snapshot-every-entries",
      defaultValue = "10000",
      description =
          "The cluster part's Raft snapshot interval, in entries (cluster.snapshotEveryEntries)."
              + " Default: ${DEFAULT-VALUE}")
  long snapshotEveryEntries;

  @Option(
      names = "--block-transactions",
      defaultValue = "1000",
      description =
          "The gradecoin part's transactions per block (1 to 1000). Default: ${DEFAULT-VALUE}")
  int blockTransactions;

  @Option(
      names = "--blocks",
      defaultValue = "30",
      description =
          "The gradecoin part's blocks; the first third warm the JIT up and are not counted."
              + " Default: ${DEFAULT-VALUE}")
  int blocks;

  @Option(
      names = "--data-dir",
      description =
          "Directory for the durable run (must not exist). "
              + "Default: a new temporary directory, deleted afterwards.")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    System.out.printf(
        "machine: %d cores, java %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    for (String part : parts) {
      if (!List.of("in-memory", "durable", "replay", "cluster", "gradecoin").contains(part)) {
        throw new ParameterException(new CommandLine(this), "unknown part " + part);
      }
    }
    if (parts.contains("in-memory")) {
      inMemory();
    }
    if (parts.contains("gradecoin")) {
      Path dir = dataDir != null ? dataDir : Files.createTempDirectory("paywire-bench");
      try {
        GradecoinBench.run(dir, blockTransactions, blocks);
      } finally {
        if (dataDir == null) {
          deleteRecursively(dir);
        }
      }
    }
    if (parts.contains("cluster")) {
      Path dir = dataDir != null ? dataDir : Files.createTempDirectory("paywire-bench");
      try {
        cluster(dir);
      } finally {
        if (dataDir == null) {
          deleteRecursively(dir);
        }
      }
    }
    if (!parts.contains("durable")) {
      return 0;
    }
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("paywire-bench");
    try {
      durable(dir);
      if (parts.contains("replay")) {
        replay(dir);
      }
    } finally {
      if (dataDir == null) {
        deleteRecursively(dir);
      }
    }
    return 0;
  }

  private void inMemory() {
    InMemoryLedger state = new InMemoryLedger(LedgerRules.DEFAULTS);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < accounts; i++) {
      state.execute(new OpenAccount(new TransferId(0, i), "user" + i, null, 1_000_000_000), 0);
    }
    String[] names = new String[accounts];
    for (int i = 0; i < accounts; i++) {
      names[i] = "user" + i;
    }
    final int chunk = 65_536;
    io.paywire.ledger.Command[] commands = new io.paywire.ledger.Command[chunk];
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      long accepted = 0;
      long nanos = 0;
      for (int done = 0; done < inMemoryTransfers; done += chunk) {
        // Commands are built off the clock, a chunk at a time: this measures applying, not
        // parsing, and keeps the garbage collector's live set what the ledger's own would be.
        int count = Math.min(chunk, inMemoryTransfers - done);
        for (int i = 0; i < count; i++) {
          int payer = random.nextInt(accounts);
          int payee = (payer + 1 + random.nextInt(accounts - 1)) % accounts;
          commands[i] =
              Transfer.unsigned(
                  new TransferId(round + 1, done + i),
                  names[payer],
                  names[payee],
                  1 + random.nextInt(100));
        }
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
          if (state.execute(commands[i], done + i) instanceof Outcome.Accepted) {
            accepted++;
          }
        }
        nanos += System.nanoTime() - started;
      }
      double secondsTaken = nanos / 1e9;
      if (round == 1) {
        System.out.printf(
            "in-memory: %d transfers (%d accepted) in %.2f s = %,.0f applies/s%n",
            inMemoryTransfers, accepted, secondsTaken, inMemoryTransfers / secondsTaken);
      }
    }
    state.view().checkInvariants();
  }

  private void durable(Path dir) throws Exception {
    PaywireConfig defaults = PaywireConfig.defaults();
    LedgerVerticle.Settings settings =
        new LedgerVerticle.Settings(
            dir, defaults.ledger().options(), 10_000, Math.max(concurrency * 2, 100_000));
    Vertx vertx = Vertx.vertx();
    try {
      LedgerVerticle ledger = new LedgerVerticle(settings, Clock.systemUTC());
      await(vertx.deployVerticle(ledger));
      for (int i = 0; i < accounts; i++) {
        await(
            vertx
                .eventBus()
                .request(
                    LedgerApi.OPEN_ACCOUNT,
                    new JsonObject().put("name", "user" + i).put("deposit", 1_000_000_000)));
      }
      JsonObject before = status(vertx);
      Load load = new Load(concurrency, accounts, seconds, durableTransfers);
      PauseProbe probe = new PauseProbe(ledger.ledgerContext(), load.acknowledged);
      await(probe.start());
      await(vertx.deployVerticle(load));
      long[] result = await(load.done.future());
      String pauses = await(probe.stop());
      JsonObject after = status(vertx);
      long batches = after.getLong("nextBatchSequence") - before.getLong("nextBatchSequence");
      double secondsTaken = result[2] / 1e9;
      System.out.printf(
          "durable: %d transfers acknowledged (%d rejected, %d failed) in %.2f s"
              + " = %,.0f transfers/s, %d batches (%.0f per fsync), concurrency %d%n",
          result[0],
          result[1],
          result[3],
          secondsTaken,
          result[0] / secondsTaken,
          batches,
          (double) result[0] / Math.max(1, batches),
          concurrency);
      System.out.println(pauses);
    } finally {
      await(vertx.close());
    }
  }

  /**
   * The durable run against a three-member Raft cluster in this process (three Vert.x instances,
   * Raft over mutual TLS on 127.0.0.1 with a cluster key made for the run), the pause probe on the
   * leader's ledger service, and every finished snapshot of the leader listed with the transfers
   * acknowledged when it finished: a pause that comes from a snapshot shows next to one.
   */
  private void cluster(Path dir) throws Exception {
    PaywireConfig defaults = PaywireConfig.defaults();
    Path keys = dir.resolve("cluster-keys");
    ClusterKeys.generate(keys);
    int[] ports = new int[CLUSTER_SIZE];
    List<RaftLedger.Member> group = new ArrayList<>();
    for (int i = 0; i < CLUSTER_SIZE; i++) {
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        ports[i] = free.getLocalPort();
      }
      group.add(new RaftLedger.Member("n" + i, "127.0.0.1", ports[i]));
    }
    RaftSettings raft =
        new RaftSettings(
            RaftSettings.DEFAULTS.electionTimeoutMin(),
            RaftSettings.DEFAULTS.electionTimeoutMax(),
            RaftSettings.DEFAULTS.requestTimeout(),
            RaftSettings.DEFAULTS.requestAttempts(),
            RaftSettings.DEFAULTS.retrySleep(),
            snapshotEveryEntries,
            RaftSettings.DEFAULTS.logSegmentBytes(),
            RaftSettings.DEFAULTS.logPurgeGapEntries(),
            true,
            RaftSettings.DEFAULTS.maxEntriesInFlight());
    Vertx[] members = new Vertx[CLUSTER_SIZE];
    RaftLedgerVerticle[] ledgers = new RaftLedgerVerticle[CLUSTER_SIZE];
    try {
      for (int i = 0; i < CLUSTER_SIZE; i++) {
        members[i] = Vertx.vertx();
        ledgers[i] =
            new RaftLedgerVerticle(
                new RaftLedgerVerticle.Settings(
                    dir.resolve("n" + i),
                    defaults.ledger().options(),
                    10_000,
                    Math.max(concurrency * 2, 100_000),
                    group.get(i),
                    group,
                    raft,
                    RaftLedgerVerticle.Settings.proposalTimeoutFor(
                        defaults.ledger().requestTimeoutMillis()),
                    RaftLedgerVerticle.Settings.DEFAULT_LEADERSHIP_CHECK_MILLIS,
                    ClusterKeys.require(keys)),
                Clock.systemUTC());
        await(members[i].deployVerticle(ledgers[i]));
      }
      int leader = awaitLeader(members);
      Vertx vertx = members[leader];
      System.out.printf(
          "cluster: 3 members, leader n%d, snapshot every %d entries%n",
          leader, snapshotEveryEntries);
      for (int i = 0; i < accounts; i++) {
        await(
            vertx
                .eventBus()
                .request(
                    LedgerApi.OPEN_ACCOUNT,
                    new JsonObject().put("name", "user" + i).put("deposit", 1_000_000_000)));
      }
      Load load = new Load(concurrency, accounts, seconds, durableTransfers);
      PauseProbe probe = new PauseProbe(ledgers[leader].ledgerContext(), load.acknowledged);
      List<long[]> snapshots = new ArrayList<>();
      RaftLedgerVerticle watched = ledgers[leader];
      long[] lastIndex = {watched.snapshotIndex()};
      long watch =
          members[(leader + 1) % CLUSTER_SIZE].setPeriodic(
              SNAPSHOT_WATCH_MILLIS,
              id -> {
                long index = watched.snapshotIndex();
                if (index != lastIndex[0]) {
                  lastIndex[0] = index;
                  snapshots.add(new long[] {index, load.acknowledged.get()});
                }
              });
      await(probe.start());
      await(vertx.deployVerticle(load));
      long[] result = await(load.done.future());
      String pauses = await(probe.stop());
      members[(leader + 1) % CLUSTER_SIZE].cancelTimer(watch);
      double secondsTaken = result[2] / 1e9;
      System.out.printf(
          "cluster: %d transfers acknowledged (%d rejected, %d failed) in %.2f s"
              + " = %,.0f transfers/s, concurrency %d%n",
          result[0], result[1], result[3], secondsTaken, result[0] / secondsTaken, concurrency);
      System.out.println(pauses);
      StringBuilder finished =
          new StringBuilder("leader's snapshots finished (raft index @ transfers acknowledged):");
      for (long[] snapshot : snapshots) {
        finished.append(String.format(" %d@%d", snapshot[0], snapshot[1]));
      }
      System.out.println(finished);
    } finally {
      for (Vertx member : members) {
        if (member != null) {
          await(member.close());
        }
      }
    }
  }

  /** The member whose bus the ledger answers on (the leader's), once exactly one does. */
  private static int awaitLeader(Vertx[] members) throws Exception {
    long deadline = System.nanoTime() + LEADER_WAIT_NANOS;
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < members.length; i++) {
        try {
          members[i]
              .eventBus()
              .request(
                  LedgerApi.STATUS,
                  new JsonObject(),
                  new DeliveryOptions().setSendTimeout(LEADER_POLL_MILLIS))
              .toCompletionStage()
              .toCompletableFuture()
              .get();
          return i;
        } catch (ExecutionException notServedHere) {
          // this member does not lead (yet): ask the next
        }
      }
    }
    throw new IllegalStateException("no member leads after " + LEADER_WAIT_NANOS / 1e9 + " s");
  }

  private void replay(Path dir) throws Exception {
    long started = System.nanoTime();
    Verifier.Report report = Verifier.verify(dir);
    double secondsTaken = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "replay (full journal, no snapshot): %d records in %.2f s = %,.0f records/s"
            + " (%d batches)%n",
        report.transfers(), secondsTaken, report.transfers() / secondsTaken, report.batches());
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      Ledger.Recovery recovery = ledger.recovery();
      System.out.printf(
          "recovery (newest snapshot + journal tail): %d ms, snapshot %s,"
              + " %d records replayed%n",
          recovery.millis(),
          recovery.snapshot().map(p -> p.getFileName().toString()).orElse("none"),
          recovery.recordsReplayed());
    }
  }

  private static JsonObject status(Vertx vertx) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(LedgerApi.STATUS, new JsonObject())).body();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  /** Keeps {@code concurrency} transfer requests in flight for a fixed time, on its own loop. */
  private static final class Load extends VerticleBase {
    final Promise<long[]> done = Promise.promise();
    private final int concurrency;
    private final int accounts;
    private final long endNanos;
    private final SplittableRandom random = new SplittableRandom(7);
    private final AtomicLong sequence = new AtomicLong();

    /** Read by the pause probe on another thread, to say when a pause happened. */
    final AtomicLong acknowledged = new AtomicLong();

    private final long maxRequests;
    private long accepted;
    private long rejected;
    private long failed;
    private int inFlight;
    private long startNanos;

    Load(int concurrency, int accounts, int seconds, long maxRequests) {
      this.concurrency = concurrency;
      this.maxRequests = maxRequests > 0 ? maxRequests : Long.MAX_VALUE;
      this.accounts = accounts;
      this.endNanos = seconds * 1_000_000_000L;
    }

    @Override
    public Future<?> start() {
      startNanos = System.nanoTime();
      for (int i = 0; i < concurrency; i++) {
        send();
      }
      return Future.succeededFuture();
    }

    private void send() {
      if (System.nanoTime() - startNanos >= endNanos || sequence.get() >= maxRequests) {
        if (inFlight == 0) {
          done.tryComplete(new long[] {accepted, rejected, System.nanoTime() - startNanos, failed});
        }
        return;
      }
      int payer = random.nextInt(accounts);
      int payee = (payer + 1 + random.nextInt(accounts - 1)) % accounts;
      JsonObject body =
          new JsonObject()
              .put("id", new TransferId(0x5eed, sequence.incrementAndGet()).toString())
              .put("payer", "user" + payer)
              .put("payee", "user" + payee)
              .put("amount", 1 + random.nextInt(100));
      inFlight++;
      vertx
          .eventBus()
          .<JsonObject>request(LedgerApi.TRANSFER, body)
          .onComplete(
              reply -> {
                inFlight--;
                if (reply.failed()) {
                  failed++;
                } else if (reply.result().body().getBoolean("ok")) {
                  accepted++;
                  acknowledged.incrementAndGet();
                } else {
                  rejected++;
                }
                send();
              });
    }
  }

  /**
   * Watches the ledger's event loop: a 1 ms periodic timer on the ledger verticle's own context
   * records the gap between consecutive ticks. A tick runs only when the loop is free, so a gap
   * beyond the period is how long the loop was held by other work: a ledger handler (applying a
   * batch, growing the columns or the index, capturing a snapshot, sending replies), the event-bus
   * deliveries queued ahead of the tick, a garbage-collection pause, or the operating system
   * running other threads on the two cores. All fields are touched on that context only.
   */
  private static final class PauseProbe {
    private static final long PERIOD_NANOS = 1_000_000;

    /** Pauses at least this long are kept, with when they happened, to be listed. */
    private static final long LISTED_NANOS = 20_000_000;

    private static final long[] THRESHOLDS_MILLIS = {10, 50, 100, 250, 500, 1000};
    private final Context context;
    private final AtomicLong transfers;
    private final long[] counts = new long[THRESHOLDS_MILLIS.length];

    /** Pauses of at least {@link #LISTED_NANOS}: {nanos, acknowledged transfers at the time}. */
    private final List<long[]> listed = new ArrayList<>();

    private long timer;
    private long last;
    private long ticks;
    private long longest;

    PauseProbe(Context context, AtomicLong transfers) {
      this.context = context;
      this.transfers = transfers;
    }

    Future<Void> start() {
      Promise<Void> started = Promise.promise();
      context.runOnContext(
          v -> {
            last = System.nanoTime();
            timer = context.owner().setPeriodic(1, id -> tick());
            started.complete();
          });
      return started.future();
    }

    private void tick() {
      long now = System.nanoTime();
      long pause = now - last - PERIOD_NANOS;
      last = now;
      ticks++;
      longest = Math.max(longest, pause);
      for (int i = 0; i < THRESHOLDS_MILLIS.length; i++) {
        if (pause >= THRESHOLDS_MILLIS[i] * 1_000_000) {
          counts[i]++;
        }
      }
      if (pause >= LISTED_NANOS) {
        listed.add(new long[] {pause, transfers.get()});
      }
    }

    /** Stops the timer and describes what it saw. */
    Future<String> stop() {
      Promise<String> report = Promise.promise();
      context.runOnContext(
          v -> {
            context.owner().cancelTimer(timer);
            StringBuilder inOrder =
                new StringBuilder(
                    String.format(
                        "%nevery pause >= %d ms, in order (ms @ transfers acknowledged):",
                        LISTED_NANOS / 1_000_000));
            for (long[] pause : listed) {
              inOrder.append(String.format(" %.0f@%d", pause[0] / 1e6, pause[1]));
            }
            listed.sort(Comparator.comparingLong((long[] p) -> p[0]).reversed());
            StringBuilder text =
                new StringBuilder(
                    String.format(
                        "ledger event loop (1 ms timer on its context, %,d ticks): longest pause %.1f ms",
                        ticks, longest / 1e6));
            text.append("; pauses");
            for (int i = 0; i < THRESHOLDS_MILLIS.length; i++) {
              text.append(String.format(" >=%d ms: %d", THRESHOLDS_MILLIS[i], counts[i]));
            }
            text.append(String.format("%nlongest pauses (ms @ transfers acknowledged):"));
            for (int i = 0; i < Math.min(15, listed.size()); i++) {
              text.append(String.format(" %.0f@%,d", listed.get(i)[0] / 1e6, listed.get(i)[1]));
            }
            report.complete(text.append(inOrder).toString());
          });
      return report.future();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
