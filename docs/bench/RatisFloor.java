/*
 * The floor Raft alone puts under a Paywire cluster's CPU per PAY (docs/benchmarks.md, "One ledger
 * service (issue 22)"): three Apache Ratis servers on 127.0.0.1, configured as Paywire's members
 * are (gRPC with mutual TLS with a cluster key, the log fsynced before an entry counts, no async
 * flush), whose state machine does nothing but count (no ledger, no journal, no event bus, no
 * clients' TLS). The leader is handed entries of the size Paywire's batches have, with as many in
 * flight as Paywire keeps (cluster.maxEntriesInFlight), straight to its server as RaftLedger does.
 * After a warm-up it measures the process's CPU time per entry over a window, and per PAY at the
 * given PAYs per entry, with the JIT compiler threads apart (/proc/self/task).
 *
 * The three servers share one JVM (one JIT, one heap): a lower bound of what three member
 * processes pay for the same replication.
 *
 * Usage (from the checkout, after `mvn -o -q -DskipTests package`):
 *   java [-Draft.<Ratis key>=<value>...] -cp target/paywire.jar docs/bench/RatisFloor.java <work dir> [warm-up s] [window s]
 *       [bytes per entry] [PAYs per entry] [entries in flight] [entries per second, 0: as many
 *       as the servers take]
 */

import io.paywire.cluster.ClusterKeys;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

public class RatisFloor {

  /** Counts what it applies; nothing else. */
  static final class Counting extends BaseStateMachine {
    final AtomicLong applied = new AtomicLong();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      updateLastAppliedTermIndex(TermIndex.valueOf(trx.getLogEntry()));
      applied.incrementAndGet();
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int entryBytes = args.length > 3 ? Integer.parseInt(args[3]) : 16_000;
    int paysPerEntry = args.length > 4 ? Integer.parseInt(args[4]) : 290;
    int inFlight = args.length > 5 ? Integer.parseInt(args[5]) : 8;
    double rate = args.length > 6 ? Double.parseDouble(args[6]) : 0; // entries/s, 0: no cap
    Files.createDirectories(work);
    Path keys = work.resolve("certs");
    ClusterKeys.generate(keys);
    // -Dfloor.tls=false: plain gRPC, to see TLS's share (Paywire's members never run so).
    Parameters tls =
        Boolean.parseBoolean(System.getProperty("floor.tls", "true"))
            ? tlsParameters(ClusterKeys.in(keys))
            : new Parameters();

    RaftGroupId groupId = RaftGroupId.randomId();
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      peers.add(
          RaftPeer.newBuilder()
              .setId("m" + i)
              .setAddress("127.0.0.1:" + (59_100 + i))
              .build());
    }
    RaftGroup group = RaftGroup.valueOf(groupId, peers);
    List<RaftServer> servers = new ArrayList<>();
    List<Counting> machines = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Counting machine = new Counting();
      machines.add(machine);
      RaftServer server =
          RaftServer.newBuilder()
              .setServerId(RaftPeerId.valueOf("m" + i))
              .setGroup(group)
              .setStateMachine(machine)
              .setProperties(properties(work.resolve("m" + i), 59_100 + i))
              .setParameters(tls)
              .setOption(RaftStorage.StartupOption.FORMAT)
              .build();
      server.start();
      servers.add(server);
    }
    RaftServer leader = null;
    while (leader == null) {
      for (RaftServer s : servers) {
        if (s.getDivision(groupId).getInfo().isLeaderReady()) {
          leader = s;
        }
      }
      Thread.sleep(100);
    }
    byte[] payload = new byte[entryBytes];
    new java.util.Random(1).nextBytes(payload);
    Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(payload));
    ClientId client = ClientId.randomId();
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong committed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + window + 2);
    RaftServer l = leader;
    Thread driver =
        new Thread(
            () -> {
              long call = 0;
              long start = System.nanoTime();
              while (System.nanoTime() < end) {
                if (rate > 0) {
                  java.util.concurrent.locks.LockSupport.parkNanos(
                      start + (long) (call * 1e9 / rate) - System.nanoTime());
                }
                slots.acquireUninterruptibly();
                RaftClientRequest request =
                    RaftClientRequest.newBuilder()
                        .setClientId(client)
                        .setServerId(l.getId())
                        .setGroupId(groupId)
                        .setCallId(call++)
                        .setMessage(message)
                        .setType(RaftClientRequest.writeRequestType())
                        .build();
                try {
                  l.submitClientRequestAsync(request)
                      .whenComplete(
                          (reply, error) -> {
                            if (error == null && reply.isSuccess()) {
                              committed.incrementAndGet();
                            } else {
                              failed.incrementAndGet();
                            }
                            slots.release();
                          });
                } catch (IOException e) {
                  failed.incrementAndGet();
                  slots.release();
                }
              }
            },
            "floor-driver");
    driver.start();
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    Map<String, Long> t0 = threadTicks();
    long c0 = committed.get();
    long n0 = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(window));
    long c1 = committed.get();
    long n1 = System.nanoTime();
    Map<String, Long> t1 = threadTicks();
    driver.join();
    long entries = c1 - c0;
    double seconds = (n1 - n0) / 1e9;
    long all = 0;
    long jit = 0;
    Map<String, Long> groups = new HashMap<>();
    for (Map.Entry<String, Long> e : t1.entrySet()) {
      long d = e.getValue() - t0.getOrDefault(e.getKey(), 0L);
      all += d;
      String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      String g = name.replaceAll("[0-9#_-]+$", "").replaceAll("[0-9]", "");
      if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
        jit += d;
        g = "JIT";
      }
      groups.merge(g, d, Long::sum);
    }
    double tickMicros = 1e6 / 100; // CLK_TCK 100
    double perEntryAll = all * tickMicros / entries;
    double perEntryNoJit = (all - jit) * tickMicros / entries;
    System.out.printf(
        "floor: %d entries of %d bytes in %.1f s (%.0f entries/s, %d in flight, %d failed), "
            + "%.2f cores%n",
        entries, entryBytes, seconds, entries / seconds, inFlight, failed.get(),
        all * tickMicros / 1e6 / seconds);
    System.out.printf(
        "floor: CPU per entry %.0f us (%.0f us without the JIT); per PAY at %d PAYs an entry "
            + "%.2f us (%.2f us without the JIT), all three servers together%n",
        perEntryAll, perEntryNoJit, paysPerEntry, perEntryAll / paysPerEntry,
        perEntryNoJit / paysPerEntry);
    groups.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(12)
        .forEach(
            e ->
                System.out.printf(
                    "floor:   %-28s %6.2f us per PAY%n",
                    e.getKey(), e.getValue() * tickMicros / entries / paysPerEntry));
    for (int i = 0; i < 3; i++) {
      System.out.printf("floor: member %d applied %d entries%n", i, machines.get(i).applied.get());
    }
    for (RaftServer s : servers) {
      s.close();
    }
  }

  static RaftProperties properties(Path dir, int port) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(p, port);
    RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("32MB"));
    // -Draft.<key>=<value> sets any other Ratis property, to try one.
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("raft.")) {
        p.set(key, System.getProperty(key));
      }
    }
    return p;
  }

  /** Paywire's own member TLS (package-private in io.paywire.cluster), reached by reflection. */
  static Parameters tlsParameters(ClusterKeys.KeyFiles files) throws Exception {
    Class<?> type = Class.forName("io.paywire.cluster.RaftTls");
    Method load = type.getDeclaredMethod("load", ClusterKeys.KeyFiles.class);
    load.setAccessible(true);
    Object tls = load.invoke(null, files);
    Method parameters = type.getDeclaredMethod("parameters");
    parameters.setAccessible(true);
    return (Parameters) parameters.invoke(tls);
  }

  /** Clock ticks so far of every thread of this process, by "tid name". */
  static Map<String, Long> threadTicks() throws IOException {
    Map<String, Long> ticks = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String name = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).split(" ");
        ticks.put(task.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
      }
    }
    return ticks;
  }
}
