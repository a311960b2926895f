package io.paywire.server;

import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterOptions;
import io.paywire.cluster.RaftState;
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
  private volatile Supplier<RaftState> raft = () -> RaftState.NONE;

  private final RecentValue<View> gaugeView =
      new RecentValue<>(this::view, GAUGE_VIEW_NANOS, System::nanoTime);

  /**
   * The view at one moment: this member's identity (Raft id, member address, Hazelcast node id),
   * the members Hazelcast sees, its Raft state.
   */
  record View(String member, String address, String node, int members, RaftState raft) {
    JsonObject toJson() {
      return new JsonObject()
          .put("member", member)
          .put("address", address)
          .put("node", node)
          .put("members", members)
          .put("leader", raft.leader())
          .put("term", raft.term())
          .put("leading", raft.leading())
          .put("groupSize", raft.groupSize())
          .put("voting", raft.voting())
          .put("appliedIndex", raft.appliedIndex())
          .put("batches", raft.batches())
          .put("head", raft.head());
    }
  }

  ClusterView(ClusterJoin.Joined joined, ClusterOptions options) {
    this.joined = joined;
    this.options = options;
  }

  void raft(Supplier<RaftState> raft) {
    this.raft = raft;
  }

  int members() {
    return joined.hazelcast().getLifecycleService().isRunning()
        ? joined.hazelcast().getCluster().getMembers().size()
        : 0;
  }

  /**
   * The view for the metrics' gauges: {@link #toJson}, taken again at most once per {@link
   * #GAUGE_VIEW_NANOS}. Shared between readers; not to be modified.
   */
  View gaugeView() {
    return gaugeView.get();
  }

  /** The view as it is now. */
  View view() {
    return new View(
        options.self().raftId(), options.self().toString(), joined.nodeId(), members(), raft.get());
  }

  /**
   * The view as it is now, as {@code /health}'s {@code cluster} check and the start-up lines show
   * it.
   */
  JsonObject toJson() {
    return view().toJson();
  }
}
