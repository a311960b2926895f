package io.paywire.http;

import io.paywire.crypto.Pem;
import io.paywire.session.Presence;
import io.paywire.session.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The API's session tokens: JWTs signed by the node's own ES256 key (Vert.x Auth JWT), audience
 * {@value #AUDIENCE}, with a unique {@code jti} and a lifetime of at most {@value
 * #MAX_LIFETIME_SECONDS} seconds.
 *
 * <p>A token is accepted only while its login is live here: it verifies, carries {@code exp}
 * (Vert.x checks {@code exp} only when present, so its absence is refused here), names this
 * audience, and its {@code jti} is in the live table. Logout and expiry remove the entry, take the
 * account offline and make the token worthless, whatever its {@code exp} says. A login whose
 * presence entry is removed by anyone else (a newer API login of the account on any node of a
 * cluster, which publishes the removal on {@link Presence#EVENTS}) ends too. Thread-safe; one per
 * node. Each login's session stays on the Vert.x context that made it.
 *
 * <p>Expiry and grace are read from the injected {@link Clock}: a timer ends a login when its time
 * comes, and a token presented after that time on the clock ends it then, whichever is first. So a
 * test that moves the clock sees logins end without waiting.
 */
public final class SessionTokens {

  public static final String AUDIENCE = "paywire";
  public static final String ALGORITHM = "ES256";

  /** The issue's bound on a session token's lifetime. */
  public static final int MAX_LIFETIME_SECONDS = 900;

  /**
   * When a login ends, a message {@code {"jti", "name", "reason"}} is published on {@code ENDED +
   * "." + jti} ({@link #endedAddress}): one address per login, so whoever follows a login (a
   * live-channel socket) hears its end only. {@code reason} is one of {@link #LOGOUT}, {@link
   * #EXPIRED}, {@link #REPLACED}, {@link #DISCONNECTED}, {@link #STOPPING}. Node-local, as the
   * logins are.
   */
  public static final String ENDED = "paywire.sessions.ended";

  public static final String LOGOUT = "logout";
  public static final String EXPIRED = "expired";
  public static final String STOPPING = "stopping";

  /** A newer API login of the same account, proven by its key, took this one's place. */
  public static final String REPLACED = "replaced";

  /** The login followed the live channel, and its last socket closed and none came back. */
  public static final String DISCONNECTED = "disconnected";

  /** A live login: the account, its session-core session and the context that owns it. */
  public record Login(
      String jti, String name, Session session, Context owner, long expiresAtSeconds) {

    /** Runs a call on the context that owns this login's session, answering on {@code here}. */
    public <T> Future<T> onOwner(Context here, Supplier<Future<T>> call) {
      Promise<T> answered = Promise.promise();
      owner.runOnContext(
          v -> call.get().onComplete(done -> here.runOnContext(w -> answered.handle(done))));
      return answered.future();
    }
  }

  /** Where the end of the login {@code jti} is published. */
  public static String endedAddress(String jti) {
    return ENDED + "." + jti;
  }

  private final Vertx vertx;
  private final JWTAuth auth;
  private final int lifetimeSeconds;
  private final int maxLive;
  private final int graceSeconds;
  private final Clock clock;

  // One discipline for the login state: the four maps below are plain maps guarded by this
  // object's lock, and every read or change of them holds it. Nothing slow runs under it (setting
  // or cancelling a timer at most); ending a login's session and publishing its end happen after
  // the lock is released.
  /** The live logins by {@code jti}. */
  private final Map<String, Login> live = new HashMap<>();

  /** Each live login's expiry timer. */
  private final Map<String, Long> timers = new HashMap<>();

  /** Live-channel sockets following each login. */
  private final Map<String, Integer> sockets = new HashMap<>();

  /** Logins whose last socket closed, waiting for one to come back. */
  private final Map<String, Long> graceTimers = new HashMap<>();

  /** When, on {@link #clock}, each of those logins ends unless a socket comes back. */
  private final Map<String, Long> graceEndsMillis = new HashMap<>();

  /** The live logins' {@code jti} by the presence owner ({@link Session#id()}) of their session. */
  private final Map<String, String> byPresenceOwner = new HashMap<>();

  /**
   * @param keys the node's token key pair (EC P-256); required: Vert.x's JWTAuth without a key
   *     would accept unsigned tokens
   * @param graceSeconds how long a login outlives its last live-channel socket
   *     (http.liveGraceSeconds)
   */
  public SessionTokens(
      Vertx vertx, KeyPair keys, int lifetimeSeconds, int maxLive, int graceSeconds) {
    this(vertx, keys, lifetimeSeconds, maxLive, graceSeconds, Clock.systemUTC());
  }

  /** As above, on {@code clock} (tests move it; a node runs on the system clock). */
  public SessionTokens(
      Vertx vertx, KeyPair keys, int lifetimeSeconds, int maxLive, int graceSeconds, Clock clock) {
    Objects.requireNonNull(keys, "the node's token keys are required");
    if (lifetimeSeconds <= 0 || lifetimeSeconds > MAX_LIFETIME_SECONDS) {
      throw new IllegalArgumentException(
          "a session token lives 1 to " + MAX_LIFETIME_SECONDS + " seconds");
    }
    this.vertx = vertx;
    this.lifetimeSeconds = lifetimeSeconds;
    this.maxLive = maxLive;
    this.graceSeconds = graceSeconds;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.auth =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm(ALGORITHM)
                        .setBuffer(Pem.toPem(keys.getPrivate())))
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm(ALGORITHM)
                        .setBuffer(Pem.toPem(keys.getPublic())))
                .setJWTOptions(new JWTOptions().setAudience(List.of(AUDIENCE))));
    // Presence events are published cluster-wide: a login replaced (or its entry removed) on any
    // node ends here, not only when the node that replaced it is this one.
    vertx.eventBus().<JsonObject>consumer(Presence.EVENTS, m -> presenceChanged(m.body()));
  }

  /** An "offline" event for a live login's presence entry: someone else removed it. */
  private void presenceChanged(JsonObject event) {
    if (!"offline".equals(event.getString("op"))) {
      return;
    }
    String owner = event.getJsonObject("entry", new JsonObject()).getString("session");
    String jti;
    synchronized (this) {
      jti = owner == null ? null : byPresenceOwner.get(owner);
    }
    if (jti != null) {
      end(jti, REPLACED);
    }
  }

  /** Whether another login may be issued now. */
  public synchronized boolean full() {
    return live.size() >= maxLive;
  }

  /**
   * A token for a login that just succeeded on the current context. When it expires the login ends:
   * the session is closed (the account goes offline) on its own context.
   */
  public synchronized Login issue(String name, Session session, Context owner) {
    String jti = UUID.randomUUID().toString();
    long now = clock.millis() / 1000;
    Login login = new Login(jti, name, session, owner, now + lifetimeSeconds);
    live.put(jti, login);
    if (session != null) {
      // An API session logs in once, so its presence owner stays what it is now.
      byPresenceOwner.put(session.id(), jti);
    }
    timers.put(jti, vertx.setTimer(lifetimeSeconds * 1000L, t -> end(jti, EXPIRED)));
    return login;
  }

  /**
   * Renews a live login: a new expiry a full lifetime from now, and a token carrying it (same
   * {@code jti}, so the login, its presence and its sockets carry on). Null if the login ended.
   */
  public synchronized Login refresh(Login login) {
    Login current = live.get(login.jti());
    if (current == null) {
      return null;
    }
    Login renewed =
        new Login(
            current.jti(),
            current.name(),
            current.session(),
            current.owner(),
            clock.millis() / 1000 + lifetimeSeconds);
    live.put(current.jti(), renewed);
    cancel(
        timers.put(
            current.jti(),
            vertx.setTimer(lifetimeSeconds * 1000L, t -> end(current.jti(), EXPIRED))));
    return renewed;
  }

  /**
   * A live-channel socket now follows the login {@code jti}: from now on the login lasts only while
   * some socket follows it (and {@link #graceSeconds} after the last one closed). False if the
   * login ended.
   */
  public synchronized boolean attach(String jti) {
    if (!live.containsKey(jti)) {
      return false;
    }
    sockets.merge(jti, 1, Integer::sum);
    cancel(graceTimers.remove(jti));
    graceEndsMillis.remove(jti);
    return true;
  }

  /** A socket following {@code jti} closed; the last one starts the grace period. */
  public synchronized void detach(String jti) {
    Integer left = sockets.computeIfPresent(jti, (k, n) -> n == 1 ? null : n - 1);
    if (left == null && live.containsKey(jti) && !graceTimers.containsKey(jti)) {
      graceEndsMillis.put(jti, clock.millis() + graceSeconds * 1000L);
      graceTimers.put(
          jti,
          vertx.setTimer(
              graceSeconds * 1000L,
              t -> {
                synchronized (this) {
                  // Not this timer's entry (cancelled too late, and a later grace period began), or
                  // a
                  // socket came back: nothing to end.
                  if (!graceTimers.remove(jti, t) || sockets.containsKey(jti)) {
                    return;
                  }
                  graceEndsMillis.remove(jti);
                }
                end(jti, DISCONNECTED);
              }));
    }
  }

  /** The signed token of a login issued here. */
  public String token(Login login) {
    return auth.generateToken(
        new JsonObject()
            .put("sub", login.name())
            .put("jti", login.jti())
            .put("exp", login.expiresAtSeconds()),
        new JWTOptions().setAlgorithm(ALGORITHM).setAudience(List.of(AUDIENCE)));
  }

  /**
   * The live login a bearer token stands for; failed (with no detail a client sees) for anything
   * else: a bad or foreign signature, {@code alg: none}, another algorithm, no or a past {@code
   * exp}, another audience, a revoked or unknown {@code jti}.
   */
  public Future<Login> authenticate(String token) {
    return auth.authenticate(new TokenCredentials(token))
        .compose(
            user -> {
              // Vert.x keeps the verified claims in the "accessToken" attribute.
              JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
              long nowMillis = clock.millis();
              Login login = claims.getValue("jti") instanceof String jti ? liveLogin(jti) : null;
              String overdue = login == null ? null : overdue(login.jti(), nowMillis);
              if (overdue != null) {
                // Its time passed on the clock before its timer fired: it ends now.
                end(login.jti(), overdue);
                return Future.failedFuture("token not live");
              }
              boolean valid =
                  login != null
                      && claims.getValue("exp") instanceof Number exp
                      && exp.longValue() > nowMillis / 1000
                      && login.name().equals(claims.getString("sub"));
              return valid ? Future.succeededFuture(login) : Future.failedFuture("token not live");
            });
  }

  /** Revokes a login (logout): its token is refused from now on and the account goes offline. */
  public Future<Void> revoke(Login login) {
    return end(login.jti(), LOGOUT);
  }

  /**
   * Ends the login whose session-core session owns {@code presenceOwner} (its {@link
   * Session#id()}), if it is one of this node's: a newer login of the same account replaced it.
   */
  public Future<Void> endSession(String presenceOwner) {
    String jti;
    synchronized (this) {
      jti = byPresenceOwner.get(presenceOwner);
    }
    return jti == null ? Future.succeededFuture() : end(jti, REPLACED);
  }

  /** Ends every login (the node is stopping). */
  public Future<Void> endAll() {
    List<String> jtis;
    synchronized (this) {
      jtis = List.copyOf(live.keySet());
    }
    return Future.all(jtis.stream().map(jti -> end(jti, STOPPING)).toList()).mapEmpty();
  }

  /** Whether the login {@code jti} is still live (not logged out, expired or ended). */
  public synchronized boolean isLive(String jti) {
    return live.containsKey(jti);
  }

  private synchronized Login liveLogin(String jti) {
    return live.get(jti);
  }

  /** Why the live login {@code jti} should have ended by {@code nowMillis}, or null. */
  private synchronized String overdue(String jti, long nowMillis) {
    Login login = live.get(jti);
    if (login == null) {
      return null;
    }
    if (login.expiresAtSeconds() * 1000 <= nowMillis) {
      return EXPIRED;
    }
    Long graceEnds = graceEndsMillis.get(jti);
    return graceEnds != null && graceEnds <= nowMillis ? DISCONNECTED : null;
  }

  /** Cancels a timer taken out of one of the maps, if there was one. */
  private void cancel(Long timer) {
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private Future<Void> end(String jti, String reason) {
    Login login;
    synchronized (this) {
      login = live.remove(jti);
      if (login != null && login.session() != null) {
        byPresenceOwner.remove(login.session().id(), jti);
      }
      sockets.remove(jti);
      graceEndsMillis.remove(jti);
      cancel(graceTimers.remove(jti));
      cancel(timers.remove(jti));
    }
    if (login == null) {
      return Future.succeededFuture();
    }
    vertx
        .eventBus()
        .publish(
            endedAddress(jti),
            new JsonObject().put("jti", jti).put("name", login.name()).put("reason", reason));
    Promise<Void> closed = Promise.promise();
    login.owner().runOnContext(v -> login.session().close().onComplete(closed));
    return closed.future();
  }
}
