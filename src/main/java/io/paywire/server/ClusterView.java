package io.paywire.server;

import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A cluster member's own view of its cluster, for {@code /health}, {@code /metrics} and the
 * start-up lines: its Raft id and cluster node id, how many members Hazelcast sees, and, from its
 * Raft server, who leads and in which term.
 */
final class ClusterView {

  /**
   * How long one view serves the {@code /metrics} gauges: the gauges of a scrape are read within
   * milliseconds of each other, so they share one view; the next scrape takes a new one.
   */
  static final long GAUGE_VIEW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ClusterJoin.Joined joined;
  private final ClusterOptions options;
  /** This member's Raft state ({@code RaftLedgerVerticle.raftState()}). */
  private volatile Supplier<JsonObject> raft = JsonObject::new;
  private final RecentValue<JsonObject> gaugeView =
      new RecentValue<>(this::toJson, GAUGE_VIEW_NANOS, System::nanoTime);

  ClusterView(ClusterJoin.Joined joined, ClusterOptions options) {
    this.joined = joined;
    this.options = options;
  }

  void raft(Supplier<JsonObject> raft) {
    this.raft = raft;
  }

  int members() {
    return joined.hazelcast().getLifecycleService().isRunning()
        ? joined.hazelcast().getCluster().getMembers().size() : 0;
  }

  /**
   * The view for the metrics' gauges: {@link #toJson}, taken again at most once per
   * {@link #GAUGE_VIEW_NANOS}. Shared between readers; not to be modified.
   */
  JsonObject gaugeView() {
    return gaugeView.get();
  }

  /** The view as it is now ({@code /health}'s {@code cluster} check, the start-up lines). */
  JsonObject toJson() {
    JsonObject raftState = raft.get();
    return new JsonObject().put("member", options.self().raftId())
        .put("node", joined.nodeId()).put("members", members())
        .put("leader", raftState.getValue("leader"))
        .put("term", raftState.getLong("term", 0L))
        .put("leading", raftState.getBoolean("leading", false))
        .put("groupSize", raftState.getInteger("groupSize", 0))
        .put("voting", raftState.getBoolean("voting", false))
        .put("appliedIndex", raftState.getLong("appliedIndex", 0L))
        .put("batches", raftState.getLong("batches", 0L))
        .put("head", raftState.getString("head"));
  }
}
