package io.paywire.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * The management port: plain HTTP on the loopback address only, serving {@code GET /health} and
 * {@code GET /metrics} as the HTTPS API does, for probes and scrapers on the same machine ({@code
 * node.managementPort}, off by default). Nothing else is served here.
 */
public final class ManagementVerticle extends VerticleBase {

  /** The only address the management port binds to. */
  public static final String HOST = "127.0.0.1";

  private final int port;
  private final long ledgerTimeoutMillis;
  private final PrometheusMeterRegistry metrics;
  private HttpServer server;

  private final Supplier<JsonObject> cluster;

  private final int requestHeadTimeoutSeconds;
  private final int heapWarningPercent;

  /**
   * @param cluster a cluster member's own view for {@code /health}, or null on a single node
   * @param requestHeadTimeoutSeconds as on the HTTPS port ({@code http.requestHeadTimeoutSeconds}):
   *     idle and slow connections go, so that the port's connection cap is not held by clients that
   *     leave their connections open
   * @param heapWarningPercent as on the HTTPS port ({@code http.heapWarningPercent})
   */
  public ManagementVerticle(
      int port,
      long ledgerTimeoutMillis,
      PrometheusMeterRegistry metrics,
      Supplier<JsonObject> cluster,
      int requestHeadTimeoutSeconds,
      int heapWarningPercent) {
    this.cluster = cluster;
    this.heapWarningPercent = heapWarningPercent;
    this.requestHeadTimeoutSeconds = requestHeadTimeoutSeconds;
    this.port = port;
    this.ledgerTimeoutMillis = ledgerTimeoutMillis;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router
        .get("/health")
        .handler(Operations.health(vertx, ledgerTimeoutMillis, cluster, heapWarningPercent));
    if (metrics != null) {
      router.get("/metrics").handler(Operations.metrics(metrics));
    }
    router.errorHandler(
        404,
        ctx ->
            ApiError.send(
                ctx,
                404,
                ApiError.NOT_FOUND,
                "the management port serves /health and /metrics only"));
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .connectionHandler(new RequestHeadTimeout(requestHeadTimeoutSeconds)::watch);
    return server.listen(port, HOST);
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
