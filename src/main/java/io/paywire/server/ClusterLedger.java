package io.paywire.server;

import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterOptions;
import io.paywire.config.PaywireConfig;
import io.paywire.node.LedgerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Deploys a cluster member's ledger: Raft-replicated, served by the Raft leader. */
final class ClusterLedger {

  private ClusterLedger() {}

  static Future<String> deploy(Vertx vertx, ClusterJoin.Joined joined, ClusterOptions cluster,
      LedgerVerticle.Settings settings, PaywireConfig config, ClusterView view) {
    return Future.failedFuture("the replicated ledger is not wired yet");
  }
}
