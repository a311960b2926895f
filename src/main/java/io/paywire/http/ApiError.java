package io.paywire.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The API's one error shape, {@code {"error": CODE, "message": TEXT}} (plus the transfer {@code id}
 * where one is concerned), and the codes that are the API's own rather than the session core's or
 * the ledger's.
 */
final class ApiError {

  static final String BAD_REQUEST = "BAD_REQUEST";
  static final String UNAUTHORIZED = "UNAUTHORIZED";
  static final String FORBIDDEN = "FORBIDDEN";
  static final String NOT_FOUND = "NOT_FOUND";
  static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  static final String TOO_LARGE = "BODY_TOO_LARGE";
  static final String URI_TOO_LONG = "URI_TOO_LONG";
  static final String HEADERS_TOO_LARGE = "HEADERS_TOO_LARGE";
  static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
  static final String RATE_LIMITED = "RATE_LIMITED";
  static final String UNAVAILABLE = "UNAVAILABLE";
  static final String UNKNOWN_OUTCOME = "UNKNOWN_OUTCOME";
  static final String INTERNAL = "INTERNAL";

  private ApiError() {}

  static JsonObject body(String code, String message) {
    return new JsonObject().put("error", code).put("message", message);
  }

  static void send(RoutingContext ctx, int status, String code, String message) {
    send(ctx, status, body(code, message));
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }

  /** The same, outside the router: with the security headers the router would have added. */
  static Future<Void> send(HttpServerResponse response, int status, JsonObject body) {
    ApiVerticle.securityHeaders(response.headers());
    return response
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }
}
