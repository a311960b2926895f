package io.paywire.session;

import io.paywire.ledger.AccountName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;

/**
 * Who is online, from where, on which node: one entry per logged-in account.
 *
 * <p>The SharedData async map {@value #MAP_NAME} decides who holds an account's presence ({@code
 * putIfAbsent}): on a single node it is local, on a clustered Vert.x the same calls reach the
 * cluster-wide map. Every change is also published on {@link #EVENTS} and kept in the node's {@link
 * PresenceView}, from which lists are read in pages: a login or a {@code LIST} costs the page it
 * shows, not the number of users online.
 *
 * <p>A session owns its entry through its {@code session} id, so a stale logout never removes
 * someone else's newer login; the entry names its node, so a node's entries can be removed when it
 * leaves a cluster.
 */
public final class Presence {

  public static final String MAP_NAME = "paywire.presence";

  /**
   * Published on every change: {@code {"op": "online"|"offline", "entry": {...}, "by": <the
   * publishing node's view>}}.
   */
  public static final String EVENTS = "paywire.presence.events";

  /**
   * @param via the entry point: "tls", "compat", "http", "console", "course"
   * @param session unique per session, so only the owning session removes the entry
   * @param account the account's number in its ledger (its registration order), or 0 if unknown
   */
  public record Entry(
      String name,
      String ip,
      int port,
      String node,
      String via,
      String session,
      long sinceMillis,
      long account) {

    /** An entry whose account number is not known (0). */
    public Entry(
        String name, String ip, int port, String node, String via, String session, long since) {
      this(name, ip, port, node, via, session, since, 0);
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("name", name)
          .put("ip", ip)
          .put("port", port)
          .put("node", node)
          .put("via", via)
          .put("session", session)
          .put("sinceMillis", sinceMillis)
          .put("account", account);
    }

    public static Entry fromJson(JsonObject json) {
      return new Entry(
          json.getString("name"),
          json.getString("ip"),
          json.getInteger("port"),
          json.getString("node"),
          json.getString("via"),
          json.getString("session"),
          json.getLong("sinceMillis"),
          json.getLong("account", 0L));
    }
  }

  private final Vertx vertx;
  private final PresenceView view;
  private final Future<AsyncMap<String, JsonObject>> map;
  private final String events;

  public Presence(Vertx vertx, PresenceView view) {
    this(vertx, view, MAP_NAME, EVENTS);
  }

  private Presence(Vertx vertx, PresenceView view, String mapName, String events) {
    this.vertx = vertx;
    this.view = view;
    this.map = vertx.sharedData().getAsyncMap(mapName);
    this.events = events;
  }

  /**
   * The presence of a network, apart from the main ledger's and every other network's: the same
   * name may be online in each ({@value #MAP_NAME}{@code .network.<name>}, events likewise).
   */
  public static Presence ofNetwork(Vertx vertx, PresenceView view, String network) {
    String scope = ".network." + network;
    return new Presence(vertx, view, MAP_NAME + scope, EVENTS + scope);
  }

  /**
   * Keeps the view current with other nodes' logins and logouts (this node's own are in it at
   * once): one consumer per node and presence, for as long as the node runs.
   */
  public MessageConsumer<JsonObject> follow() {
    return view.follow(vertx, events);
  }

  /** Records a login; false if the account is already online somewhere. */
  public Future<Boolean> login(Entry entry) {
    return map.compose(m -> m.putIfAbsent(AccountName.key(entry.name()), entry.toJson()))
        .map(
            previous -> {
              if (previous != null) {
                return false;
              }
              view.add(entry);
              publish("online", entry);
              return true;
            });
  }

  /** Removes the account's entry if, and only if, it belongs to {@code session}. */
  public Future<Boolean> logoutSession(String name, String session) {
    String key = AccountName.key(name);
    return map.compose(
        m ->
            m.get(key)
                .compose(
                    current -> {
                      if (current == null || !session.equals(current.getString("session"))) {
                        return Future.succeededFuture(false);
                      }
                      return m.removeIfPresent(key, current)
                          .map(
                              removed -> {
                                if (removed) {
                                  Entry entry = Entry.fromJson(current);
                                  view.remove(entry);
                                  publish("offline", entry);
                                }
                                return removed;
                              });
                    }));
  }

  /** The account's entry, wherever it logged in, or null when it is not online. */
  public Future<Entry> entry(String name) {
    return map.compose(m -> m.get(AccountName.key(name)))
        .map(json -> json == null ? null : Entry.fromJson(json));
  }

  /**
   * Copies every entry of the map into the view: a node joining a cluster learns who is online on
   * the others (after it follows their events, so nothing between is missed).
   */
  public Future<Integer> load() {
    return map.compose(AsyncMap::entries)
        .map(
            entries -> {
              entries.values().forEach(json -> view.add(Entry.fromJson(json)));
              return entries.size();
            });
  }

  /**
   * Removes every entry a node owned, when that node left the cluster (its users left with it),
   * publishing each as offline. Every surviving node may call this for the same node: each entry is
   * removed, and published, once.
   *
   * @return how many entries this call removed
   */
  public Future<Integer> removeNode(String node) {
    return map.compose(
        m ->
            m.entries()
                .compose(
                    entries -> {
                      List<Future<Boolean>> removals =
                          entries.entrySet().stream()
                              .filter(e -> node.equals(e.getValue().getString("node")))
                              .map(
                                  e ->
                                      m.removeIfPresent(e.getKey(), e.getValue())
                                          .map(
                                              removed -> {
                                                Entry entry = Entry.fromJson(e.getValue());
                                                view.remove(entry);
                                                if (removed) {
                                                  publish("offline", entry);
                                                }
                                                return removed;
                                              }))
                              .toList();
                      return Future.all(removals)
                          .map(
                              all ->
                                  (int)
                                      removals.stream()
                                          .filter(f -> Boolean.TRUE.equals(f.result()))
                                          .count());
                    }));
  }

  /** Everyone online, in the order they logged in (tests and small lists only). */
  public Future<List<Entry>> online() {
    return Future.succeededFuture(view.page(0, Integer.MAX_VALUE));
  }

  public PresenceView view() {
    return view;
  }

  private void publish(String op, Entry entry) {
    vertx
        .eventBus()
        .publish(
            events,
            new JsonObject()
                .put("op", op)
                .put("entry", entry.toJson())
                .put(PresenceView.PUBLISHED_BY, view.origin()));
  }
}
