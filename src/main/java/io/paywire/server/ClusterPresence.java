package io.paywire.server;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterOptions;
import io.paywire.session.Presence;
import io.paywire.session.PresenceView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Presence across a cluster: the map of who is online is Hazelcast's (through Vert.x's shared
 * data), so every member sees every login; a member that joins copies it into its view; and when a
 * member leaves (stopped, killed, cut off), the others remove the entries it owned, so its users
 * leave every list within Hazelcast's failure-detection time (conf/cluster.xml).
 */
final class ClusterPresence {

  private static final System.Logger LOG = System.getLogger(ClusterPresence.class.getName());

  private ClusterPresence() {}

  /** The main ledger's presence. */
  static Future<Void> follow(Vertx vertx, ClusterJoin.Joined joined, PresenceView view) {
    return follow(vertx, joined, new Presence(vertx, view), null);
  }

  /**
   * One presence: the main ledger's ({@code network} null) or a network's ({@link
   * Presence#ofNetwork}), whose view already follows the others' events ({@link Presence#follow}).
   */
  static Future<Void> follow(
      Vertx vertx, ClusterJoin.Joined joined, Presence presence, String network) {
    PresenceView view = presence.view();
    joined
        .hazelcast()
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                // A new member's users arrive with their own presence events.
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                Member left = event.getMember();
                String node = left.getUuid().toString();
                // The identity its own start-up line printed: Raft id, member address, node id.
                ClusterOptions.HostPort address =
                    new ClusterOptions.HostPort(
                        left.getAddress().getHost(), left.getAddress().getPort());
                vertx.runOnContext(
                    v ->
                        presence
                            .removeNode(node)
                            .onComplete(
                                done -> {
                                  Object removed =
                                      done.succeeded() ? done.result() : "failed: " + done.cause();
                                  if (network == null) {
                                    LOG.log(
                                        Level.INFO,
                                        "event=member_left member={0} address={1} node={2} presence_removed={3}",
                                        address.raftId(),
                                        address,
                                        node,
                                        removed);
                                  } else {
                                    LOG.log(
                                        Level.INFO,
                                        "event=member_left_network network={0} member={1} node={2} presence_removed={3}",
                                        network,
                                        address.raftId(),
                                        node,
                                        removed);
                                  }
                                }));
              }
            });
    return presence
        .load()
        .compose(
            loaded -> {
              // Entries of members gone while this one was away: nobody else may be left to remove
              // them.
              Set<String> members =
                  joined.hazelcast().getCluster().getMembers().stream()
                      .map(Member::getUuid)
                      .map(Object::toString)
                      .collect(Collectors.toSet());
              Set<String> owners =
                  view.page(0, Integer.MAX_VALUE).stream()
                      .map(Presence.Entry::node)
                      .collect(Collectors.toSet());
              owners.removeAll(members);
              return Future.all(owners.stream().map(presence::removeNode).toList())
                  .<Void>mapEmpty();
            });
  }
}
