package io.paywire.cli;

import io.paywire.cluster.ClusterOptions;
import io.paywire.config.ConfigException;
import io.paywire.config.PaywireConfig;
import io.paywire.server.PaywireNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Starts one node and runs until SIGTERM or SIGINT, then shuts down in order and exits 0. Prints
 * one {@code endpoint} line per listener and then {@code ready} on standard output.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Start a Paywire node on this machine.")
public final class ServerCommand implements Callable<Integer> {

  /** How often a member that is ready looks whether its cluster has a leader yet. */
  private static final long LEADER_POLL_MILLIS = 200;

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      defaultValue = "${env:PAYWIRE_CONF:-conf/paywire.json}",
      description =
          "Configuration file (JSON; missing file: all defaults). Env PAYWIRE_CONF. "
              + "Default: ${DEFAULT-VALUE}")
  Path conf;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:PAYWIRE_DATA_DIR:-./data}",
      description =
          "Directory of the journal and snapshots. Env PAYWIRE_DATA_DIR. "
              + "Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--tls-port",
      paramLabel = "N",
      defaultValue = "${env:PAYWIRE_TLS_PORT}",
      description =
          "TLS text protocol port, 0 for any free port. Env PAYWIRE_TLS_PORT. "
              + "Default: node.tlsPort from the configuration.")
  Integer tlsPort;

  @Option(
      names = "--http-port",
      paramLabel = "N",
      defaultValue = "${env:PAYWIRE_HTTP_PORT}",
      description =
          "HTTP port, 0 for any free port. Env PAYWIRE_HTTP_PORT. "
              + "Default: node.httpPort from the configuration.")
  Integer httpPort;

  @Option(
      names = "--compat-port",
      paramLabel = "N",
      defaultValue = "${env:PAYWIRE_COMPAT_PORT}",
      description =
          "Port of the compatibility listener for the original C++ client, 0 for any "
              + "free port, -1 to turn it off. Env PAYWIRE_COMPAT_PORT. Default: node.compatPort "
              + "from the configuration.")
  Integer compatPort;

  @Option(
      names = "--cluster",
      description =
          "Run as a member of a cluster (docs/cluster.md); without it, a single node "
              + "and nothing of Hazelcast or Raft is started.")
  boolean cluster;

  @Option(
      names = "--cluster-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "With --cluster: this member's address for member traffic (Hazelcast, "
              + "event bus, Raft). Default: ${DEFAULT-VALUE}")
  String clusterHost;

  @Option(
      names = "--cluster-port",
      paramLabel = "N",
      defaultValue = "5701",
      description = "With --cluster: Hazelcast's member port. Default: ${DEFAULT-VALUE}")
  int clusterPort;

  @Option(
      names = "--members",
      paramLabel = "HOST:PORT,...",
      description =
          "With --cluster: every member's Hazelcast address, this one's included; "
              + "they are also the Raft group (at least 3).")
  String members;

  @Option(
      names = "--join",
      description =
          "With --cluster: join a running cluster's Raft group (its leader adds this "
              + "member) instead of founding it; --members lists the running members and this one.")
  boolean join;

  @Option(
      names = "--raft-port",
      paramLabel = "N",
      description = "With --cluster: the Raft port. Default: the cluster port + 1.")
  Integer raftPort;

  @Option(
      names = "--bus-port",
      paramLabel = "N",
      description = "With --cluster: the event bus port. Default: the cluster port + 2.")
  Integer busPort;

  @Option(
      names = "--cluster-keys",
      paramLabel = "DIR",
      defaultValue = "certs/cluster",
      description =
          "With --cluster: the cluster key made by `paywire cluster-keys`. Default: "
              + "${DEFAULT-VALUE}")
  Path clusterKeys;

  @Option(
      names = "--hazelcast-config",
      paramLabel = "FILE",
      description =
          "With --cluster: Hazelcast's configuration. Default: "
              + DEFAULT_HAZELCAST_CONFIG
              + " if the working directory has it, else the one built "
              + "into the jar (the same file).")
  Path hazelcastConfig;

  /** Where a checkout keeps Hazelcast's configuration; the jar carries a copy. */
  static final String DEFAULT_HAZELCAST_CONFIG = "conf/cluster.xml";

  /** The file given, else conf/cluster.xml if present, else null: the jar's own. */
  private Path hazelcastConfigFile() {
    if (hazelcastConfig != null) {
      return hazelcastConfig;
    }
    Path checkout = Path.of(DEFAULT_HAZELCAST_CONFIG);
    return Files.exists(checkout) ? checkout : null;
  }

  @Override
  public Integer call() throws Exception {
    PaywireConfig config;
    ClusterOptions clusterOptions = null;
    try {
      config = PaywireConfig.load(conf).withPorts(tlsPort, httpPort, compatPort);
      if (cluster) {
        if (members == null) {
          throw new IllegalArgumentException("--cluster needs --members");
        }
        clusterOptions =
            new ClusterOptions(
                clusterHost,
                clusterPort,
                raftPort != null ? raftPort : clusterPort + ClusterOptions.RAFT_PORT_OFFSET,
                busPort != null ? busPort : clusterPort + ClusterOptions.BUS_PORT_OFFSET,
                ClusterOptions.parseMembers(members),
                clusterKeys,
                hazelcastConfigFile(),
                join);
      }
    } catch (ConfigException e) {
      System.err.println("paywire: configuration: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      System.err.println("paywire: " + e.getMessage());
      return 2;
    }
    PaywireNode node;
    try {
      node =
          PaywireNode.start(config, dataDir, clusterOptions)
              .toCompletionStage()
              .toCompletableFuture()
              .get();
    } catch (ExecutionException e) {
      System.err.println("paywire: cannot start: " + e.getCause().getMessage());
      if (!(e.getCause() instanceof IOException)) {
        e.getCause().printStackTrace(); // not an operator's mistake: show where it broke
      }
      return 1;
    }
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    SignalHandler stop =
        signal ->
            node.close()
                .onComplete(
                    closed -> {
                      if (closed.failed()) {
                        System.err.println("paywire: shutdown failed: " + closed.cause());
                      }
                      exit.complete(closed.succeeded() ? 0 : 1);
                    });
    Signal.handle(new Signal("TERM"), stop);
    Signal.handle(new Signal("INT"), stop);
    node.endpoints().forEach(System.out::println);
    System.out.println(
        "tls-fingerprint sha256 "
            + node.identity().fingerprint()
            + (node.identity().generated()
                ? " (generated now in " + node.identity().certificate().getParent() + ")"
                : ""));
    if (node.cluster() != null) {
      JsonObject view = node.cluster();
      System.out.println(
          "cluster member "
              + view.getString("member")
              + " address "
              + view.getString("address")
              + " node "
              + view.getString("node")
              + " members "
              + view.getInteger("members"));
    }
    // Ready: every listener accepts. A member may be ready before its cluster has a leader
    // (the first of three started has none until a second joins); it says who leads once it
    // knows, and until then answers requests for the ledger as unknown outcomes.
    System.out.println("ready");
    System.out.flush();
    if (node.cluster() != null) {
      node.vertx()
          .setPeriodic(
              LEADER_POLL_MILLIS,
              timer -> {
                JsonObject view = node.cluster();
                if (view.getValue("leader") != null) {
                  node.vertx().cancelTimer(timer);
                  System.out.println(
                      "cluster member "
                          + view.getString("member")
                          + " leader "
                          + view.getValue("leader")
                          + " term "
                          + view.getLong("term"));
                  System.out.flush();
                }
              });
    }
    int code = exit.get();
    System.out.println("stopped");
    return code;
  }
}
