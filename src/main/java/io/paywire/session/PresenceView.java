package io.paywire.session;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

  /** The key of a presence event that names the view whose node published it. */
  static final String PUBLISHED_BY = "by";

  private final ConcurrentSkipListSet<Presence.Entry> ordered;

  /** Names this view, so it knows the events its own node published. */
  private final String origin = UUID.randomUUID().toString();

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

  /** What this node's events carry under {@link #PUBLISHED_BY}. */
  String origin() {
    return origin;
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
   * Follows other nodes' changes; one consumer per node. The events this node published itself are
   * skipped, whoever's entry they carry: its own changes are in the view already, and replaying an
   * "online" event that arrives after the logout it preceded would show a user who has left. An
   * event another node published is applied even when the entry is this node's: a login on another
   * member that replaces one here removes this node's entry.
   */
  public MessageConsumer<JsonObject> follow(Vertx vertx) {
    return follow(vertx, Presence.EVENTS);
  }

  /** As {@link #follow(Vertx)}, the events of one presence ({@link Presence#follow}). */
  MessageConsumer<JsonObject> follow(Vertx vertx, String events) {
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            events,
            message -> {
              JsonObject body = message.body();
              Presence.Entry entry = Presence.Entry.fromJson(body.getJsonObject("entry"));
              if (origin.equals(body.getString(PUBLISHED_BY))) {
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
