package io.paywire.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paywire.bus.LedgerAddresses;
import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterOptions;
import io.paywire.cluster.RaftLedger;
import io.paywire.compat.CompatListenerVerticle;
import io.paywire.config.ConfigException;
import io.paywire.config.PaywireConfig;
import io.paywire.crypto.LocalCertificates;
import io.paywire.http.ApiVerticle;
import io.paywire.http.ManagementVerticle;
import io.paywire.http.SessionTokens;
import io.paywire.ledger.LedgerDirectories;
import io.paywire.net.AcceptGates;
import io.paywire.net.ConnectionGate;
import io.paywire.net.DescriptorBudget;
import io.paywire.net.ListenerSettings;
import io.paywire.net.LogRate;
import io.paywire.net.PortTaken;
import io.paywire.net.ServerIdentity;
import io.paywire.net.TlsServerOptions;
import io.paywire.node.LedgerVerticle;
import io.paywire.node.TextListenerVerticle;
import io.paywire.session.Challenges;
import io.paywire.session.Enrollment;
import io.paywire.session.KeyCache;
import io.paywire.session.LoginThrottle;
import io.paywire.session.PresenceView;
import io.paywire.session.RateLimiter;
import io.paywire.session.RegistrationPolicy;
import io.paywire.session.SessionEvents;
import io.paywire.session.Sessions;
import io.paywire.session.WorkerPool;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One running node: a Vert.x instance with the ledger writer and the listeners deployed. The ledger
 * verticle is deployed first and undeployed last, so listeners never talk to a ledger that is not
 * there.
 */
public final class PaywireNode {

  /** A bound listener, printed at start: {@code endpoint <name> <host>:<port>}. */
  public record Endpoint(String name, String host, int port) {
    @Override
    public String toString() {
      return "endpoint " + name + " " + host + ":" + port;
    }
  }

  private final Vertx vertx;
  private final List<Endpoint> endpoints;

  /** Deployment ids, in deployment order. */
  private final List<String> deployments;

  private Future<Void> closing;

  /** Replaced when the generated certificate is renewed. */
  private volatile ServerIdentity identity;

  private final PaywireConfig.Tls tls;

  /** The periodic renewal check, or -1 for an operator's certificate. */
  private final long renewalTimer;

  private final SessionTokens tokens;
  private final PrometheusMeterRegistry metrics;
  private final ClusterView cluster;

  /** Vert.x's default event-loop count: two per core. */
  static final int EVENT_LOOPS = 2 * Runtime.getRuntime().availableProcessors();

  /** The window of every per-minute rate limit (registrations, challenges, logins, failures). */
  private static final long RATE_WINDOW_MILLIS = 60_000;

  private static final System.Logger LOG = System.getLogger(PaywireNode.class.getName());

  private PaywireNode(
      Vertx vertx,
      List<Endpoint> endpoints,
      List<String> deployments,
      ServerIdentity identity,
      PaywireConfig.Tls tls,
      SessionTokens tokens,
      PrometheusMeterRegistry metrics,
      ClusterView cluster) {
    this.tls = tls;
    this.cluster = cluster;
    this.vertx = vertx;
    this.tokens = tokens;
    this.metrics = metrics;
    this.identity = identity;
    this.endpoints = endpoints;
    this.deployments = deployments;
    // Only a certificate of certs/ is renewed; an operator's is theirs to replace.
    this.renewalTimer =
        identity.chainPem() == null
            ? -1
            : vertx.setPeriodic(
                tls.renewCheckMinutes() * 60_000L,
                t ->
                    renewCertificate()
                        .onFailure(
                            e ->
                                LOG.log(
                                    Level.ERROR,
                                    "event=tls_renew_failed error={0}",
                                    e.getMessage())));
  }

  /** The HTTPS API's keys and enrollment, read (or on first start made) before it starts. */
  private record ApiKeys(KeyPair registration, KeyPair sessionTokens, Enrollment enrollment) {}

  /** A single node: no cluster, the local journal with its own fsync. */
  public static Future<PaywireNode> start(PaywireConfig config, Path dataDirectory) {
    return start(config, dataDirectory, null);
  }

  /**
   * A node; with {@code cluster}, a member of a cluster (docs/cluster.md): a clustered Vert.x on
   * Hazelcast with a mutual-TLS event bus, presence shared by every member, and the ledger
   * replicated by Raft, served by the member that leads the Raft group.
   *
   * @param cluster null for a single node, where nothing of Hazelcast or Ratis is started
   */
  public static Future<PaywireNode> start(
      PaywireConfig config, Path dataDirectory, ClusterOptions cluster) {
    return start(config, dataDirectory, cluster, Clock.systemUTC());
  }

  /** As above, with session tokens expiring on {@code clock} (tests move it). */
  public static Future<PaywireNode> start(
      PaywireConfig config, Path dataDirectory, ClusterOptions cluster, Clock clock) {
    return start(config, dataDirectory, cluster, clock, NetworkListeners.BUILT_IN);
  }

  /** As above, with the networks' listeners made by {@code listeners}. */
  public static Future<PaywireNode> start(
      PaywireConfig config,
      Path dataDirectory,
      ClusterOptions cluster,
      Clock clock,
      NetworkListeners listeners) {
    // Metrics per node (not a global registry), so several nodes in one JVM stay apart.
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    VertxOptions options =
        new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    MicrometerMetricsFactory factory = new MicrometerMetricsFactory(metrics);
    try {
      DescriptorBudget.check(config, DescriptorBudget.processLimit());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    // Every listener's connections are counted from accept, before TLS: see AcceptGates.
    AcceptGates gates = new AcceptGates();
    if (cluster == null) {
      Vertx vertx =
          Vertx.builder()
              .with(options)
              .withMetrics(factory)
              .withTransport(gates.transport())
              .build();
      return assemble(vertx, null, null, config, dataDirectory, metrics, gates, clock, listeners);
    }
    return ClusterJoin.start(options, factory, gates.transport(), cluster)
        .compose(
            joined ->
                assemble(
                    joined.vertx(),
                    joined,
                    cluster,
                    config,
                    dataDirectory,
                    metrics,
                    gates,
                    clock,
                    listeners));
  }

  private static Future<PaywireNode> assemble(
      Vertx vertx,
      ClusterJoin.Joined joined,
      ClusterOptions cluster,
      PaywireConfig config,
      Path dataDirectory,
      PrometheusMeterRegistry metrics,
      AcceptGates gates,
      Clock clock,
      NetworkListeners listeners) {
    LedgerVerticle.Settings settings =
        new LedgerVerticle.Settings(
            dataDirectory,
            config.ledger().options(),
            config.ledger().defaultDepositMinor(),
            config.ledger().maxPendingRequests());
    // In a cluster, the node's id is its cluster id, so that its presence entries can be found
    // and removed when it leaves.
    String nodeName =
        joined != null ? joined.nodeId() : "node-" + UUID.randomUUID().toString().substring(0, 8);
    List<Endpoint> endpoints = new ArrayList<>();
    List<String> deployments = new ArrayList<>();
    NodeMetrics meters = new NodeMetrics(metrics);
    // Outsider-caused log lines (net/LogRate): their counts told once per interval.
    int logInterval = config.node().logSummaryIntervalSeconds();
    LogRate.nodeStarting(logInterval);
    vertx.setPeriodic(logInterval * 1000L, t -> LogRate.flushAll());
    Future<ServerIdentity> identity =
        vertx.executeBlocking(() -> ServerIdentity.load(config.tls()));
    Future<ApiKeys> apiKeys =
        identity.compose(
            id ->
                vertx.executeBlocking(
                    () -> {
                      Path certs = Path.of(config.tls().certsDirectory());
                      String enrollment = config.ledger().enrollmentFile();
                      return new ApiKeys(
                          LocalCertificates.registrationKeys(certs),
                          LocalCertificates.sessionTokenKeys(certs),
                          enrollment == null ? null : Enrollment.load(Path.of(enrollment)));
                    }));
    Future<SessionTokens> tokens =
        apiKeys.map(
            keys ->
                new SessionTokens(
                    vertx,
                    keys.sessionTokens(),
                    config.http().sessionTokenSeconds(),
                    config.http().maxSessionTokens(),
                    config.http().liveGraceSeconds(),
                    clock));
    Future<Sessions.Shared> shared =
        apiKeys.map(keys -> sessionsShared(vertx, config, nodeName, meters, keys.enrollment()));
    Future<Void> presence =
        shared.compose(
            sessions ->
                joined == null
                    ? Future.succeededFuture()
                    : ClusterPresence.follow(vertx, joined, sessions.presence()));
    ClusterView view = joined == null ? null : new ClusterView(joined, cluster);
    if (view != null) {
      // The three gauges of a scrape read one view of the cluster, not one each.
      Gauge.builder("paywire.cluster.members", view, v -> v.gaugeView().members())
          .description("members Hazelcast sees")
          .register(metrics);
      Gauge.builder("paywire.raft.term", view, v -> v.gaugeView().raft().term())
          .description("this member's Raft term")
          .register(metrics);
      Gauge.builder("paywire.raft.leading", view, v -> v.gaugeView().raft().leading() ? 1 : 0)
          .description("1 while this member leads the ledger's Raft group")
          .register(metrics);
    }
    Supplier<JsonObject> clusterHealth = view == null ? null : view::toJson;
    return presence
        .compose(v -> tokens)
        .compose(
            t ->
                joined == null
                    ? refuseMemberLayout(dataDirectory)
                        .compose(
                            ok ->
                                vertx.deployVerticle(
                                    new LedgerVerticle(settings, Clock.systemUTC(), meters)))
                    : ClusterLedger.deploy(vertx, joined, cluster, settings, config, view, meters))
        .compose(
            id -> {
              deployments.add(id);
              // A cluster member's networks are Raft groups of its ledger's member, deployed
              // with it (ClusterLedger).
              return joined == null
                  ? deployNetworkLedgers(vertx, config, dataDirectory, deployments)
                  : Future.<Void>succeededFuture();
            })
        .compose(
            v ->
                deployTextListeners(
                    vertx,
                    config,
                    identity.result(),
                    shared.result(),
                    deployments,
                    endpoints,
                    gates))
        .compose(
            tlsPort ->
                deployApi(
                    vertx,
                    config,
                    identity.result(),
                    shared.result(),
                    tokens.result(),
                    apiKeys.result(),
                    metrics,
                    clusterHealth,
                    deployments,
                    endpoints,
                    gates))
        .compose(
            v ->
                deployManagement(
                    vertx, config, metrics, clusterHealth, deployments, endpoints, gates))
        .compose(
            v ->
                deployNetworkListeners(
                    new NetworkListeners.Serving(
                        vertx,
                        null,
                        null,
                        identity.result(),
                        config.tls().engine(),
                        config,
                        gates,
                        nodeName,
                        joined),
                    listeners,
                    dataDirectory,
                    deployments,
                    endpoints))
        .map(
            v ->
                new PaywireNode(
                    vertx,
                    List.copyOf(endpoints),
                    deployments,
                    identity.result(),
                    config.tls(),
                    tokens.result(),
                    metrics,
                    view))
        .recover(
            e -> {
              // Report the cause now; the close finishes (or not) in the background as we exit.
              vertx.close();
              return Future.failedFuture(e);
            });
  }

  /**
   * Each network's ledger on a single node, one after the other, after the main ledger and before
   * any listener, so a listener never finds a ledger missing; undeployed after every listener, in
   * the reverse order.
   */
  private static Future<Void> deployNetworkLedgers(
      Vertx vertx, PaywireConfig config, Path dataDirectory, List<String> deployments) {
    Future<Void> deployed = Future.succeededFuture();
    for (PaywireConfig.Network network : config.networks()) {
      LedgerVerticle.Settings settings = NetworkLedgers.settings(network, config, dataDirectory);
      deployed =
          deployed
              .compose(v -> vertx.deployVerticle(new LedgerVerticle(settings, Clock.systemUTC())))
              .map(
                  id -> {
                    deployments.add(id);
                    return null;
                  });
    }
    return deployed;
  }

  /**
   * Each network's listener, after the node's own, from its kind's factory; a kind with no factory
   * in this build serves no endpoint, which the network's start line says ({@code listener=none}).
   *
   * @param common what every network's listener gets, network and addresses left null
   */
  private static Future<Void> deployNetworkListeners(
      NetworkListeners.Serving common,
      NetworkListeners listeners,
      Path dataDirectory,
      List<String> deployments,
      List<Endpoint> endpoints) {
    Future<Void> deployed = Future.succeededFuture();
    for (PaywireConfig.Network network : common.config().networks()) {
      deployed =
          deployed.compose(
              v ->
                  deployNetworkListener(
                      common, network, listeners, dataDirectory, deployments, endpoints));
    }
    return deployed;
  }

  private static Future<Void> deployNetworkListener(
      NetworkListeners.Serving common,
      PaywireConfig.Network network,
      NetworkListeners listeners,
      Path dataDirectory,
      List<String> deployments,
      List<Endpoint> endpoints) {
    Path ledger = NetworkLedgers.directory(dataDirectory, network);
    Optional<NetworkListeners.Factory> factory = listeners.factory(network.kind());
    if (factory.isEmpty()) {
      logNetwork(network, ledger, "none");
      return Future.succeededFuture();
    }
    int port;
    try {
      port = common.gates().freePort(network.host(), network.port());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    String name = "network:" + network.name();
    NetworkListeners.Serving serving =
        new NetworkListeners.Serving(
            common.vertx(),
            network.withPort(port),
            LedgerAddresses.network(network.name()),
            common.identity(),
            common.tlsEngine(),
            common.config(),
            common.gates(),
            common.node(),
            common.joined());
    return bound(
            factory.get().deploy(serving),
            name + " (" + network.kind().key() + ")",
            network.host(),
            port,
            "networks." + network.name() + ".port in the configuration")
        .map(
            id -> {
              deployments.add(id);
              endpoints.add(new Endpoint(name, network.host(), port));
              logNetwork(network, ledger, network.host() + ":" + port);
              return null;
            });
  }

  /** One line per network at start: its kind, its ledger, and where it listens, if anywhere. */
  private static void logNetwork(PaywireConfig.Network network, Path ledger, String listener) {
    LOG.log(
        Level.INFO,
        "event=network name={0} kind={1} ledger={2} listener={3}",
        network.name(),
        network.kind().key(),
        ledger.toString(),
        listener);
  }

  /** The HTTPS API, one instance per event loop on one port. */
  private static Future<Void> deployApi(
      Vertx vertx,
      PaywireConfig config,
      ServerIdentity identity,
      Sessions.Shared sessions,
      SessionTokens tokens,
      ApiKeys keys,
      PrometheusMeterRegistry metrics,
      Supplier<JsonObject> clusterHealth,
      List<String> deployments,
      List<Endpoint> endpoints,
      AcceptGates gates) {
    int port;
    try {
      port = gates.freePort(config.node().host(), config.node().httpPort());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    gates.guard(
        "http",
        port,
        new ConnectionGate(
            config.http().maxConnections(), config.http().maxConnectionsPerAddress()));
    ApiVerticle.Settings api =
        new ApiVerticle.Settings(
            config.node().host(),
            port,
            config.http(),
            config.text().handshakeTimeoutSeconds(),
            identity,
            TlsServerOptions.engine(config.tls().engine()),
            sessions,
            tokens,
            keys.registration(),
            metrics,
            config.ledger().requestTimeoutMillis(),
            config.session().challengeTtlSeconds(),
            new ConnectionGate(
                config.http().maxWebSockets(), config.http().maxWebSocketsPerAddress()),
            new ConnectionGate(
                config.http().maxWebSockets(), config.http().maxWebSocketsPerLogin()),
            clusterHealth);
    return bound(
            vertx.deployVerticle(
                () -> new ApiVerticle(api), new DeploymentOptions().setInstances(EVENT_LOOPS)),
            "http (HTTPS API and console)",
            config.node().host(),
            port,
            "--http-port")
        .map(
            id -> {
              deployments.add(id);
              endpoints.add(new Endpoint("http", config.node().host(), port));
              return null;
            });
  }

  /** The plain-HTTP management port on loopback, when configured. */
  private static Future<Void> deployManagement(
      Vertx vertx,
      PaywireConfig config,
      PrometheusMeterRegistry metrics,
      Supplier<JsonObject> clusterHealth,
      List<String> deployments,
      List<Endpoint> endpoints,
      AcceptGates gates) {
    if (config.node().managementPort() < 0) {
      return Future.succeededFuture();
    }
    int port;
    try {
      port = gates.freePort(ManagementVerticle.HOST, config.node().managementPort());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    // Loopback only, so every client is this machine: one cap, total and per address alike.
    int cap = config.node().managementMaxConnections();
    gates.guard("management", port, new ConnectionGate(cap, cap));
    ManagementVerticle management =
        new ManagementVerticle(
            port,
            config.ledger().requestTimeoutMillis(),
            metrics,
            clusterHealth,
            config.http().requestHeadTimeoutSeconds(),
            config.http().heapWarningPercent());
    return bound(
            vertx.deployVerticle(management),
            "management (metrics and health)",
            ManagementVerticle.HOST,
            port,
            "node.managementPort in the configuration")
        .map(
            id -> {
              deployments.add(id);
              endpoints.add(
                  new Endpoint("management", ManagementVerticle.HOST, management.actualPort()));
              return null;
            });
  }

  /**
   * One listener instance per event loop, all bound to one port, which Vert.x shares among them.
   * Port 0 is resolved to a free port first: Vert.x shares a server by the port it was asked for,
   * so instances that all asked for 0 would each get a different one.
   */
  private static Future<Integer> deployTextListeners(
      Vertx vertx,
      PaywireConfig config,
      ServerIdentity identity,
      Sessions.Shared sessions,
      List<String> deployments,
      List<Endpoint> endpoints,
      AcceptGates gates) {
    PaywireConfig.Text limits = config.text();
    ConnectionGate gate =
        new ConnectionGate(limits.maxConnections(), limits.maxConnectionsPerAddress());
    int port;
    int compatPort;
    try {
      port = gates.freePort(config.node().host(), config.node().tlsPort());
      compatPort =
          config.node().compatPort() < 0
              ? -1
              : gates.freePort(config.node().host(), config.node().compatPort());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    gates.guard("tls", port, gate);
    if (compatPort >= 0) {
      gates.guard("compat", compatPort, gate); // one gate: the caps hold for both together
    }
    ListenerSettings text =
        new ListenerSettings(
            config.node().host(), port, limits, identity, sessions, config.tls().engine());
    Future<String> deployed =
        bound(
                vertx.deployVerticle(
                    () -> new TextListenerVerticle(text),
                    new DeploymentOptions().setInstances(EVENT_LOOPS)),
                "tls (text protocol)",
                config.node().host(),
                port,
                "--tls-port")
            .map(
                id -> {
                  deployments.add(id);
                  endpoints.add(new Endpoint("tls", config.node().host(), port));
                  return id;
                });
    if (compatPort < 0) {
      return deployed.map(id -> port);
    }
    CompatListenerVerticle.Settings compat =
        new CompatListenerVerticle.Settings(
            compatPort,
            text,
            config.compat().maxMessageBytes(),
            config.compat().maxListedUsers(),
            config.compat().partialMessageTimeoutMillis(),
            config.compat().forwardOncePerLogin());
    return deployed
        .compose(
            id ->
                bound(
                    vertx.deployVerticle(
                        () -> new CompatListenerVerticle(compat),
                        new DeploymentOptions().setInstances(EVENT_LOOPS)),
                    "compat (compatibility listener)",
                    config.node().host(),
                    compatPort,
                    "--compat-port"))
        .map(
            id -> {
              deployments.add(id);
              endpoints.add(new Endpoint("compat", config.node().host(), compatPort));
              return port;
            });
  }

  /** A listener's start, whose failure to bind for a taken port names it (net/PortTaken). */
  private static <T> Future<T> bound(
      Future<T> start, String listener, String host, int port, String option) {
    return start.recover(
        e ->
            Future.failedFuture(
                PortTaken.is(e) ? PortTaken.named(listener, host, port, option, e) : e));
  }

  /**
   * The node-wide objects every session shares: login throttle, presence view (following other
   * nodes' presence events), key cache and login challenges.
   */
  private static Sessions.Shared sessionsShared(
      Vertx vertx,
      PaywireConfig config,
      String nodeName,
      SessionEvents events,
      Enrollment enrollment) {
    PresenceView presence = new PresenceView();
    presence.follow(vertx);
    PaywireConfig.Session s = config.session();
    int addresses = s.maxThrottledAddresses();
    Sessions.Limits limits =
        new Sessions.Limits(
            new RateLimiter(
                s.registrationsPerMinute(),
                RATE_WINDOW_MILLIS,
                addresses,
                System::currentTimeMillis),
            new RateLimiter(
                config.http().challengesPerMinute(),
                RATE_WINDOW_MILLIS,
                addresses,
                System::currentTimeMillis),
            new RateLimiter(
                config.http().loginsPerMinute(),
                RATE_WINDOW_MILLIS,
                addresses,
                System::currentTimeMillis));
    RegistrationPolicy registration =
        new RegistrationPolicy(
            enrollment,
            RegistrationPolicy.Deposits.valueOf(s.openingDeposit().toUpperCase(Locale.ROOT)),
            config.ledger().defaultDepositMinor());
    Sessions.Workers workers =
        new Sessions.Workers(
            new WorkerPool("signatures", s.signatureThreads(), s.maxQueuedSignatureChecks()),
            new WorkerPool("registrations", s.registrationThreads(), s.maxQueuedRegistrations()));
    return new Sessions.Shared(
        nodeName,
        config.ledger().requestTimeoutMillis(),
        loginThrottle(config),
        presence,
        new KeyCache(s.maxCachedKeys()),
        new Challenges(
            s.challengeTtlSeconds() * 1000L,
            s.maxOutstandingChallenges(),
            System::currentTimeMillis),
        events,
        registration,
        limits,
        workers);
  }

  /** Failed logins counted per account and address (text.maxFailedLogins*), on the wall clock. */
  static LoginThrottle loginThrottle(PaywireConfig config) {
    return new LoginThrottle(
        config.text().maxFailedLoginsPerMinute(),
        config.text().maxFailedLoginsPerAddressPerMinute(),
        RATE_WINDOW_MILLIS,
        config.session().maxThrottledAddresses(),
        System::currentTimeMillis);
  }

  /** The TLS certificate's SHA-256 fingerprint, for clients to pin. */
  public ServerIdentity identity() {
    return identity;
  }

  /**
   * Renews the generated certificate of {@code certs/} if less than {@code tls.renewBeforeDays} is
   * left, and has every listener serve the new one from its next handshake. Called every {@code
   * tls.renewCheckMinutes}; true if it renewed.
   */
  public Future<Boolean> renewCertificate() {
    if (identity.chainPem() == null) {
      return Future.succeededFuture(false);
    }
    return vertx
        .executeBlocking(() -> ServerIdentity.load(tls))
        .map(
            loaded -> {
              if (loaded.fingerprint().equals(identity.fingerprint())) {
                return false;
              }
              identity = loaded;
              LOG.log(Level.INFO, "event=tls_renewed fingerprint={0}", loaded.fingerprint());
              vertx.eventBus().publish(TlsServerOptions.RENEWED, loaded.chainPem());
              return true;
            });
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * A cluster member's own view ({@code member}, {@code node}, {@code members}, {@code leader},
   * {@code term}, {@code leading}), or null on a single node.
   */
  public JsonObject cluster() {
    return cluster == null ? null : cluster.toJson();
  }

  /** This node's meters (Vert.x's and Paywire's), as {@code GET /metrics} shows them. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /**
   * Stops listeners first, then the ledger (which finishes queued work, syncs and closes the
   * journal), then Vert.x itself.
   */
  public synchronized Future<Void> close() {
    if (closing != null) {
      return closing; // a second signal while stopping must not undeploy twice
    }
    if (renewalTimer >= 0) {
      vertx.cancelTimer(renewalTimer);
    }
    // API logins end first: their accounts go offline while presence is still there.
    Future<Void> undeployed = tokens.endAll().recover(e -> Future.succeededFuture());
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(id));
    }
    closing = undeployed.eventually(vertx::close);
    return closing;
  }

  /**
   * A single node keeps its journal in its data directory; a cluster member (and its backup) in
   * {@code ledger/} below it. A single node started on a member's directory would open an empty
   * ledger beside the real one and take registrations into it: refused, naming the directory to
   * give instead.
   */
  private static Future<Void> refuseMemberLayout(Path dataDirectory) {
    Path memberLedger = dataDirectory.resolve(RaftLedger.LEDGER_DIRECTORY);
    try {
      if (!LedgerDirectories.holdsJournal(dataDirectory)
          && LedgerDirectories.holdsJournal(memberLedger)) {
        return Future.failedFuture(
            new IOException(
                "cannot start a single node on "
                    + dataDirectory
                    + ": its ledger is in "
                    + memberLedger
                    + " (a cluster member's directory or its backup). Start the node with"
                    + " --data-dir "
                    + memberLedger
                    + ", or the member with --cluster"));
      }
      return Future.succeededFuture();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
  }
}
