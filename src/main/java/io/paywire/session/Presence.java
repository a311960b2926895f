package io.paywire.session;

import io.paywire.ledger.AccountName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Comparator;
import java.util.List;

/**
 * Who is online, from where, on which node: one entry per logged-in account in a SharedData async
 * map. On a single node the map is local; on a clustered Vert.x the same calls reach the
 * cluster-wide map, so entry points never need to know which node a user is on.
 *
 * <p>Entries are JsonObjects (cluster-serializable). A session owns its entry through its
 * {@code session} id, so a stale logout never removes someone else's newer login.
 */
public final class Presence {

  public static final String MAP_NAME = "paywire.presence";

  /**
   * @param via the entry point: "tls", "compat", "console" ...
   * @param session unique per connection, so only the owning session removes the entry
   */
  public record Entry(String name, String ip, int port, String node, String via, String session,
      long sinceMillis) {

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("ip", ip).put("port", port).put("node", node)
          .put("via", via).put("session", session).put("sinceMillis", sinceMillis);
    }

    static Entry fromJson(JsonObject json) {
      return new Entry(json.getString("name"), json.getString("ip"), json.getInteger("port"),
          json.getString("node"), json.getString("via"), json.getString("session"),
          json.getLong("sinceMillis"));
    }
  }

  private final Future<AsyncMap<String, JsonObject>> map;

  public Presence(Vertx vertx) {
    this.map = vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  /** Records a login; false if the account is already online somewhere. */
  public Future<Boolean> login(Entry entry) {
    return map.compose(m -> m.putIfAbsent(AccountName.key(entry.name()), entry.toJson()))
        .map(previous -> previous == null);
  }

  /** Removes the account's entry if, and only if, it belongs to {@code session}. */
  public Future<Boolean> logoutSession(String name, String session) {
    String key = AccountName.key(name);
    return map.compose(m -> m.get(key).compose(current -> {
      if (current == null || !session.equals(current.getString("session"))) {
        return Future.succeededFuture(false);
      }
      return m.removeIfPresent(key, current);
    }));
  }

  /** Everyone online, in the order they logged in. */
  public Future<List<Entry>> online() {
    return map.compose(AsyncMap::entries).map(entries -> entries.values().stream()
        .map(Entry::fromJson)
        .sorted(Comparator.comparingLong(Entry::sinceMillis).thenComparing(Entry::name))
        .toList());
  }
}
