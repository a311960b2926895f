package io.paywire.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import io.paywire.net.PortTaken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.transport.Transport;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Joins a node to its cluster: Hazelcast membership (TCP-IP with the listed members, this member's
 * interface only) and a clustered Vert.x whose event bus runs mutual TLS with the cluster key
 * ({@link ClusterKeys}), presenting it and trusting nothing else. The Raft group is the listed
 * members; each announces its Raft address in the Hazelcast member attribute {@value
 * #RAFT_ATTRIBUTE}.
 */
public final class ClusterJoin {

  /** Member attribute: this member's Raft address, {@code host:port}. */
  public static final String RAFT_ATTRIBUTE = "paywire.raft";

  /** TLS versions of the event bus between members, as on every listener. */
  public static final Set<String> TLS_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");

  /** Hex digits of the cluster certificate's fingerprint appended to the cluster name. */
  static final int CLUSTER_NAME_FINGERPRINT_CHARS = 16;

  /** The jar's Hazelcast configuration: conf/cluster.xml, copied there by the build. */
  static final String BUILT_IN_CONFIG = "io/paywire/cluster/cluster.xml";

  private static final System.Logger LOG = System.getLogger(ClusterJoin.class.getName());

  private ClusterJoin() {}

  /**
   * Hazelcast's configuration: the XML file given, or the jar's ({@value #BUILT_IN_CONFIG}, the
   * checkout's conf/cluster.xml), with this member's port, interface and peers.
   */
  public static Config hazelcastConfig(ClusterOptions options) throws IOException {
    Config config;
    if (options.hazelcastConfig() == null) {
      config = new ClasspathXmlConfig(BUILT_IN_CONFIG);
    } else if (!Files.isReadable(options.hazelcastConfig())) {
      throw new IOException(
          "no Hazelcast configuration at "
              + options.hazelcastConfig()
              + " (--hazelcast-config FILE: a readable Hazelcast XML file, or leave the option out "
              + "for the built-in one)");
    } else {
      config = new FileSystemXmlConfig(options.hazelcastConfig().toFile());
    }
    LOG.log(
        Level.INFO,
        "event=cluster_joining member={0} address={1} hazelcast_config={2}",
        options.self().raftId(),
        options.self(),
        options.hazelcastConfig() == null ? "built-in" : options.hazelcastConfig());
    // Members of another cluster key form another cluster: not a security boundary (Hazelcast's
    // member protocol is unauthenticated in its community edition; the event bus's mutual TLS
    // is the boundary), but no member joins the wrong cluster by mistake.
    config.setClusterName(
        config.getClusterName()
            + "-"
            + ClusterKeys.fingerprint(ClusterKeys.require(options.keys()))
                .substring(0, CLUSTER_NAME_FINGERPRINT_CHARS));
    NetworkConfig network = config.getNetworkConfig();
    network
        .setPort(options.port())
        .setPortAutoIncrement(false)
        .setPublicAddress(options.host() + ":" + options.port());
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(options.host()));
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", options.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setMembers(options.members().stream().map(ClusterOptions.HostPort::toString).toList());
    config
        .getMemberAttributeConfig()
        .setAttribute(RAFT_ATTRIBUTE, options.host() + ":" + options.raftPort());
    return config;
  }

  /** The event bus between members: mutual TLS with the cluster key, on this member's host. */
  public static EventBusOptions eventBus(ClusterOptions options) throws IOException {
    ClusterKeys.KeyFiles keys = ClusterKeys.require(options.keys());
    EventBusOptions bus =
        new EventBusOptions()
            .setHost(options.host())
            .setPort(options.busPort())
            .setClusterPublicHost(options.host())
            .setClusterPublicPort(options.busPort());
    bus.setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setKeyPath(keys.key().toString())
                .setCertPath(keys.certificate().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(keys.certificate().toString()))
        .setClientAuth(ClientAuth.REQUIRED)
        .setTrustAll(false)
        .setEnabledSecureTransportProtocols(TLS_VERSIONS);
    return bus;
  }

  /** A clustered Vert.x for this member, its event bus secured; the manager is returned too. */
  public record Joined(Vertx vertx, HazelcastClusterManager manager) {

    public HazelcastInstance hazelcast() {
      return manager.getHazelcastInstance();
    }

    /**
     * This node's id in the cluster: its Hazelcast member UUID, the id every other member's
     * membership events name when it leaves (Vert.x's own node id is another, random one, kept in a
     * member attribute), so that they can remove the presence entries it owned.
     */
    public String nodeId() {
      return hazelcast().getCluster().getLocalMember().getUuid().toString();
    }
  }

  /** A member on Vert.x's NIO transport, with no accept gates. */
  public static Future<Joined> start(
      VertxOptions base, VertxMetricsFactory metrics, ClusterOptions options) {
    return start(base, metrics, Transport.NIO, options);
  }

  /**
   * @param transport the node's transport (its listeners' accept gates)
   */
  public static Future<Joined> start(
      VertxOptions base, VertxMetricsFactory metrics, Transport transport, ClusterOptions options) {
    HazelcastClusterManager manager;
    VertxOptions vertxOptions;
    try {
      manager = new HazelcastClusterManager(hazelcastConfig(options));
      vertxOptions = new VertxOptions(base).setEventBusOptions(eventBus(options));
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return Vertx.builder()
        .with(vertxOptions)
        .withMetrics(metrics)
        .withTransport(transport)
        .withClusterManager(manager)
        .buildClustered()
        .map(vertx -> new Joined(vertx, manager))
        .recover(e -> Future.failedFuture(portTaken(e, options)));
  }

  /**
   * A start that failed because a member port is taken, named (net/PortTaken): Hazelcast's member
   * port, or else the event bus's. Any other failure as is.
   */
  private static Throwable portTaken(Throwable failure, ClusterOptions options) {
    if (!PortTaken.is(failure)) {
      return failure;
    }
    boolean hazelcast = false;
    for (Throwable cause = failure;
        cause != null && cause.getCause() != cause;
        cause = cause.getCause()) {
      hazelcast |= cause instanceof HazelcastException;
    }
    return hazelcast
        ? PortTaken.named(
            "hazelcast (cluster membership)",
            options.host(),
            options.port(),
            "--cluster-port",
            failure)
        : PortTaken.named(
            "bus (event bus between members)",
            options.host(),
            options.busPort(),
            "--bus-port",
            failure);
  }

  /**
   * The Raft group: the listed members, each at the Raft address its Hazelcast member attribute
   * announces, or (a member not up yet) at its listed host and port + 1.
   */
  public static List<RaftLedger.Member> raftGroup(
      HazelcastInstance hazelcast, ClusterOptions options) {
    List<RaftLedger.Member> group = new ArrayList<>();
    for (ClusterOptions.HostPort listed : options.members()) {
      String announced = null;
      for (Member member : hazelcast.getCluster().getMembers()) {
        if (member.getAddress().getPort() == listed.port()
            && member.getAddress().getHost().equalsIgnoreCase(listed.host())) {
          announced = member.getAttribute(RAFT_ATTRIBUTE);
        }
      }
      if (listed.equals(options.self())) {
        announced = options.host() + ":" + options.raftPort();
      }
      ClusterOptions.HostPort raft =
          announced != null
              ? ClusterOptions.HostPort.parse(announced)
              : new ClusterOptions.HostPort(
                  listed.host(), listed.port() + ClusterOptions.RAFT_PORT_OFFSET);
      group.add(new RaftLedger.Member(listed.raftId(), raft.host(), raft.port()));
    }
    return group;
  }
}
