package io.paywire.server;

import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * A cluster member's own view of its cluster, for {@code /health}, {@code /metrics} and the
 * start-up lines: its Raft id and cluster node id, how many members Hazelcast sees, and, from its
 * Raft server, who leads and in which term.
 */
final class ClusterView {

  private final ClusterJoin.Joined joined;
  private final ClusterOptions options;
  /** This member's Raft state: {@code {"leader": id or null, "term": n, "leading": bool}}. */
  private volatile Supplier<JsonObject> raft = JsonObject::new;

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

  JsonObject toJson() {
    JsonObject raftState = raft.get();
    return new JsonObject().put("member", options.self().raftId())
        .put("node", joined.nodeId()).put("members", members())
        .put("leader", raftState.getValue("leader"))
        .put("term", raftState.getLong("term", 0L))
        .put("leading", raftState.getBoolean("leading", false));
  }
}
