package io.paywire.node;

import io.paywire.bus.LedgerApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * A small HTTP endpoint for operators and load balancers: {@code GET /health} answers the
 * ledger's status as JSON, 200 when it accepts work and 503 when it does not.
 */
public final class StatusHttpVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final long requestTimeoutMillis;
  private HttpServer server;

  /** @param requestTimeoutMillis how long to wait for the ledger (ledger.requestTimeoutMillis) */
  public StatusHttpVerticle(String host, int port, long requestTimeoutMillis) {
    this.host = host;
    this.port = port;
    this.requestTimeoutMillis = requestTimeoutMillis;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(port, host);
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    if (!"/health".equals(request.path())) {
      request.response().setStatusCode(404).end("not found\n");
      return;
    }
    vertx.eventBus().<JsonObject>request(LedgerApi.STATUS, new JsonObject(),
            new DeliveryOptions().setSendTimeout(requestTimeoutMillis))
        .onSuccess(reply -> {
          JsonObject body = reply.body();
          boolean healthy = !body.getBoolean("failed", true);
          body.put("status", healthy ? "up" : "failed");
          request.response().setStatusCode(healthy ? 200 : 503)
              .putHeader("content-type", "application/json").end(body.encode() + "\n");
        })
        .onFailure(e -> {
          int code = e instanceof ReplyException reply ? reply.failureCode() : 0;
          request.response().setStatusCode(503).putHeader("content-type", "application/json")
              .end(new JsonObject().put("status", "unavailable").put("code", code).encode()
                  + "\n");
        });
  }
}
