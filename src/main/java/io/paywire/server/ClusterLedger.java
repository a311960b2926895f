package io.paywire.server;

import io.paywire.bus.BatchObserver;
import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterKeys;
import io.paywire.cluster.ClusterOptions;
import io.paywire.cluster.RaftLedger;
import io.paywire.cluster.RaftLedgerVerticle;
import io.paywire.cluster.RaftSettings;
import io.paywire.config.PaywireConfig;
import io.paywire.node.LedgerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Deploys a cluster member's ledgers: the main one and each network's, each Raft-replicated in a
 * group of its own on the member's one Raft server, its addresses served by that group's leader.
 * The group is the listed members, at the Raft addresses Hazelcast's member attributes announce;
 * their Raft traffic runs mutual TLS with the cluster key, as the event bus does.
 */
final class ClusterLedger {

  private ClusterLedger() {}

  static Future<String> deploy(
      Vertx vertx,
      ClusterJoin.Joined joined,
      ClusterOptions cluster,
      LedgerVerticle.Settings settings,
      PaywireConfig config,
      ClusterView view,
      BatchObserver observer) {
    List<RaftLedger.Member> group = ClusterJoin.raftGroup(joined.hazelcast(), cluster);
    RaftLedger.Member self =
        group.stream()
            .filter(m -> m.id().equals(cluster.self().raftId()))
            .findFirst()
            .orElseThrow();
    long proposalTimeout =
        RaftLedgerVerticle.Settings.proposalTimeoutFor(config.ledger().requestTimeoutMillis());
    // Raft runs mutual TLS with the cluster key, as the event bus does: never in plaintext.
    ClusterKeys.KeyFiles keys;
    try {
      keys = ClusterKeys.require(cluster.keys());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    RaftLedgerVerticle verticle =
        new RaftLedgerVerticle(
            new RaftLedgerVerticle.Settings(
                settings.dataDirectory(),
                settings.options(),
                settings.defaultDepositMinor(),
                settings.maxPendingRequests(),
                self,
                group,
                raftSettings(config.cluster()),
                proposalTimeout,
                RaftLedgerVerticle.Settings.DEFAULT_LEADERSHIP_CHECK_MILLIS,
                keys,
                cluster.join(),
                networks(config, settings.dataDirectory())),
            Clock.systemUTC(),
            observer);
    view.raft(verticle::raftState);
    return vertx.deployVerticle(verticle);
  }

  /**
   * Each configured network as one more Raft group of the member, its ledger in {@code
   * <data>/networks/<name>/ledger} (a member's layout, as the main ledger's {@code <data>/ledger}).
   */
  static List<RaftLedgerVerticle.Network> networks(PaywireConfig config, Path dataDirectory) {
    return config.networks().stream()
        .map(
            network ->
                new RaftLedgerVerticle.Network(
                    network.name(),
                    NetworkLedgers.directory(dataDirectory, network),
                    NetworkLedgers.options(network, config.ledger().options()),
                    NetworkLedgers.defaultDepositMinor(network, config.ledger())))
        .toList();
  }

  /** The configured settings over Ratis-level defaults an operator has no reason to change. */
  static RaftSettings raftSettings(PaywireConfig.Cluster cluster) {
    RaftSettings d = RaftSettings.DEFAULTS;
    return new RaftSettings(
        Duration.ofMillis(cluster.electionTimeoutMinMillis()),
        Duration.ofMillis(cluster.electionTimeoutMaxMillis()),
        Duration.ofMillis(cluster.raftRequestTimeoutMillis()),
        cluster.raftRequestAttempts(),
        d.retrySleep(),
        cluster.snapshotEveryEntries(),
        cluster.logSegmentBytes(),
        d.logPurgeGapEntries(),
        d.snapshotOnStop(),
        cluster.maxEntriesInFlight());
  }
}
