package io.paywire.session;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The node's ordered copy of who is online, shared by every session of the node: kept current by
 * this node's own logins and logouts at once, and by the {@link Presence#EVENTS} of other nodes. A
 * page costs its offset plus its length; the count costs nothing. Thread-safe.
 */
public final class PresenceView {

  private static final Comparator<Presence.Entry> LOGIN_ORDER =
      Comparator.comparingLong(Presence.Entry::sinceMillis)
          .thenComparing(Presence.Entry::name)
          .thenComparing(Presence.Entry::session);

  /** Registration order (the account's number), as the course's TA server lists its users. */
  private static final Comparator<Presence.Entry> REGISTRATION_ORDER =
      Comparator.comparingLong(Presence.Entry::account).thenComparing(LOGIN_ORDER);

  private final ConcurrentSkipListSet<Presence.Entry> ordered;

  /** In login order. */
  public PresenceView() {
    this(LOGIN_ORDER);
  }

  private PresenceView(Comparator<Presence.Entry> order) {
    this.ordered = new ConcurrentSkipListSet<>(order);
  }

  /** A view whose pages list accounts in the order they registered (a course network's). */
  public static PresenceView inRegistrationOrder() {
    return new PresenceView(REGISTRATION_ORDER);
  }

  /** By session id, so a repeated event changes nothing. */
  private final Map<String, Presence.Entry> bySession = new ConcurrentHashMap<>();

  void add(Presence.Entry entry) {
    if (bySession.putIfAbsent(entry.session(), entry) == null) {
      ordered.add(entry);
    }
  }

  void remove(Presence.Entry entry) {
    Presence.Entry known = bySession.remove(entry.session());
    if (known != null) {
      ordered.remove(known);
    }
  }

  public int count() {
    return bySession.size();
  }

  /** At most {@code limit} entries from {@code offset}, in the view's order. */
  public List<Presence.Entry> page(int offset, int limit) {
    List<Presence.Entry> page = new ArrayList<>(Math.min(limit, 128));
    Iterator<Presence.Entry> it = ordered.iterator();
    for (int skipped = 0; skipped < offset && it.hasNext(); skipped++) {
      it.next();
    }
    while (page.size() < limit && it.hasNext()) {
      page.add(it.next());
    }
    return page;
  }

  /**
   * Follows other nodes' changes; one consumer per node. This node's own events are skipped: its
   * logins and logouts are in the view already, and replaying an "online" event that arrives after
   * the logout it preceded would show a user who has left.
   */
  public MessageConsumer<JsonObject> follow(Vertx vertx, String ownNode) {
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            Presence.EVENTS,
            message -> {
              JsonObject body = message.body();
              Presence.Entry entry = Presence.Entry.fromJson(body.getJsonObject("entry"));
              if (ownNode.equals(entry.node())) {
                return;
              }
              if ("online".equals(body.getString("op"))) {
                add(entry);
              } else {
                remove(entry);
              }
            });
  }
}
