package io.paywire.server;

import io.paywire.bus.LedgerClient;
import io.paywire.config.PaywireConfig;
import io.paywire.crypto.LocalCertificates;
import io.paywire.crypto.Pem;
import io.paywire.gradecoin.GradecoinConfig;
import io.paywire.gradecoin.StudentList;
import io.paywire.http.GradecoinVerticle;
import io.paywire.net.ConnectionGate;
import io.paywire.net.TlsServerOptions;
import io.paywire.session.GradecoinBusLedger;
import io.paywire.session.GradecoinLedger;
import io.paywire.session.GradecoinSessions;
import io.paywire.session.RateLimiter;
import io.paywire.session.WorkerPool;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves a network of kind {@code gradecoin}: loads its Gradecoin files (config.yaml, students.csv)
 * and its RSA key, opens its bots' accounts, and deploys its HTTPS listener over the session core.
 * docs/gradecoin.md.
 */
final class GradecoinNetworks {

  private static final System.Logger LOG = System.getLogger(GradecoinNetworks.class.getName());

  /** Worker threads per network for registrations (RSA, Argon2) and JWT checks. */
  static final int WORKER_THREADS = 2;

  /** Requests waiting for those workers; beyond, a request is answered 503 at once. */
  static final int MAX_QUEUED_WORK = 256;

  /** Entries one ledger read returns (the ledger's own bound on a page). */
  static final int PAGE_SIZE = 1_000;

  /** A cluster member retries opening the bots this long after a failed attempt. */
  static final long BOT_RETRY_MILLIS = 1_000;

  private GradecoinNetworks() {}

  /** The network's files and key, loaded off the event loop. */
  private record Loaded(GradecoinConfig config, StudentList students, KeyPair keys) {}

  static Future<String> deploy(NetworkListeners.Serving serving) {
    Vertx vertx = serving.vertx();
    PaywireConfig.Network network = serving.network();
    PaywireConfig config = serving.config();
    // The same caps as the HTTPS API's, counted from accept on this listener's own port.
    serving
        .gates()
        .guard(
            "network:" + network.name(),
            network.port(),
            new ConnectionGate(
                config.http().maxConnections(), config.http().maxConnectionsPerAddress()));
    return vertx
        .executeBlocking(
            () ->
                new Loaded(
                    GradecoinConfig.load(network.gradecoinConfig()),
                    StudentList.load(network.students()),
                    LocalCertificates.gradecoinKeys(
                        Path.of(config.tls().certsDirectory()), network.name())),
            false)
        .compose(
            loaded -> {
              GradecoinLedger ledger =
                  new GradecoinBusLedger(
                      new LedgerClient(
                          vertx.eventBus(),
                          serving.addresses(),
                          config.ledger().requestTimeoutMillis()),
                      PAGE_SIZE);
              // A cluster member may start before its network's group has a leader (a majority of
              // members up): it serves at once and opens the bots as soon as the group can.
              Future<Void> bots;
              if (vertx.isClustered()) {
                openBotsUntilDone(vertx, ledger, network.name(), loaded.config());
                bots = Future.succeededFuture();
              } else {
                bots = openBots(ledger, network.name(), loaded.config());
              }
              return bots.compose(
                  unused -> {
                    GradecoinSessions sessions =
                        new GradecoinSessions(
                            vertx,
                            network.name(),
                            loaded.config(),
                            loaded.students(),
                            loaded.keys().getPrivate(),
                            ledger,
                            new WorkerPool(
                                "gradecoin-" + network.name(), WORKER_THREADS, MAX_QUEUED_WORK),
                            GradecoinSessions.Limits.of(network.maxTokenLifetimeSeconds()),
                            new RateLimiter(
                                config.session().registrationsPerMinute(),
                                60_000,
                                config.session().maxThrottledAddresses(),
                                System::currentTimeMillis),
                            Clock.systemUTC());
                    GradecoinVerticle.Settings listener =
                        new GradecoinVerticle.Settings(
                            network.name(),
                            network.host(),
                            network.port(),
                            serving.identity(),
                            TlsServerOptions.engine(serving.tlsEngine()),
                            config.text().handshakeTimeoutSeconds(),
                            config.http().idleTimeoutSeconds(),
                            sessions,
                            Pem.toPem(loaded.keys().getPublic()));
                    // One instance per event loop, as the HTTPS API: TLS and HTTP spread.
                    return vertx.deployVerticle(
                        () -> new GradecoinVerticle(listener),
                        new DeploymentOptions().setInstances(PaywireNode.EVENT_LOOPS));
                  });
            });
  }

  /**
   * {@link #openBots Opens the bots}, again every {@link #BOT_RETRY_MILLIS} until it succeeds (the
   * group has no leader yet, or a takeover left an outcome unknown: the bots' ids are fixed, so a
   * retry applies each at most once), and until the node closes.
   */
  private static void openBotsUntilDone(
      Vertx vertx, GradecoinLedger ledger, String network, GradecoinConfig config) {
    openBots(ledger, network, config)
        .onFailure(
            e -> {
              LOG.log(
                  Level.INFO,
                  "event=gradecoin_bots_pending network={0} error={1}",
                  network,
                  e.getMessage());
              vertx.setTimer(
                  BOT_RETRY_MILLIS, t -> openBotsUntilDone(vertx, ledger, network, config));
            });
  }

  /**
   * Opens each bot of config.yaml once, with its starting balance from the network's issuer. A bot
   * already open is left as it is (its id is the hash of its name); a bot whose starting balance
   * changed since is logged, not changed.
   */
  private static Future<Void> openBots(
      GradecoinLedger ledger, String network, GradecoinConfig config) {
    List<Future<?>> opened = new ArrayList<>();
    for (Map.Entry<String, Long> bot : config.bots().entrySet()) {
      opened.add(
          ledger
              .register(
                  GradecoinSessions.ledgerId(network, "bot", bot.getKey()),
                  bot.getKey(),
                  new byte[0],
                  bot.getValue())
              .compose(
                  written -> {
                    if (written instanceof GradecoinLedger.Refused refused) {
                      LOG.log(
                          Level.WARNING,
                          "event=gradecoin_bot_not_opened network={0} bot={1} code={2}",
                          network,
                          bot.getKey(),
                          refused.code());
                      return Future.succeededFuture();
                    }
                    if (written instanceof GradecoinLedger.Applied) {
                      return Future.succeededFuture();
                    }
                    return Future.failedFuture(
                        "cannot open the bot "
                            + bot.getKey()
                            + " of network "
                            + network
                            + ": "
                            + written);
                  }));
    }
    return Future.all(opened).mapEmpty();
  }
}
