package io.paywire.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.config.PaywireConfig;
import io.paywire.console.ConsoleRoutes;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PublicKeys;
import io.paywire.ledger.TransferId;
import io.paywire.net.ConnectionGate;
import io.paywire.net.ServerIdentity;
import io.paywire.net.TlsServerOptions;
import io.paywire.protocol.SignedText;
import io.paywire.session.Payment;
import io.paywire.session.Peer;
import io.paywire.session.Proof;
import io.paywire.session.Refusal;
import io.paywire.session.Result;
import io.paywire.session.Session;
import io.paywire.session.Sessions;
import io.paywire.session.Views;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTPS API (docs/api.md): a codec over the session core, with a router built from {@code
 * openapi.yaml}, so the contract validates every request before a handler sees it and cannot drift
 * from the code: starting fails if an operation has no handler here or a handler no operation. One
 * instance per event loop; what they share (login tokens, rate windows) is node-wide and
 * thread-safe.
 */
public final class ApiVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(ApiVerticle.class.getName());

  /** The contract, on the class path. */
  public static final String CONTRACT = "openapi.yaml";

  /** What every entry in presence made through this API says it came by. */
  public static final String VIA = "http";

  /**
   * The Content-Security-Policy of every reply: nothing but this origin's own scripts, styles,
   * images and connections; no inline script, no plug-ins, no framing.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; "
          + "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
          + "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

  /** The one reply of every refused registration (docs/api.md: why it never varies). */
  static final JsonObject REGISTRATION_REFUSED =
      ApiError.body(
          "REGISTRATION_REFUSED", "the registration could not be decrypted, read or admitted");

  /**
   * Everything an instance needs; all of it node-wide.
   *
   * @param challengeTtlSeconds how long a login nonce lives (session.challengeTtlSeconds)
   * @param webSockets the live channel's open sockets, bounded by http.maxWebSockets and
   *     http.maxWebSocketsPerAddress
   * @param webSocketLogins the live channel's authenticated sockets per account, bounded by
   *     http.maxWebSocketsPerLogin
   * @param cluster a cluster member's own view for {@code /health}, or null on a single node
   */
  public record Settings(
      String host,
      int port,
      PaywireConfig.Http limits,
      int handshakeTimeoutSeconds,
      ServerIdentity identity,
      SSLEngineOptions engine,
      Sessions.Shared sessions,
      SessionTokens tokens,
      KeyPair registrationKeys,
      PrometheusMeterRegistry metrics,
      long ledgerTimeoutMillis,
      int challengeTtlSeconds,
      ConnectionGate webSockets,
      ConnectionGate webSocketLogins,
      Supplier<JsonObject> cluster) {}

  private enum Access {
    OPEN,
    OPTIONAL_LOGIN,
    LOGIN
  }

  private static final String LOGIN_KEY = "paywire.login";

  private final Settings settings;
  private Sessions sessions;
  private HttpServer server;
  private String contractText;
  private String registrationKeyPem;

  public ApiVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    sessions = new Sessions(vertx, settings.sessions());
    registrationKeyPem = Pem.toPem(settings.registrationKeys().getPublic());
    return vertx
        .fileSystem()
        .readFile(CONTRACT)
        .compose(
            text -> {
              contractText = text.toString(StandardCharsets.UTF_8);
              return OpenAPIContract.from(vertx, CONTRACT);
            })
        .compose(
            contract -> {
              Router router = router(contract);
              HttpServerOptions options =
                  TlsServerOptions.secure(
                      new HttpServerOptions(),
                      settings.identity(),
                      settings.engine(),
                      settings.handshakeTimeoutSeconds());
              options
                  .setHost(settings.host())
                  .setPort(settings.port())
                  .setIdleTimeout(settings.limits().idleTimeoutSeconds())
                  .setIdleTimeoutUnit(TimeUnit.SECONDS)
                  .setMaxWebSocketMessageSize(settings.limits().maxWebSocketMessageBytes())
                  .setMaxWebSocketFrameSize(settings.limits().maxWebSocketMessageBytes());
              LiveChannel live =
                  new LiveChannel(
                      vertx,
                      sessions,
                      settings.tokens(),
                      settings.limits(),
                      LiveChannel.allowedOrigins(
                          settings.limits().allowedOrigins(), settings.host(), settings.port()),
                      settings.webSockets(),
                      settings.webSocketLogins());
              // WebSocket upgrades come as requests, so that a refusal is the API's JSON error.
              server =
                  FrontDoor.install(
                      vertx.createHttpServer(options),
                      options,
                      router,
                      live,
                      new RequestHeadTimeout(settings.limits().requestHeadTimeoutSeconds())::watch);
              TlsServerOptions.followRenewals(
                  vertx, settings.identity(), options, server::updateSSLOptions);
              return server.listen();
            });
  }

  /** The port actually bound. */
  public int actualPort() {
    return server.actualPort();
  }

  // ---- the router
  // --------------------------------------------------------------------------------

  private Router router(OpenAPIContract contract) {
    Map<String, Handler<RoutingContext>> handlers = new HashMap<>();
    handlers.put("getContract", this::getContract);
    handlers.put("getRegistrationKey", this::getRegistrationKey);
    handlers.put("register", this::register);
    handlers.put("challenge", this::challenge);
    handlers.put("login", this::login);
    handlers.put("logout", this::logout);
    handlers.put("createTransaction", this::createTransaction);
    handlers.put("createSignedTransfer", this::createSignedTransfer);
    handlers.put("refresh", this::refresh);
    handlers.put("getAccount", this::getAccount);
    handlers.put("listOnline", this::listOnline);
    handlers.put("listTransfers", this::listTransfers);
    handlers.put("getTransfer", this::getTransfer);
    handlers.put("listBlocks", this::listBlocks);
    handlers.put(
        "health",
        Operations.health(
            vertx,
            settings.ledgerTimeoutMillis(),
            settings.cluster(),
            settings.limits().heapWarningPercent()));
    handlers.put("metrics", Operations.metrics(settings.metrics()));

    RouterBuilder builder =
        RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    // A security-policy handler, so it may run before the body handler (Vert.x orders them).
    builder.rootHandler((SecurityPolicyHandler) ApiVerticle::securityHeaders);
    builder.rootHandler(BodyHandler.create(false).setBodyLimit(settings.limits().maxBodyBytes()));
    builder.rootHandler(ApiVerticle::refuseDuplicateKeys);
    Set<String> unused = new HashSet<>(handlers.keySet());
    for (OpenAPIRoute route : builder.getRoutes()) {
      Operation operation = route.getOperation();
      Handler<RoutingContext> handler = handlers.get(operation.getOperationId());
      if (handler == null) {
        throw new IllegalStateException(
            CONTRACT + " has operation " + operation.getOperationId() + " with no handler");
      }
      unused.remove(operation.getOperationId());
      // Session tokens are checked here (below), as the contract's security section says.
      route.setDoSecurity(false);
      Access access = access(operation);
      if (access != Access.OPEN) {
        route.addHandler(ctx -> authenticate(ctx, access));
      }
      route.addHandler(handler);
    }
    if (!unused.isEmpty()) {
      throw new IllegalStateException("handlers for operations not in " + CONTRACT + ": " + unused);
    }
    builder
        .getRoute("register")
        .addFailureHandler(
            ctx -> {
              // A wrong media type may say so (it tells nothing about the envelope); everything
              // else
              // the contract refuses gets the one registration refusal.
              if (unsupportedMediaType(ctx.failure())) {
                ctx.next();
              } else if (ctx.statusCode() == 400 || ctx.failure() instanceof ValidatorException) {
                // Even the envelope's shape tells nothing: the same reply after the same work (and
                // the
                // same rate, or malformed bodies would buy that work for free).
                register(ctx, new JsonObject());
              } else {
                ctx.next();
              }
            });
    Router router = builder.createRouter();
    ConsoleRoutes.mount(
        router,
        new ConsoleRoutes.Settings(
            settings.sessions().registration().enrollment() != null,
            settings.limits().sessionTokenSeconds(),
            settings.limits().maxPageSize()));
    router.errorHandler(404, ctx -> ApiError.send(ctx, 404, ApiError.NOT_FOUND, "no such route"));
    router.errorHandler(
        405,
        ctx ->
            ApiError.send(
                ctx, 405, ApiError.METHOD_NOT_ALLOWED, "method not allowed on this route"));
    router.errorHandler(
        413,
        ctx ->
            ApiError.send(
                ctx,
                413,
                ApiError.TOO_LARGE,
                "the request body is larger than " + settings.limits().maxBodyBytes() + " bytes"));
    // Last: a body that broke while it was read (a bad chunk, a cut connection), never a bug.
    router.route().failureHandler(FrontDoor::bodyBroken);
    router.errorHandler(400, this::failed);
    router.errorHandler(500, this::failed);
    return router;
  }

  /** What the contract's {@code security} section asks of an operation. */
  private static Access access(Operation operation) {
    List<SecurityRequirement> requirements = operation.getSecurityRequirements();
    boolean login = false;
    boolean optional = false;
    for (SecurityRequirement requirement : requirements) {
      if (requirement.isEmpty()) {
        optional = true;
      } else if (requirement.getNames().contains("sessionToken")) {
        login = true;
      }
    }
    return !login ? Access.OPEN : optional ? Access.OPTIONAL_LOGIN : Access.LOGIN;
  }

  private static void securityHeaders(RoutingContext ctx) {
    securityHeaders(ctx.response().headers());
    ctx.next();
  }

  /** The headers every reply of the API's port carries (docs/security.md). */
  static void securityHeaders(MultiMap headers) {
    headers
        .set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        .set("X-Content-Type-Options", "nosniff")
        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer")
        .set("Cache-Control", "no-store");
  }

  /**
   * Refuses a body whose JSON names a key twice (400, or the one registration refusal through the
   * register route's failure handler), before the contract or a handler reads it.
   */
  private static void refuseDuplicateKeys(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    String duplicate =
        body == null || body.length() == 0 ? null : StrictJson.duplicateKey(body.getBytes());
    if (duplicate == null) {
      ctx.next();
    } else {
      ctx.fail(400, new DuplicateKey(StrictJson.reason(duplicate)));
    }
  }

  /** A body refused for a key named twice; the message names it. */
  private static final class DuplicateKey extends RuntimeException {
    DuplicateKey(String reason) {
      super(reason, null, false, false);
    }
  }

  /** A failure no handler answered: a contract violation, or a bug (logged, never detailed). */
  private static ValidatorException validatorFailure(Throwable failure) {
    return failure instanceof ValidatorException v
        ? v
        : failure != null && failure.getCause() instanceof ValidatorException v ? v : null;
  }

  private static boolean unsupportedMediaType(Throwable failure) {
    ValidatorException invalid = validatorFailure(failure);
    return invalid != null && invalid.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT;
  }

  private void failed(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ValidatorException invalid = validatorFailure(failure);
    if (invalid != null) {
      if (invalid.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
        ApiError.send(
            ctx,
            415,
            ApiError.UNSUPPORTED_MEDIA_TYPE,
            "send application/json: " + invalid.getMessage());
      } else {
        ApiError.send(ctx, 400, ApiError.BAD_REQUEST, invalid.getMessage());
      }
      return;
    }
    if (failure instanceof DuplicateKey duplicate) {
      ApiError.send(ctx, 400, ApiError.BAD_REQUEST, duplicate.getMessage());
      return;
    }
    if (ctx.statusCode() == 400) {
      ApiError.send(ctx, 400, ApiError.BAD_REQUEST, "malformed request");
      return;
    }
    LOG.log(Level.ERROR, "event=http_request_failed route=" + ctx.normalizedPath(), failure);
    ApiError.send(ctx, 500, ApiError.INTERNAL, "internal error");
  }

  private void authenticate(RoutingContext ctx, Access access) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null && access == Access.OPTIONAL_LOGIN) {
      ctx.next();
      return;
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      unauthorized(ctx);
      return;
    }
    settings
        .tokens()
        .authenticate(header.substring(7).strip())
        .onComplete(
            done -> {
              if (done.succeeded()) {
                ctx.put(LOGIN_KEY, done.result());
                ctx.next();
              } else {
                unauthorized(ctx);
              }
            });
  }

  private static void unauthorized(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"paywire\"");
    ApiError.send(ctx, 401, ApiError.UNAUTHORIZED, "a valid session token is required");
  }

  // ---- registration and login
  // --------------------------------------------------------------------

  private void getContract(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end(contractText);
  }

  private void getRegistrationKey(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end(registrationKeyPem);
  }

  private void register(RoutingContext ctx) {
    register(ctx, body(ctx));
  }

  /**
   * Registers from an encrypted body. The session core rates the address first, then opens the body
   * on its registration workers (RSA, AES and, with enrollment, Argon2id), and decides. Whatever
   * keeps a body from opening or being admitted gets the one refusal after the same work, the
   * contract's refusals included ({@link #router}).
   */
  private void register(RoutingContext ctx, JsonObject body) {
    Session session = sessions.open(new Peer(VIA, ip(ctx), null));
    PrivateKey key = settings.registrationKeys().getPrivate();
    session
        .register(() -> EncryptedRegistration.open(body, key))
        .onComplete(
            done -> {
              session.close();
              if (done.failed()) {
                ctx.fail(done.cause());
              } else if (done.result() instanceof Result.Ok<LedgerViews.Registration> ok) {
                send(ctx, 201, account(ok.value().account(), true));
              } else {
                Refusal refusal = ((Result.Refused<?>) done.result()).refusal();
                if (Refusal.REGISTRATION_REFUSED.equals(refusal.code())) {
                  ApiError.send(ctx, 400, REGISTRATION_REFUSED);
                } else {
                  refused(ctx, refusal, null);
                }
              }
            });
  }

  private void challenge(RoutingContext ctx) {
    Result<byte[]> nonce = sessions.challenge(body(ctx).getString("name"), ip(ctx));
    if (nonce instanceof Result.Ok<byte[]> ok) {
      send(
          ctx,
          200,
          new JsonObject()
              .put("nonce", Base64.getEncoder().encodeToString(ok.value()))
              .put("expiresInSeconds", settings.challengeTtlSeconds()));
    } else {
      refused(ctx, ((Result.Refused<?>) nonce).refusal(), null);
    }
  }

  private void login(RoutingContext ctx) {
    String ip = ip(ctx);
    if (settings.tokens().full()) {
      ApiError.send(ctx, 503, ApiError.UNAVAILABLE, "too many live logins on this node");
      return;
    }
    JsonObject body = body(ctx);
    byte[] nonce = decodeBase64(body.getString("nonce"));
    byte[] signature = decodeBase64(body.getString("signature"));
    if (nonce == null || signature == null) {
      ApiError.send(ctx, 400, ApiError.BAD_REQUEST, "nonce and signature must be base64");
      return;
    }
    Context owner = vertx.getOrCreateContext();
    Session session = sessions.open(new Peer(VIA, ip, null));
    // A new proof of key replaces the account's earlier API login, on this node or another.
    session
        .login(
            body.getString("name"),
            0,
            new Proof.SignedChallenge(nonce, signature),
            replaced -> settings.tokens().endSession(replaced))
        .onComplete(
            done -> {
              if (done.failed()) {
                session.close();
                ctx.fail(done.cause());
              } else if (done.result() instanceof Result.Ok<Views.Login> ok) {
                SessionTokens.Login login =
                    settings.tokens().issue(ok.value().name(), session, owner);
                send(
                    ctx,
                    200,
                    new JsonObject()
                        .put("token", settings.tokens().token(login))
                        .put("expiresAt", login.expiresAtSeconds())
                        .put("name", login.name()));
              } else {
                session.close();
                Refusal refusal = ((Result.Refused<?>) done.result()).refusal();
                if (Refusal.AUTH_FAIL.equals(refusal.code())) {
                  ApiError.send(
                      ctx,
                      401,
                      Refusal.AUTH_FAIL,
                      "unknown account, wrong key, or a used or expired nonce");
                } else {
                  refused(ctx, refusal, null);
                }
              }
            });
  }

  private void refresh(RoutingContext ctx) {
    SessionTokens.Login renewed = settings.tokens().refresh(ctx.get(LOGIN_KEY));
    if (renewed == null) {
      unauthorized(ctx);
      return;
    }
    send(
        ctx,
        200,
        new JsonObject()
            .put("token", settings.tokens().token(renewed))
            .put("expiresAt", renewed.expiresAtSeconds())
            .put("name", renewed.name()));
  }

  private void logout(RoutingContext ctx) {
    SessionTokens.Login login = ctx.get(LOGIN_KEY);
    settings.tokens().revoke(login).onComplete(done -> ctx.response().setStatusCode(204).end());
  }

  // ---- payments
  // ----------------------------------------------------------------------------------

  private void createTransaction(RoutingContext ctx) {
    JsonObject body = body(ctx);
    byte[] raw = ctx.body().buffer().getBytes();
    TransferId id = TransferId.parseOrNull(body.getString("id"));
    Object amount = body.getValue("amount");
    if (id == null || !(amount instanceof Integer || amount instanceof Long)) {
      ApiError.send(
          ctx,
          400,
          ApiError.BAD_REQUEST,
          "id must be 32 lowercase hex digits and amount a whole number of minor units");
      return;
    }
    RequestToken.Checked token;
    try {
      token =
          RequestToken.check(
              ctx.request().getHeader("Authorization"),
              raw,
              System.currentTimeMillis() / 1000,
              settings.limits().clockSkewSeconds());
    } catch (RequestToken.Refused refused) {
      if (refused.duplicateKey()) {
        send(
            ctx,
            400,
            ApiError.body(ApiError.BAD_REQUEST, refused.getMessage()).put("id", id.toString()));
        return;
      }
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"paywire\"");
      String message =
          refused.told()
              ? refused.getMessage()
              : "the request token is missing, "
                  + "malformed or expired, or does not match the body";
      send(ctx, 401, ApiError.body(ApiError.UNAUTHORIZED, message).put("id", id.toString()));
      return;
    }
    Session session = sessions.open(new Peer(VIA, ip(ctx), null));
    answerPayment(
        ctx,
        id,
        session,
        session.paySigned(
            new Session.PayerSigned(
                id,
                body.getString("source"),
                body.getString("target"),
                ((Number) amount).longValue(),
                token.signingInput(),
                token.signature(),
                token.compact(),
                token::fits)));
  }

  /**
   * {@code POST /transfers}: the logged-in account pays, with its signature over the text
   * protocol's payment text ({@link SignedText#signedByPayer}), as the browser console signs it.
   * The signature is verified by the session core against the payer's key, in any encoding its key
   * type allows (ECDSA as r||s from WebCrypto, or DER), and journaled as the payer's proof.
   */
  private void createSignedTransfer(RoutingContext ctx) {
    SessionTokens.Login login = ctx.get(LOGIN_KEY);
    JsonObject body = body(ctx);
    TransferId id = TransferId.parseOrNull(body.getString("id"));
    Object amount = body.getValue("amount");
    byte[] signature = decodeBase64(body.getString("signature"));
    if (id == null || !(amount instanceof Integer || amount instanceof Long) || signature == null) {
      ApiError.send(
          ctx,
          400,
          ApiError.BAD_REQUEST,
          "id must be 32 lowercase hex digits, amount "
              + "a whole number of minor units and signature base64");
      return;
    }
    long minor = ((Number) amount).longValue();
    String target = body.getString("target");
    Session session = sessions.open(new Peer(VIA, ip(ctx), null));
    answerPayment(
        ctx,
        id,
        session,
        session.paySigned(
            new Session.PayerSigned(
                id,
                login.name(),
                target,
                minor,
                SignedText.signedByPayer(login.name(), minor, target, id),
                signature,
                signature,
                key -> true)));
  }

  /** The reply to a payment: 201 applied, 200 a replay, a refusal, or 503 unknown with its id. */
  private static void answerPayment(
      RoutingContext ctx, TransferId id, Session session, Future<Payment> payment) {
    payment.onComplete(
        done -> {
          session.close();
          if (done.failed()) {
            // No answer we can trust: the outcome is unknown, never a failure.
            send(ctx, 503, unknown(id, "no answer from the session core"));
            return;
          }
          Payment result = done.result();
          if (result instanceof Payment.Paid paid) {
            send(
                ctx,
                paid.duplicate() ? 200 : 201,
                new JsonObject()
                    .put("transfer", transfer(paid.transfer()))
                    .put("balance", paid.payerBalance())
                    .put("duplicate", paid.duplicate()));
          } else if (result instanceof Payment.Refused refused) {
            refused(ctx, refused.refusal(), id);
          } else {
            send(ctx, 503, unknown(id, ((Payment.Unknown) result).reason()));
          }
        });
  }

  private static JsonObject unknown(TransferId id, String reason) {
    return ApiError.body(
            ApiError.UNKNOWN_OUTCOME,
            "the outcome is not known (" + reason + "); retry with the same id")
        .put("id", id.toString());
  }

  // ---- reads
  // -------------------------------------------------------------------------------------

  private void getAccount(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    SessionTokens.Login login = ctx.get(LOGIN_KEY);
    onOwner(login, () -> login.session().account(name))
        .onComplete(
            done -> {
              if (done.succeeded() && done.result() instanceof Result.Ok<Views.Account> ok) {
                send(ctx, 200, account(ok.value().account(), ok.value().owner()));
              } else {
                readRefused(ctx, done);
              }
            });
  }

  private void listOnline(RoutingContext ctx) {
    SessionTokens.Login login = ctx.get(LOGIN_KEY);
    int offset = queryInt(ctx, "offset", 0);
    int limit = pageLimit(ctx);
    if (limit < 0) {
      return;
    }
    onOwner(login, () -> login.session().online(offset, limit))
        .onComplete(
            done -> {
              if (done.succeeded() && done.result() instanceof Result.Ok<Views.OnlinePage> ok) {
                JsonArray users = new JsonArray();
                ok.value()
                    .users()
                    .forEach(
                        u ->
                            users.add(
                                new JsonObject()
                                    .put("name", u.name())
                                    .put("ip", u.ip())
                                    .put("port", u.port())
                                    .put("via", u.via())));
                send(
                    ctx,
                    200,
                    new JsonObject()
                        .put("total", ok.value().total())
                        .put("offset", ok.value().offset())
                        .put("users", users));
              } else {
                readRefused(ctx, done);
              }
            });
  }

  private void listTransfers(RoutingContext ctx) {
    SessionTokens.Login login = ctx.get(LOGIN_KEY);
    String account = queryString(ctx, "account");
    int offset = queryInt(ctx, "offset", 0);
    int limit = pageLimit(ctx);
    if (limit < 0) {
      return;
    }
    onOwner(login, () -> login.session().history(account, offset, limit))
        .onComplete(
            done -> {
              if (done.succeeded() && done.result() instanceof Result.Ok<LedgerViews.History> ok) {
                LedgerViews.History page = ok.value();
                JsonArray transfers = new JsonArray();
                for (int i = 0; i < page.transfers().size(); i++) {
                  transfers.add(
                      transfer(page.transfers().get(i)).put("block", page.blocks().get(i)));
                }
                send(
                    ctx,
                    200,
                    new JsonObject()
                        .put("total", page.total())
                        .put("offset", offset)
                        .put("transfers", transfers));
              } else {
                readRefused(ctx, done);
              }
            });
  }

  private void getTransfer(RoutingContext ctx) {
    SessionTokens.Login login = ctx.get(LOGIN_KEY);
    TransferId id = TransferId.parseOrNull(ctx.pathParam("id"));
    if (id == null) {
      ApiError.send(ctx, 400, ApiError.BAD_REQUEST, "id must be 32 lowercase hex digits");
      return;
    }
    onOwner(login, () -> login.session().transferProof(id))
        .onComplete(
            done -> {
              if (done.succeeded()
                  && done.result() instanceof Result.Ok<LedgerViews.TransferProof> ok) {
                LedgerViews.TransferProof proof = ok.value();
                JsonObject json =
                    new JsonObject()
                        .put("transfer", transfer(proof.transfer()))
                        .put("block", proof.block())
                        .put("blockHash", proof.blockHash());
                if (proof.payerSignature() != null) {
                  json.put(
                      "payerSignature", Base64.getEncoder().encodeToString(proof.payerSignature()));
                }
                if (proof.payeeSignature() != null) {
                  json.put(
                      "payeeSignature", Base64.getEncoder().encodeToString(proof.payeeSignature()));
                }
                send(ctx, 200, json);
              } else {
                readRefused(ctx, done);
              }
            });
  }

  private void listBlocks(RoutingContext ctx) {
    long from = queryLong(ctx, "from", 0);
    int limit = pageLimit(ctx);
    if (limit < 0) {
      return;
    }
    sessions
        .ledger()
        .blocks(from, limit)
        .onComplete(
            done -> {
              LedgerReply<LedgerViews.Blocks> reply = done.result();
              if (reply instanceof LedgerReply.Ok<LedgerViews.Blocks> ok) {
                send(ctx, 200, ok.value().json());
              } else if (reply instanceof LedgerReply.Rejected<LedgerViews.Blocks> rejected) {
                ApiError.send(ctx, 400, ApiError.BAD_REQUEST, rejected.reason());
              } else {
                ApiError.send(ctx, 503, ApiError.UNAVAILABLE, "no answer from the ledger");
              }
            });
  }

  // ---- helpers
  // -----------------------------------------------------------------------------------

  /** Runs a call on the context that owns the login's session, and answers on this one. */
  private <T> Future<T> onOwner(SessionTokens.Login login, Supplier<Future<T>> call) {
    return login.onOwner(vertx.getOrCreateContext(), call);
  }

  private <T> void readRefused(RoutingContext ctx, AsyncResult<Result<T>> done) {
    if (done.failed()) {
      ApiError.send(ctx, 503, ApiError.UNAVAILABLE, "no answer");
    } else {
      refused(ctx, ((Result.Refused<T>) done.result()).refusal(), null);
    }
  }

  /** A refusal of the session core or the ledger, with the status that fits its code. */
  private static void refused(RoutingContext ctx, Refusal refusal, TransferId id) {
    if (refusal.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
    }
    JsonObject body = ApiError.body(refusal.code(), refusal.reason());
    if (id != null) {
      body.put("id", id.toString());
    }
    send(ctx, status(refusal), body);
  }

  static int status(Refusal refusal) {
    return switch (refusal.kind()) {
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_MANY -> 429;
      case UNAVAILABLE -> 503;
      case INVALID -> 400;
    };
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ApiError.send(ctx, status, body);
  }

  private static JsonObject body(RoutingContext ctx) {
    ValidatedRequest validated = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    return validated.getBody().getJsonObject();
  }

  private static String queryString(RoutingContext ctx, String name) {
    ValidatedRequest validated = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    var parameter = validated.getQuery().get(name);
    return parameter == null || parameter.isNull() ? null : parameter.getString();
  }

  private static long queryLong(RoutingContext ctx, String name, long fallback) {
    ValidatedRequest validated = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    var parameter = validated.getQuery().get(name);
    return parameter == null || parameter.isNull() ? fallback : parameter.getLong();
  }

  private static int queryInt(RoutingContext ctx, String name, int fallback) {
    return (int) Math.min(Integer.MAX_VALUE, queryLong(ctx, name, fallback));
  }

  /** The page size asked for, or -1 after a 400 for one above {@code http.maxPageSize}. */
  private int pageLimit(RoutingContext ctx) {
    long limit = queryLong(ctx, "limit", Math.min(20, settings.limits().maxPageSize()));
    if (limit > settings.limits().maxPageSize()) {
      ApiError.send(
          ctx,
          400,
          ApiError.BAD_REQUEST,
          "limit must be at most " + settings.limits().maxPageSize());
      return -1;
    }
    return (int) limit;
  }

  private static String ip(RoutingContext ctx) {
    return ctx.request().remoteAddress().hostAddress();
  }

  private static byte[] decodeBase64(String text) {
    try {
      return text == null ? null : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static JsonObject transfer(LedgerViews.Transfer t) {
    return new JsonObject()
        .put("id", t.id().toString())
        .put("sequence", t.sequence())
        .put("source", t.payer())
        .put("target", t.payee())
        .put("amount", t.amount())
        .put("timeMillis", t.timeMillis());
  }

  private static JsonObject account(LedgerViews.Account a, boolean withBalance) {
    JsonObject json =
        new JsonObject()
            .put("name", a.name())
            .put("address", a.fingerprint())
            .put("publicKey", a.hasKey() ? Pem.toPem(PublicKeys.decode(a.publicKey())) : null)
            .put("createdMillis", a.createdMillis());
    if (withBalance) {
      json.put("balance", a.balance());
    }
    return json;
  }
}
