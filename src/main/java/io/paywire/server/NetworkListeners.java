package io.paywire.server;

import io.paywire.bus.LedgerAddresses;
import io.paywire.cluster.ClusterJoin;
import io.paywire.config.PaywireConfig;
import io.paywire.net.AcceptGates;
import io.paywire.net.ServerIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;

/**
 * How a network is served to its clients: a listener factory per network kind, supplied by the
 * entry point that speaks it (the Gradecoin HTTPS listener for {@code gradecoin}, the course
 * listener for {@code course}). The node deploys each network's listener after its own listeners
 * and prints its endpoint, {@code endpoint network:<name> <host>:<port>}, before {@code ready}; a
 * kind with no factory still gets its ledger, and no endpoint.
 *
 * <p>The dependency points one way: {@code server/} assembles the node and knows the entry points;
 * an entry point knows nothing of {@code server/}. A factory is added to {@link #BUILT_IN} here.
 */
public final class NetworkListeners {

  /**
   * What a network's listener is given.
   *
   * @param network the network, its {@code port} already resolved (never 0: a free port was picked)
   * @param addresses where the network's ledger is served ({@code bus/LedgerClient} takes them)
   * @param identity the node's TLS identity, as the node's own listeners get it; a renewal is
   *     published on {@code TlsServerOptions.RENEWED}
   * @param tlsEngine {@code tls.engine}: "jdk" or "openssl"
   * @param config the node's whole configuration (limits shared with other listeners)
   * @param gates where the listener registers its connection caps, counted from accept ({@link
   *     AcceptGates#guard})
   * @param node this node's name, as its presence entries record it (in a cluster, its member id)
   * @param joined the cluster this node is a member of, or null on a single node
   */
  public record Serving(
      Vertx vertx,
      PaywireConfig.Network network,
      LedgerAddresses addresses,
      ServerIdentity identity,
      String tlsEngine,
      PaywireConfig config,
      AcceptGates gates,
      String node,
      ClusterJoin.Joined joined) {}

  /** Deploys one network's listener; the future's value is its deployment id. */
  @FunctionalInterface
  public interface Factory {
    Future<String> deploy(Serving serving);
  }

  /** The listeners of this build: gradecoin and course. */
  public static final NetworkListeners BUILT_IN =
      new NetworkListeners(
          Map.of(
              PaywireConfig.Network.Kind.GRADECOIN,
              GradecoinNetworks::deploy,
              PaywireConfig.Network.Kind.COURSE,
              CourseNetworks::deploy));

  private final Map<PaywireConfig.Network.Kind, Factory> factories;

  public NetworkListeners(Map<PaywireConfig.Network.Kind, Factory> factories) {
    this.factories = Map.copyOf(factories);
  }

  /** The factory of {@code kind}'s listener, if this build has one. */
  public Optional<Factory> factory(PaywireConfig.Network.Kind kind) {
    return Optional.ofNullable(factories.get(kind));
  }
}
