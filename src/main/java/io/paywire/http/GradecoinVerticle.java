package io.paywire.http;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.gradecoin.GradecoinTexts;
import io.paywire.gradecoin.GradecoinTime;
import io.paywire.net.ServerIdentity;
import io.paywire.net.TlsServerOptions;
import io.paywire.session.GradecoinLedger;
import io.paywire.session.GradecoinSessions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Gradecoin network's HTTPS listener: Gradecoin's routes (docs/gradecoin.md), at the root or
 * under the network's {@code url_prefix}, with Gradecoin's reply shapes, statuses and texts. A
 * codec and a transport only: every rule is {@link GradecoinSessions}'s.
 */
public final class GradecoinVerticle extends VerticleBase {

  /** Gradecoin refuses a larger body with 413, before reading it (warp's content_length_limit). */
  public static final int MAX_BODY_BYTES = 32 * 1024;

  /** Most transaction ids one proposed block may list; a larger list is a malformed body. */
  public static final int MAX_BLOCK_TRANSACTIONS = 1_000;

  /**
   * @param publicKeyPem the network's RSA public key as clients load it ({@code openssl rsa
   *     -pubout}'s form)
   */
  public record Settings(
      String network,
      String host,
      int port,
      ServerIdentity identity,
      SSLEngineOptions engine,
      int handshakeTimeoutSeconds,
      int idleTimeoutSeconds,
      GradecoinSessions sessions,
      String publicKeyPem) {}

  private final Settings settings;
  private HttpServer server;

  public GradecoinVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options =
        TlsServerOptions.secure(
            new HttpServerOptions(),
            settings.identity(),
            settings.engine(),
            settings.handshakeTimeoutSeconds());
    options
        .setHost(settings.host())
        .setPort(settings.port())
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    server = vertx.createHttpServer(options).requestHandler(router());
    TlsServerOptions.followRenewals(vertx, settings.identity(), options, server::updateSSLOptions);
    return server.listen();
  }

  /** The port actually bound. */
  public int actualPort() {
    return server.actualPort();
  }

  private Router router() {
    Router router = Router.router(vertx);
    String prefix = settings.sessions().config().urlPrefix();
    String base = prefix == null || prefix.isEmpty() ? "" : "/" + prefix;
    router.get("/gradecoin.pub").handler(this::publicKey);
    router.get("/paywire/blocks").handler(this::journal);
    // Two routes per POST: a body handler must be the first of its route, and warp refuses a
    // wrong Content-Type (415) or a declared length over the limit (413) before reading the body.
    post(router, base + "/register", this::register);
    post(router, base + "/transaction", this::proposeTransaction);
    post(router, base + "/block", this::proposeBlock);
    router.get(base + "/transaction").handler(this::pool);
    router.get(base + "/block").handler(this::lastBlock);
    router.get(base + "/user").handler(this::users);
    router.get(base + "/config").handler(this::config);
    router.get(base + "/version").handler(ctx -> html(ctx, 200, GradecoinTexts.VERSION));
    router.errorHandler(413, ctx -> plain(ctx, 413, "Payload too large"));
    router.errorHandler(405, ctx -> plain(ctx, 405, "HTTP method not allowed"));
    router.errorHandler(404, ctx -> plain(ctx, 404, ""));
    router.errorHandler(500, ctx -> plain(ctx, 500, "Internal Server Error"));
    return router;
  }

  private void post(Router router, String path, Handler<RoutingContext> handler) {
    router.post(path).handler(this::contentType);
    router
        .post(path)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(handler);
  }

  // ---- filters (warp's plain-text refusals) ----------------------------------------------------

  /** A Content-Type other than JSON is 415; none at all is read as JSON, as warp does. */
  private void contentType(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null) {
      String mime = type.split(";", 2)[0].trim();
      if (!mime.equalsIgnoreCase("application/json")) {
        plain(ctx, 415, "The request's content-type is not supported");
        return;
      }
    }
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && tooLong(length)) {
      plain(ctx, 413, "Payload too large");
      return;
    }
    ctx.next();
  }

  private static boolean tooLong(String length) {
    try {
      return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
    } catch (NumberFormatException notANumber) {
      return false; // Netty refuses a malformed length before this runs
    }
  }

  // ---- handlers --------------------------------------------------------------------------------

  private void register(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    String c = string(ctx, body, "c");
    String iv = c == null ? null : string(ctx, body, "iv");
    String key = iv == null ? null : string(ctx, body, "key");
    if (key == null) {
      return;
    }
    answer(
        ctx, settings.sessions().register(c, iv, key, ctx.request().remoteAddress().hostAddress()));
  }

  private void proposeTransaction(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    String source = string(ctx, body, "source");
    String target = source == null ? null : string(ctx, body, "target");
    Long amount = target == null ? null : unsigned(ctx, body, "amount", 0xFFFF, "u16");
    String timestamp = amount == null ? null : timestamp(ctx, body);
    if (timestamp == null) {
      return;
    }
    String authorization = authorization(ctx);
    if (authorization == null) {
      return;
    }
    answer(
        ctx,
        settings
            .sessions()
            .proposeTransaction(
                authorization,
                new GradecoinSessions.Transaction(source, target, amount, timestamp)));
  }

  private void proposeBlock(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    List<String> ids = transactionList(ctx, body);
    Long nonce = ids == null ? null : unsigned(ctx, body, "nonce", 0xFFFF_FFFFL, "u32");
    String timestamp = nonce == null ? null : timestamp(ctx, body);
    String hash = timestamp == null ? null : string(ctx, body, "hash");
    if (hash == null) {
      return;
    }
    String authorization = authorization(ctx);
    if (authorization == null) {
      return;
    }
    answer(
        ctx,
        settings
            .sessions()
            .proposeBlock(
                authorization, new GradecoinSessions.ProposedBlock(ids, nonce, timestamp, hash)));
  }

  private void pool(RoutingContext ctx) {
    settings
        .sessions()
        .ledger()
        .pool(settings.sessions().limits().maxPoolRead())
        .onComplete(
            read -> {
              if (read.failed()) {
                unavailable(ctx);
                return;
              }
              JsonObject pool = new JsonObject();
              for (GradecoinLedger.PoolEntry entry : read.result()) {
                pool.put(
                    entry.txId(),
                    new JsonObject()
                        .put("source", entry.source())
                        .put("target", entry.target())
                        .put("amount", entry.amount())
                        .put("timestamp", entry.timestamp()));
              }
              json(ctx, 200, pool.encode());
            });
  }

  private void lastBlock(RoutingContext ctx) {
    settings
        .sessions()
        .ledger()
        .lastBlock()
        .onComplete(
            read -> {
              if (read.failed()) {
                unavailable(ctx);
                return;
              }
              json(
                  ctx,
                  200,
                  read.result()
                      .map(GradecoinVerticle::blockJson)
                      .orElse(GradecoinTexts.PLACEHOLDER_BLOCK));
            });
  }

  static String blockJson(GradecoinLedger.Block block) {
    JsonObject json = new JsonObject();
    if (!block.txIds().isEmpty()) {
      json.put("transaction_list", new JsonArray(new ArrayList<Object>(block.txIds())));
    }
    return json.put("nonce", block.nonce())
        .put("timestamp", block.timestamp())
        .put("hash", block.hash())
        .encode();
  }

  private void users(RoutingContext ctx) {
    boolean wantsJson =
        String.valueOf(ctx.request().getHeader(HttpHeaders.ACCEPT)).contains("application/json");
    settings
        .sessions()
        .ledger()
        .accounts(settings.sessions().limits().maxUsersListed())
        .onComplete(
            read -> {
              if (read.failed()) {
                unavailable(ctx);
                return;
              }
              List<GradecoinLedger.Account> accounts = read.result();
              if (wantsJson) {
                JsonArray rows = new JsonArray();
                for (GradecoinLedger.Account account : accounts) {
                  rows.add(
                      new JsonObject()
                          .put("fingerprint", account.fingerprint())
                          .put("balance", account.balance())
                          .put("is_bot", account.bot()));
                }
                json(ctx, 200, rows.encode());
              } else {
                html(ctx, 200, userTable(accounts));
              }
            });
  }

  /** Gradecoin's templates/list.html: fingerprint and balance, bots marked. */
  static String userTable(List<GradecoinLedger.Account> accounts) {
    StringBuilder html =
        new StringBuilder(
            "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Gradecoin</title></head>\n"
                + "<body>\n<table id=\"t01\">\n    <tr>\n        <th>Fingerprint</th>\n"
                + "        <th>Balance</th>\n    </tr>\n");
    for (GradecoinLedger.Account account : accounts) {
      html.append("    <tr>\n        <td>").append(escape(account.fingerprint()));
      if (account.bot()) {
        html.append(" <span title=\"I'm a bot!\">\uD83D\uDC4B\uD83E\uDD16</span>");
      }
      html.append("</td>\n        <td>").append(account.balance()).append("</td>\n    </tr>\n");
    }
    return html.append("</table>\n</body>\n</html>\n").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /**
   * {@code GET /paywire/blocks?from=&limit=}: not Gradecoin's; Paywire's own view of the network's
   * journal (docs/gradecoin.md), as the HTTPS API's {@code GET /blocks} shows the main ledger's.
   */
  private void journal(RoutingContext ctx) {
    long from;
    int limit;
    try {
      from =
          Long.parseLong(
              ctx.request().params().get("from") == null
                  ? "0"
                  : ctx.request().params().get("from"));
      String asked = ctx.request().params().get("limit");
      limit = asked == null ? LedgerApi.DEFAULT_BLOCKS_PER_PAGE : Integer.parseInt(asked);
    } catch (NumberFormatException notANumber) {
      plain(ctx, 400, "from and limit must be integers");
      return;
    }
    if (from < 0 || limit < 1 || limit > LedgerApi.MAX_BLOCKS_PER_PAGE) {
      plain(ctx, 400, "from must be 0 or more, limit 1 to " + LedgerApi.MAX_BLOCKS_PER_PAGE);
      return;
    }
    settings
        .sessions()
        .ledger()
        .journal(from, limit)
        .onComplete(
            done -> {
              if (done.succeeded()
                  && done.result() instanceof LedgerReply.Ok<LedgerViews.Blocks> ok) {
                json(ctx, 200, ok.value().json().encode());
              } else if (done.succeeded()
                  && done.result() instanceof LedgerReply.Rejected<LedgerViews.Blocks> refused) {
                plain(ctx, 400, refused.reason());
              } else {
                unavailable(ctx);
              }
            });
  }

  private void config(RoutingContext ctx) {
    json(ctx, 200, settings.sessions().config().toJson());
  }

  private void publicKey(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-pem-file")
        .end(settings.publicKeyPem());
  }

  // ---- reading bodies (serde's refusals, as warp words them) -----------------------------------

  private static JsonObject body(RoutingContext ctx) {
    try {
      Object value = ctx.body().asJsonObject();
      if (value == null) {
        deserialize(ctx, "EOF while parsing a value at line 1 column 0");
        return null;
      }
      return (JsonObject) value;
    } catch (RuntimeException notAnObject) {
      deserialize(ctx, "expected a JSON object");
      return null;
    }
  }

  private static String string(RoutingContext ctx, JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      deserialize(ctx, "missing field `" + field + "`");
      return null;
    }
    if (!(value instanceof String text)) {
      deserialize(ctx, "invalid type: expected a string for `" + field + "`");
      return null;
    }
    return text;
  }

  private static Long unsigned(
      RoutingContext ctx, JsonObject body, String field, long max, String type) {
    Object value = body.getValue(field);
    if (value == null) {
      deserialize(ctx, "missing field `" + field + "`");
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      deserialize(ctx, "invalid type: expected " + type + " for `" + field + "`");
      return null;
    }
    long number = ((Number) value).longValue();
    if (number < 0 || number > max) {
      deserialize(ctx, "invalid value: integer `" + number + "`, expected " + type);
      return null;
    }
    return number;
  }

  private static String timestamp(RoutingContext ctx, JsonObject body) {
    String sent = string(ctx, body, "timestamp");
    if (sent == null) {
      return null;
    }
    try {
      return GradecoinTime.rewrite(sent);
    } catch (IllegalArgumentException notADateTime) {
      deserialize(ctx, notADateTime.getMessage());
      return null;
    }
  }

  private static List<String> transactionList(RoutingContext ctx, JsonObject body) {
    Object value = body.getValue("transaction_list");
    if (value == null) {
      deserialize(ctx, "missing field `transaction_list`");
      return null;
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_BLOCK_TRANSACTIONS) {
      deserialize(
          ctx,
          "invalid type: expected a sequence of at most "
              + MAX_BLOCK_TRANSACTIONS
              + " strings for `transaction_list`");
      return null;
    }
    List<String> ids = new ArrayList<>(array.size());
    for (Object id : array) {
      if (!(id instanceof String text)) {
        deserialize(ctx, "invalid type: expected a string in `transaction_list`");
        return null;
      }
      ids.add(text);
    }
    return ids;
  }

  private static String authorization(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      plain(ctx, 400, GradecoinTexts.MISSING_AUTHORIZATION);
    }
    return header;
  }

  // ---- replies ---------------------------------------------------------------------------------

  private static void answer(RoutingContext ctx, Future<GradecoinSessions.Reply> reply) {
    reply.onComplete(
        done -> {
          if (done.failed()) {
            unavailable(ctx);
            return;
          }
          json(ctx, done.result().status(), done.result().json().encode());
        });
  }

  private static void unavailable(RoutingContext ctx) {
    json(
        ctx,
        503,
        new JsonObject()
            .put("res", "Error")
            .put("message", "The network's ledger is unavailable: try again")
            .encode());
  }

  private static void deserialize(RoutingContext ctx, String detail) {
    plain(ctx, 400, GradecoinTexts.deserializeError(detail));
  }

  private static void json(RoutingContext ctx, int status, String body) {
    send(ctx, status, "application/json", body);
  }

  private static void html(RoutingContext ctx, int status, String body) {
    send(ctx, status, "text/html; charset=utf-8", body);
  }

  private static void plain(RoutingContext ctx, int status, String body) {
    send(ctx, status, "text/plain; charset=utf-8", body);
  }

  private static void send(RoutingContext ctx, int status, String type, String body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, type).end(body);
  }
}
