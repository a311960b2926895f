package io.paywire.http;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.paywire.bus.BatchCodecs;
import io.paywire.bus.LedgerViews;
import io.paywire.bus.TransferEvents;
import io.paywire.config.PaywireConfig;
import io.paywire.ledger.AccountName;
import io.paywire.net.ConnectionGate;
import io.paywire.net.LogRate;
import io.paywire.session.ClientAddress;
import io.paywire.session.Presence;
import io.paywire.session.Result;
import io.paywire.session.Session;
import io.paywire.session.Sessions;
import io.paywire.session.Views;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The live channel, {@code GET /ws} on the API's port (docs/api.md, "Live updates"): a WebSocket
 * that authenticates with a session token in its first message, then pushes who comes online or
 * goes offline (every entry point, every node) and the account's own payments, in and out, as they
 * are applied. Events come from the event bus ({@link Presence#EVENTS}, {@link
 * TransferEvents#ADDRESS}), so they reach it from any node of a cluster.
 *
 * <p>One per API verticle instance, on its event loop, with one event-bus consumer for presence and
 * one for transfers, whatever the number of sockets: each event is decoded once, presence goes to
 * every ready socket, and a payment to the sockets of its payer and payee, those that {@link
 * Session#mayObserve} lets hear it. A handshake is refused unless its {@code Origin} is allowed; a
 * socket is closed (1008) when it does not authenticate in time, when its token ends (logout,
 * expiry) and when it sends anything unexpected; it holds one node-local consumer, for its login's
 * end, unregistered when it closes. A login followed by a socket lasts while one is open: {@code
 * http.liveGraceSeconds} after the last one closes, the login ends (reason {@code disconnected})
 * unless a socket authenticates for it again, so a browser user is online while its console is
 * connected.
 */
final class LiveChannel {

  static final String PATH = "/ws";

  /** WebSocket close codes (RFC 6455, 7.4.1). */
  static final short POLICY_VIOLATION = 1008;

  static final short INTERNAL_ERROR = 1011;
  static final short TRY_AGAIN_LATER = 1013;

  private static final System.Logger LOG = System.getLogger(LiveChannel.class.getName());

  /** Lines an outsider can cause at will: the first of a kind, then a count per interval. */
  private static final LogRate OUTSIDER_LOG = LogRate.nodeWide(LOG);

  /** Headers every current browser sends with a WebSocket handshake, Origin aside. */
  private static final List<String> BROWSER_HEADERS =
      List.of("Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest");

  private final Vertx vertx;

  private final SessionTokens tokens;
  private final PaywireConfig.Http limits;
  private final Set<String> origins;
  private final ConnectionGate sockets;
  private final ConnectionGate logins;

  /** This instance's open sockets, pinged so that an idle timeout never closes a quiet one. */
  private final Set<Live> open = new HashSet<>();

  /**
   * The sockets that follow events, by the account key ({@link AccountName#key}) of their login.
   */
  private final Map<String, Set<Live>> following = new HashMap<>();

  /** Completes once this instance's presence and transfer consumers are registered. */
  private final Future<Void> listening;

  /**
   * @param origins the allowed origins, from {@link #allowedOrigins}
   * @param sockets node-wide, bounding open sockets to {@code http.maxWebSockets} and those of one
   *     client address to {@code http.maxWebSocketsPerAddress}
   * @param logins node-wide, bounding one account's authenticated sockets to {@code
   *     http.maxWebSocketsPerLogin}
   */
  LiveChannel(
      Vertx vertx,
      Sessions sessions,
      SessionTokens tokens,
      PaywireConfig.Http limits,
      Set<String> origins,
      ConnectionGate sockets,
      ConnectionGate logins) {
    this.vertx = vertx;

    this.tokens = tokens;
    this.limits = limits;
    this.origins = Set.copyOf(origins);
    this.sockets = sockets;
    this.logins = logins;
    // Half the idle timeout: a ping is traffic, and the browser's pong too.
    vertx.setPeriodic(limits.idleTimeoutSeconds() * 500L, t -> open.forEach(Live::ping));
    // Registered on the verticle's context, so they go when it is undeployed.
    EventBus bus = vertx.eventBus();
    // Transfer events arrive from other members in their own codec's frame (BatchCodecs).
    BatchCodecs.register(bus);
    MessageConsumer<JsonObject> presence = bus.consumer(Presence.EVENTS, m -> presence(m.body()));
    // The body is read only when a socket follows someone: on a cluster's bus, reading it is
    // decoding it, and every member hears every batch of payments.
    MessageConsumer<JsonObject> transfers =
        bus.consumer(
            TransferEvents.ADDRESS,
            m -> {
              if (!following.isEmpty()) {
                transfers(m.body());
              }
            });
    listening = Future.all(presence.completion(), transfers.completion()).mapEmpty();
  }

  /** Someone came online or went offline: every following socket hears it. */
  private void presence(JsonObject body) {
    if (following.isEmpty()) {
      return;
    }
    Presence.Entry entry = Presence.Entry.fromJson(body.getJsonObject("entry"));
    JsonObject event =
        message("presence")
            .put("op", body.getString("op"))
            .put("name", entry.name())
            .put("via", entry.via());
    following.values().forEach(sockets -> sockets.forEach(live -> live.enqueue(event)));
  }

  /** Payments were applied: the sockets of each one's payer and payee hear it, in order. */
  private void transfers(JsonObject body) {
    TransferEvents.events(body).forEach(this::transfer);
  }

  /** A payment was applied: the sockets of its payer and its payee hear it, each its balance. */
  private void transfer(JsonObject json) {
    TransferEvents.Event event = TransferEvents.Event.fromJson(json);
    LedgerViews.Transfer t = event.transfer();
    String payer = AccountName.key(t.payer());
    String payee = AccountName.key(t.payee());
    route(t, following.get(payer), event.payerBalance());
    if (!payee.equals(payer)) {
      route(t, following.get(payee), event.payeeBalance());
    }
  }

  private void route(LedgerViews.Transfer t, Set<Live> sockets, long balance) {
    if (sockets == null) {
      return;
    }
    JsonObject json =
        message("transfer").put("transfer", ApiVerticle.transfer(t)).put("balance", balance);
    for (Live live : sockets) {
      if (Session.mayObserve(live.login.name(), t)) {
        live.enqueue(json);
      }
    }
  }

  /**
   * {@code http.allowedOrigins}, or when it is empty the node's own origins: {@code
   * https://<host>:<port>} and {@code https://localhost:<port>}.
   */
  static Set<String> allowedOrigins(List<String> configured, String host, int port) {
    if (!configured.isEmpty()) {
      return Set.copyOf(configured);
    }
    String own = host.contains(":") ? "[" + host + "]" : host;
    return Set.of(
        ("https://" + own + ":" + port).toLowerCase(Locale.ROOT), "https://localhost:" + port);
  }

  /**
   * Whether a handshake may proceed as far as its headers tell: an allowed {@code Origin}, or none
   * from a client that is not a browser. Browsers send {@code Origin} with every WebSocket
   * handshake, and {@code Sec-Fetch-*} too; a handshake without {@code Origin} but with those is a
   * browser's all the same and refused, as is the opaque origin {@code null}.
   */
  boolean originAllowed(MultiMap headers) {
    String origin = headers.get("Origin");
    if (origin == null) {
      return BROWSER_HEADERS.stream().noneMatch(headers::contains);
    }
    return origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /**
   * Vets and accepts (or refuses, as the API's JSON error with its headers) a WebSocket upgrade to
   * {@link #PATH} on the API's port.
   */
  void handshake(HttpServerRequest handshake) {
    String ip = handshake.remoteAddress().hostAddress();
    if (!originAllowed(handshake.headers())) {
      OUTSIDER_LOG.log(
          Level.INFO,
          "event=live_refused reason=origin",
          "event=live_refused reason=origin ip="
              + ip
              + " origin="
              + String.valueOf(handshake.headers().get("Origin")));
      FrontDoor.refuseAndClose(handshake, 403, ApiError.FORBIDDEN, "origin not allowed");
      return;
    }
    String counted = ClientAddress.key(ip);
    ConnectionGate.Admission admission = sockets.tryEnter(counted);
    if (admission != ConnectionGate.Admission.ADMITTED) {
      boolean nodeFull = admission == ConnectionGate.Admission.NODE_FULL;
      String kind = "event=live_refused reason=" + (nodeFull ? "full" : "address_full");
      OUTSIDER_LOG.log(Level.INFO, kind, kind + " ip=" + ip);
      if (nodeFull) {
        FrontDoor.refuseAndClose(
            handshake, 503, ApiError.UNAVAILABLE, "too many live sockets; try again later");
      } else {
        FrontDoor.refuseAndClose(
            handshake,
            429,
            ApiError.RATE_LIMITED,
            "too many live sockets from this address; try again later");
      }
      return;
    }
    handshake
        .toWebSocket()
        .onComplete(
            accepted -> {
              if (accepted.succeeded()) {
                new Live(accepted.result(), ip, counted).start();
              } else {
                sockets.leave(counted);
              }
            });
  }

  /** Always JSON text messages, {@code type} first. */
  private static JsonObject message(String type) {
    return new JsonObject().put("type", type);
  }

  static JsonObject error(String code, String text) {
    return message("error").put("error", code).put("message", text);
  }

  /** One socket, from its handshake to its close. */
  private final class Live {

    private final ServerWebSocket ws;
    private final String ip;

    /** Follows the end of this socket's login. */
    private MessageConsumer<JsonObject> ended;

    /** The key of the login's account, once the socket follows events. */
    private String account;

    /** The key this socket counts under in {@link #sockets}. */
    private final String counted;

    /** The account this socket counts under in {@link #logins}, once it has authenticated. */
    private String loginSlot;

    private long authTimer;
    private boolean authenticating;
    private SessionTokens.Login login;

    /** Whether this socket counts as one following its login ({@link SessionTokens#attach}). */
    private boolean attached;

    private boolean closed;

    /** Messages go out in this order: the ready message first, then each event. */
    private Future<Void> tail;

    private int queued;

    Live(ServerWebSocket ws, String ip, String counted) {
      this.ws = ws;
      this.ip = ip;
      this.counted = counted;
    }

    void start() {
      open.add(this);
      ws.closeHandler(v -> closed());
      ws.exceptionHandler(
          e -> {
            if (closed) {
              return; // the connection went: nothing to say
            }
            // A message over http.maxWebSocketMessageBytes, a broken frame: Netty names the code.
            short code =
                e instanceof CorruptedWebSocketFrameException corrupted
                    ? (short) corrupted.closeStatus().code()
                    : INTERNAL_ERROR;
            OUTSIDER_LOG.log(
                Level.INFO,
                "event=live_closed reason=failed code=" + code,
                "event=live_closed reason=failed code="
                    + code
                    + " ip="
                    + ip
                    + " error="
                    + e.getMessage());
            close(code, "refused");
          });
      ws.textMessageHandler(this::received);
      ws.binaryMessageHandler(b -> refuse(ApiError.BAD_REQUEST, "send text messages only"));
      authTimer =
          vertx.setTimer(
              limits.webSocketAuthTimeoutSeconds() * 1000L,
              t -> {
                if (login == null) {
                  refuse(
                      ApiError.UNAUTHORIZED,
                      "no auth message within " + limits.webSocketAuthTimeoutSeconds() + " s");
                }
              });
    }

    private void received(String text) {
      if (login != null || authenticating) {
        refuse(ApiError.BAD_REQUEST, "nothing is expected after the auth message");
        return;
      }
      String token;
      try {
        token = authToken(text);
      } catch (IllegalArgumentException duplicate) {
        refuse(ApiError.BAD_REQUEST, duplicate.getMessage());
        return;
      }
      if (token == null) {
        refuse(
            ApiError.UNAUTHORIZED,
            "the first message must be {\"type\":\"auth\",\"token\":\"<session token>\"}");
        return;
      }
      authenticating = true;
      tokens
          .authenticate(token)
          .onComplete(
              done -> {
                authenticating = false;
                if (closed) {
                  return;
                }
                if (done.failed()) {
                  refuse(ApiError.UNAUTHORIZED, "the session token is not valid");
                  return;
                }
                vertx.cancelTimer(authTimer);
                String account = AccountName.key(done.result().name());
                if (logins.tryEnter(account) != ConnectionGate.Admission.ADMITTED) {
                  LOG.log(Level.INFO, "event=live_refused reason=login_full ip={0}", ip);
                  send(
                      error(
                          ApiError.RATE_LIMITED,
                          "this login has "
                              + limits.maxWebSocketsPerLogin()
                              + " live sockets open already "
                              + "(http.maxWebSocketsPerLogin): close one first"));
                  close(POLICY_VIOLATION, "too many live sockets for this login");
                  return;
                }
                loginSlot = account;
                login = done.result();
                attached = tokens.attach(login.jti());
                if (!attached) {
                  ended("ended"); // it ended between the check of its token and now
                  return;
                }
                subscribe();
              });
    }

    /** The token of an auth message; null if it is none; refused if it names a key twice. */
    private static String authToken(String text) {
      String duplicate = StrictJson.duplicateKey(text.getBytes(StandardCharsets.UTF_8));
      if (duplicate != null) {
        throw new IllegalArgumentException(StrictJson.reason(duplicate));
      }
      try {
        JsonObject json = new JsonObject(text);
        return "auth".equals(json.getValue("type")) && json.getValue("token") instanceof String t
            ? t
            : null;
      } catch (DecodeException | ClassCastException e) {
        return null;
      }
    }

    /** Follows the login's end, presence and transfers; then the ready message, then events. */
    private void subscribe() {
      ended =
          vertx
              .eventBus()
              .localConsumer(
                  SessionTokens.endedAddress(login.jti()),
                  m -> ended(m.body().getString("reason")));
      Future<Void> subscribed = Future.all(listening, ended.completion()).mapEmpty();
      // Events heard from here on wait behind the ready message, so none is lost or first.
      account = AccountName.key(login.name());
      following.computeIfAbsent(account, k -> new HashSet<>()).add(this);
      tail =
          subscribed
              .compose(
                  v -> {
                    if (!tokens.isLive(login.jti())) {
                      ended(
                          "ended"); // between authentication and subscription: the end went unheard
                      return Future.succeededFuture();
                    }
                    return login
                        .onOwner(
                            vertx.getOrCreateContext(),
                            () -> login.session().online(0, limits.maxPageSize()))
                        .map(this::ready);
                  })
              .recover(
                  failed -> {
                    unavailable(failed.getMessage());
                    return Future.succeededFuture();
                  });
    }

    private void unavailable(String reason) {
      send(error(ApiError.UNAVAILABLE, "cannot start the live channel now: " + reason));
      close(TRY_AGAIN_LATER, "unavailable");
    }

    private Void ready(Result<Views.OnlinePage> result) {
      if (!(result instanceof Result.Ok<Views.OnlinePage> ok)) {
        unavailable(((Result.Refused<?>) result).refusal().reason());
        return null;
      }
      JsonArray online = new JsonArray();
      ok.value()
          .users()
          .forEach(u -> online.add(new JsonObject().put("name", u.name()).put("via", u.via())));
      send(
          message("ready")
              .put("name", login.name())
              .put("balance", ok.value().balance())
              .put("online", online)
              .put("total", ok.value().total()));
      LOG.log(Level.DEBUG, "event=live_ready name={0} ip={1}", login.name(), ip);
      return null;
    }

    /**
     * Queues an event behind those before it, bounded by http.maxWebSocketQueuedEvents. The event
     * may be shared with other sockets: it is only read.
     */
    private void enqueue(JsonObject event) {
      if (closed) {
        return;
      }
      if (++queued > limits.maxWebSocketQueuedEvents()) {
        overrun();
        return;
      }
      tail =
          tail.transform(
              done -> {
                queued--;
                send(event);
                return Future.succeededFuture();
              });
    }

    private void send(JsonObject json) {
      if (closed) {
        return;
      }
      ws.writeTextMessage(json.encode());
      if (ws.writeQueueFull()) {
        overrun();
      }
    }

    /** The client does not read what it is sent: it gets no more. */
    private void overrun() {
      OUTSIDER_LOG.log(
          Level.INFO,
          "event=live_closed reason=not_reading",
          "event=live_closed reason=not_reading ip=" + ip);
      close(TRY_AGAIN_LATER, "events not read");
    }

    private void ended(String reason) {
      send(
          error(ApiError.UNAUTHORIZED, "the session ended (" + reason + ")").put("reason", reason));
      close(POLICY_VIOLATION, "session ended: " + reason);
    }

    private void refuse(String code, String text) {
      OUTSIDER_LOG.log(
          Level.INFO,
          "event=live_refused reason=" + code,
          "event=live_refused reason=" + code + " ip=" + ip);
      send(error(code, text));
      close(POLICY_VIOLATION, code);
    }

    void ping() {
      if (!closed) {
        ws.writePing(Buffer.buffer());
      }
    }

    private void close(short code, String reason) {
      if (!closed) {
        ws.close(code, reason);
        closed();
      }
    }

    /** Runs once, whoever closes: the consumers, the timer and the slot go with the socket. */
    private void closed() {
      if (closed) {
        return;
      }
      closed = true;
      open.remove(this);
      vertx.cancelTimer(authTimer);
      if (ended != null) {
        ended.unregister();
      }
      if (account != null) {
        following.computeIfPresent(
            account,
            (k, sockets) -> {
              sockets.remove(this);
              return sockets.isEmpty() ? null : sockets;
            });
      }
      sockets.leave(counted);
      if (loginSlot != null) {
        logins.leave(loginSlot);
      }
      if (attached) {
        tokens.detach(login.jti());
      }
    }
  }
}
