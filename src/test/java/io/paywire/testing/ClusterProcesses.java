package io.paywire.testing;

import io.paywire.cluster.ClusterKeys;
import io.paywire.crypto.LocalCertificates;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cluster of real Paywire processes on 127.0.0.1 ({@code server --cluster}), each its own JVM
 * with its own data directory, sharing one working directory (so one {@code certs/}: one TLS
 * identity, one cluster key). Members can be killed (SIGKILL), paused (SIGSTOP), resumed and
 * started again. Closing kills whatever still runs. Each member's output is appended, restart after
 * restart, to {@code target/cluster-logs/<work directory's name>/member-<index>.log}, kept after
 * the test so that a failure can be read in the members' own words.
 *
 * <p>An {@link #outsider} is a process that is not one of the members: it lists them and itself in
 * {@code --members} but presents its own cluster key, to test that it cannot join.
 */
public final class ClusterProcesses implements AutoCloseable {

  public static final long START_TIMEOUT_MILLIS = 120_000;

  /**
   * A member's block of consecutive ports ({@link FreePorts#block}): Hazelcast (its first), Raft
   * (+1), the event bus (+2), then its TLS, HTTPS, management and network listeners. No member
   * listener is asked on port 0: the node would probe a port in the kernel's ephemeral range and
   * bind it a moment later, and any process's outgoing connection may take it in between (seen
   * once, a member's HTTPS port).
   */
  private static final int PORTS_PER_MEMBER = 8;

  private static final int TLS_OFFSET = 3;
  private static final int HTTP_OFFSET = 4;
  private static final int MANAGEMENT_OFFSET = 5;
  private static final int FIRST_NETWORK_OFFSET = 6;
  private static final Path CLUSTER_XML = Path.of("conf", "cluster.xml").toAbsolutePath();

  /**
   * A member is started and restarted many times while other tests share the 2 cores: the client
   * compiler alone (no C2) and the serial collector (no GC threads) take about a third less CPU to
   * reach "ready" (6 to 10 s instead of 12 to 13 s, measured under the suite's load). Not for every
   * child JVM: a single node's first start makes its keys (RSA 3072 among them) within the 30 s its
   * tests allow, and one such start missed that under C1 on the loaded machine; members make the
   * shared certificates once and have 120 s.
   */
  private static final List<String> MEMBER_JVM_OPTIONS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          // What paywire.jar's manifest gives Hazelcast (pom.xml, Add-Opens and Add-Exports):
          // a class-path start needs them as options.
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED");

  /** One member: its listed ports, and the process while it runs. */
  public final class Member {
    public final int index;
    public final int clusterPort;
    public final Path dataDirectory;

    /** {@code --cluster-keys}: null for the shared key, certs/cluster. */
    private final Path keys;

    /** Started with {@code --join}: it joins the running group rather than founding it. */
    private final boolean join;

    private ChildJvm jvm;
    private final Map<String, Integer> endpoints = new ConcurrentHashMap<>();
    private volatile int tlsPort;
    private int httpPort;
    private int managementPort;
    private String fingerprint;

    Member(int index, int clusterPort, Path keys, boolean join) {
      this.index = index;
      this.clusterPort = clusterPort;
      this.dataDirectory = work.resolve("data-" + index);
      this.keys = keys;
      this.join = join;
    }

    /** Starts the process; {@link #awaitReady} waits for its "ready" line. */
    public Member start() throws IOException {
      tlsPort = 0; // unknown until ready
      List<String> args =
          new ArrayList<>(
              List.of(
                  "server",
                  "--cluster",
                  "--cluster-host",
                  "127.0.0.1",
                  "--cluster-port",
                  Integer.toString(clusterPort),
                  "--members",
                  members.contains(this)
                      ? memberList()
                      : memberList() + ",127.0.0.1:" + clusterPort,
                  "--hazelcast-config",
                  CLUSTER_XML.toString(),
                  "--data-dir",
                  dataDirectory.toString(),
                  "--tls-port",
                  Integer.toString(clusterPort + TLS_OFFSET),
                  "--http-port",
                  Integer.toString(clusterPort + HTTP_OFFSET),
                  "--compat-port",
                  "-1",
                  "--conf",
                  memberConfig().toString()));
      if (keys != null) {
        args.addAll(List.of("--cluster-keys", keys.toString()));
      }
      if (join) {
        args.add("--join");
      }
      jvm =
          ChildJvm.startLogged(
              work, log(), MEMBER_JVM_OPTIONS, "io.paywire.Paywire", args.toArray(String[]::new));
      return this;
    }

    /**
     * The shared configuration with this member's own listener ports: its management port and, for
     * each network asked on port 0, one of its block's network ports.
     */
    private Path memberConfig() throws IOException {
      JsonObject config = new JsonObject(Files.readString(configFile()));
      config.getJsonObject("node").put("managementPort", clusterPort + MANAGEMENT_OFFSET);
      JsonObject networks = config.getJsonObject("networks", new JsonObject());
      int next = clusterPort + FIRST_NETWORK_OFFSET;
      for (String name : networks.fieldNames()) {
        JsonObject network = networks.getJsonObject(name);
        if (network.getInteger("port", -1) == 0) {
          if (next == clusterPort + PORTS_PER_MEMBER) {
            throw new IOException("more networks on port 0 than a member's block of ports holds");
          }
          network.put("port", next++);
        }
      }
      Path file = work.resolve("paywire-" + index + ".json");
      Files.writeString(file, config.encodePrettily());
      return file;
    }

    public Member awaitReady() throws InterruptedException {
      List<String> lines = jvm.awaitLine("ready", START_TIMEOUT_MILLIS);
      for (String line : lines) {
        String[] words = line.split(" ");
        if (line.startsWith("endpoint ")) {
          int port = Integer.parseInt(words[2].substring(words[2].lastIndexOf(':') + 1));
          endpoints.put(words[1], port);
          switch (words[1]) {
            case "tls" -> tlsPort = port;
            case "http" -> httpPort = port;
            case "management" -> managementPort = port;
            default -> {}
          }
        } else if (line.startsWith("tls-fingerprint sha256 ")) {
          fingerprint = words[2];
        }
      }
      return this;
    }

    /** This member's log: every line of every run, each run after a {@code ---} header. */
    public Path log() {
      return logs.resolve("member-" + index + ".log");
    }

    public boolean running() {
      return jvm != null && jvm.process().isAlive();
    }

    public int tlsPort() {
      return tlsPort;
    }

    public int httpPort() {
      return httpPort;
    }

    /** The port of the endpoint the member printed, e.g. {@code network:testnet}. */
    public int port(String endpoint) {
      Integer port = endpoints.get(endpoint);
      if (port == null) {
        throw new AssertionError("member " + index + " printed no endpoint " + endpoint);
      }
      return port;
    }

    /**
     * The term in which this member last said it leads {@code ledger}'s group ({@code
     * event=ledger_leading ... ledger=<name>} in its log, this run or before), or -1.
     */
    public long leadingTerm(String ledger) throws IOException {
      long term = -1;
      if (!Files.exists(log())) {
        return term;
      }
      Pattern leading =
          Pattern.compile(
              "event=ledger_leading member=\\S+ term=(\\d+) .*ledger="
                  + Pattern.quote(ledger)
                  + "$");
      for (String line : Files.readAllLines(log())) {
        if (line.startsWith("---")) {
          term = -1; // a new run: its leadership is what counts
        }
        Matcher m = leading.matcher(line.strip());
        if (m.find()) {
          term = Long.parseLong(m.group(1));
        }
      }
      return term;
    }

    public String fingerprint() {
      return fingerprint;
    }

    public ChildJvm jvm() {
      return jvm;
    }

    /**
     * One client for every poll, so that polls reuse its connections: a client per poll leaves one
     * open connection behind each, and the management port caps them ({@code
     * node.managementMaxConnections}).
     */
    private static final HttpClient MANAGEMENT_CLIENT = HttpClient.newHttpClient();

    /** GET /health's JSON on the management port, if the member answers. */
    public Optional<JsonObject> health() {
      return management("/health").map(JsonObject::new);
    }

    /** GET /metrics's Prometheus text on the management port, if the member answers. */
    public Optional<String> metrics() {
      return management("/metrics");
    }

    /** A meter's first sample in this member's /metrics (NaN if absent or it does not answer). */
    public double metric(String name) {
      Matcher line =
          Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$")
              .matcher(metrics().orElse(""));
      return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
    }

    private Optional<String> management(String path) {
      try {
        HttpResponse<String> reply =
            MANAGEMENT_CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(3))
                    .build(),
                BodyHandlers.ofString());
        return Optional.of(reply.body());
      } catch (Exception e) {
        return Optional.empty();
      }
    }

    /** This member's own view of the cluster, its health check {@code cluster}. */
    public Optional<JsonObject> clusterView() {
      return health()
          .flatMap(
              h ->
                  h.getJsonArray("checks").stream()
                      .map(JsonObject.class::cast)
                      .filter(c -> "cluster".equals(c.getString("id")))
                      .findFirst()
                      .map(c -> c.getJsonObject("data")));
    }

    /** This member's journal head after the last entry it applied, if it answers. */
    public Optional<String> head() {
      return clusterView().map(v -> v.getString("head"));
    }

    /** Whether this member says it votes in the ledger's Raft group (its configuration). */
    public boolean voting() {
      return clusterView().map(v -> Boolean.TRUE.equals(v.getBoolean("voting"))).orElse(false);
    }

    /** The size of the Raft group in this member's configuration (0 if it does not answer). */
    public int groupSize() {
      return clusterView().map(v -> v.getInteger("groupSize", 0)).orElse(0);
    }

    /** Whether this member says it leads the ledger's Raft group. */
    public boolean leading() {
      return clusterView().map(v -> Boolean.TRUE.equals(v.getBoolean("leading"))).orElse(false);
    }

    /** SIGKILL: no shutdown, no flush, as a power cut to the process. */
    public void kill() throws InterruptedException {
      jvm.process().destroyForcibly();
      jvm.process().waitFor();
    }

    public void pause() throws Exception {
      signal("STOP");
    }

    public void resume() throws Exception {
      signal("CONT");
    }

    private void signal(String name) throws Exception {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(jvm.process().pid())).start();
      if (kill.waitFor() != 0) {
        throw new IOException("kill -" + name + " failed");
      }
    }
  }

  private final Path work;
  private final Path logs;
  private final List<Member> members = new ArrayList<>();
  private final List<Member> outsiders = new ArrayList<>();

  private ClusterProcesses(Path work) {
    this.work = work;
    this.logs = Path.of("target", "cluster-logs", work.getFileName().toString()).toAbsolutePath();
  }

  /** Makes the cluster key and picks the ports of {@code size} members; starts none. */
  public static ClusterProcesses of(Path work, int size) throws Exception {
    return of(work, size, new JsonObject());
  }

  /**
   * As above, with {@code sections} (e.g. {@code {"networks": {...}}}) in every member's config.
   */
  public static ClusterProcesses of(Path work, int size, JsonObject sections) throws Exception {
    ClusterProcesses cluster = new ClusterProcesses(work);
    System.out.println("cluster member logs in " + cluster.logs);
    ClusterKeys.generate(work.resolve("certs").resolve("cluster"));
    Files.writeString(
        cluster.configFile(),
        new JsonObject()
            .put("node", new JsonObject().put("host", "127.0.0.1").put("managementPort", 0))
            .put("ledger", new JsonObject().put("defaultDepositMinor", 10_000))
            .put(
                "session",
                new JsonObject()
                    .put("openingDeposit", "stated")
                    .put("registrationsPerMinute", 1_000_000))
            .mergeIn(sections, true)
            .encodePrettily());
    for (int i = 0; i < size; i++) {
      cluster.members.add(cluster.new Member(i, FreePorts.block(PORTS_PER_MEMBER), null, false));
    }
    return cluster;
  }

  /**
   * Starts every member: the first time the first alone (it makes the shared certificates), then
   * the rest together; once the certificates exist (a restart), all together.
   */
  public ClusterProcesses startAll() throws Exception {
    boolean identityMade =
        Files.exists(work.resolve("certs").resolve(LocalCertificates.SERVER_CERTIFICATE));
    List<Member> together = identityMade ? members : members.subList(1, members.size());
    if (!identityMade) {
      members.get(0).start().awaitReady();
    }
    for (Member member : together) {
      member.start();
    }
    for (Member member : together) {
      member.awaitReady();
    }
    return this;
  }

  /**
   * A process that is not a member: same working directory (TLS identity, configuration), its own
   * data directory and ports, {@code --members} listing every member and itself, and {@code
   * --cluster-keys keys}. Not among {@link #members()}; started by the caller, killed on {@link
   * #close}.
   */
  public Member outsider(Path keys) throws IOException {
    Member outsider =
        new Member(
            members.size() + outsiders.size(), FreePorts.block(PORTS_PER_MEMBER), keys, false);
    outsiders.add(outsider);
    return outsider;
  }

  /**
   * A new member that joins the running group ({@code --join}), with the shared key, its own data
   * directory and ports; from now on among {@link #members()}, so members started later list it
   * too. Started by the caller.
   */
  public Member joiner() throws IOException {
    Member joiner =
        new Member(
            members.size() + outsiders.size(), FreePorts.block(PORTS_PER_MEMBER), null, true);
    members.add(joiner);
    return joiner;
  }

  public Member member(int index) {
    return members.get(index);
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  /** The member that says it leads, among those running. */
  /** The running member that leads {@code ledger}'s group by the latest term its log names. */
  public Optional<Member> leaderOf(String ledger) throws IOException {
    Member best = null;
    long bestTerm = -1;
    for (Member member : members) {
      long term = member.running() ? member.leadingTerm(ledger) : -1;
      if (term > bestTerm) {
        best = member;
        bestTerm = term;
      }
    }
    return Optional.ofNullable(best);
  }

  public Optional<Member> leader() {
    return members.stream().filter(Member::running).filter(Member::leading).findFirst();
  }

  private String memberList() {
    return String.join(",", members.stream().map(m -> "127.0.0.1:" + m.clusterPort).toList());
  }

  private Path configFile() {
    return work.resolve("paywire.json");
  }

  @Override
  public void close() throws Exception {
    for (Member member : Stream.concat(members.stream(), outsiders.stream()).toList()) {
      if (member.jvm != null) {
        member.jvm.close(); // SIGKILL, which also ends a paused (SIGSTOP) process
      }
    }
  }
}
