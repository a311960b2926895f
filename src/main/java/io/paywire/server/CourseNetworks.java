package io.paywire.server;

import io.paywire.config.PaywireConfig;
import io.paywire.course.CourseDialect;
import io.paywire.course.CourseListenerVerticle;
import io.paywire.net.CommandPipeline;
import io.paywire.net.ConnectionGate;
import io.paywire.net.TokenBucket;
import io.paywire.session.Challenges;
import io.paywire.session.KeyCache;
import io.paywire.session.Presence;
import io.paywire.session.PresenceView;
import io.paywire.session.RateLimiter;
import io.paywire.session.RegistrationPolicy;
import io.paywire.session.SessionEvents;
import io.paywire.session.Sessions;
import io.paywire.session.WorkerPool;
import io.vertx.core.Future;

/**
 * Serves a network of kind {@code course}: a sandbox for the course's phase-1 clients, its own
 * ledger, presence and plain-TCP listener, under the text protocol's limits (docs/dialects.md).
 */
final class CourseNetworks {

  /** Registrations run on one worker thread per network: they are cheap here (no key, no hash). */
  static final int WORKER_THREADS = 1;

  /** Registrations waiting for that worker; beyond, one is refused as busy. */
  static final int MAX_QUEUED_WORK = 256;

  private static final long RATE_WINDOW_MILLIS = 60_000;

  private CourseNetworks() {}

  static Future<String> deploy(NetworkListeners.Serving serving) {
    PaywireConfig.Network network = serving.network();
    PaywireConfig config = serving.config();
    PaywireConfig.Text text = config.text();
    // The text protocol's caps, counted from accept on this listener's own port.
    serving
        .gates()
        .guard(
            "network:" + network.name(),
            network.port(),
            new ConnectionGate(text.maxConnections(), text.maxConnectionsPerAddress()));
    Sessions.Shared shared = shared(network, config, serving.node());
    // The network's presence spans the cluster, as the main ledger's: every member's view follows
    // the others' logins, and the entries of a member that leaves are removed.
    Presence presence = Presence.ofNetwork(serving.vertx(), shared.presence(), network.name());
    Future<Void> following = presence.follow().completion();
    if (serving.joined() != null) {
      following =
          following.compose(
              v ->
                  ClusterPresence.follow(
                      serving.vertx(), serving.joined(), presence, network.name()));
    }
    CourseListenerVerticle.Settings settings =
        new CourseListenerVerticle.Settings(
            network.name(),
            CourseDialect.named(network.dialect()),
            network.greeting(),
            network.host(),
            network.port(),
            vertx -> Sessions.sandbox(vertx, shared, serving.addresses(), network.name()),
            text.maxLineBytes(),
            text.idleTimeoutSeconds(),
            new CommandPipeline.Limits(
                1, text.maxBufferedReplyBytes(), text.writeStallTimeoutSeconds() * 1000L),
            () ->
                new TokenBucket(
                    text.maxCommandsPerSecond(), text.commandBurst(), System.nanoTime()));
    return following.compose(
        v -> serving.vertx().deployVerticle(new CourseListenerVerticle(settings)));
  }

  /**
   * The network's own session objects: its presence in registration order, its opening balance for
   * everyone, entries stamped with this node's name (so a cluster removes them with the member), no
   * enrollment (the main ledger's enrollment file names main-ledger users), and the node's rate
   * settings on counters of its own.
   */
  private static Sessions.Shared shared(
      PaywireConfig.Network network, PaywireConfig config, String node) {
    PaywireConfig.Session s = config.session();
    int addresses = s.maxThrottledAddresses();
    return new Sessions.Shared(
        node,
        config.ledger().requestTimeoutMillis(),
        PaywireNode.loginThrottle(config),
        PresenceView.inRegistrationOrder(),
        new KeyCache(1),
        new Challenges(s.challengeTtlSeconds() * 1000L, 1, System::currentTimeMillis),
        SessionEvents.NONE,
        new RegistrationPolicy(null, RegistrationPolicy.Deposits.FIXED, network.openingBalance()),
        new Sessions.Limits(
            limiter(s.registrationsPerMinute(), addresses),
            limiter(config.http().challengesPerMinute(), addresses),
            limiter(config.http().loginsPerMinute(), addresses)),
        new Sessions.Workers(
            new WorkerPool("course-" + network.name() + "-checks", WORKER_THREADS, 1),
            new WorkerPool("course-" + network.name(), WORKER_THREADS, MAX_QUEUED_WORK)));
  }

  private static RateLimiter limiter(int perMinute, int addresses) {
    return new RateLimiter(perMinute, RATE_WINDOW_MILLIS, addresses, System::currentTimeMillis);
  }
}
