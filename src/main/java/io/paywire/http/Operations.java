package io.paywire.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerStatus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.Supplier;

/**
 * {@code GET /health} and {@code GET /metrics}, for the HTTPS API and the plain management port
 * alike.
 *
 * <p>Health has two checks: {@code ledger} (the ledger answers its status request within
 * {@code ledger.requestTimeoutMillis}; its data is that status) and {@code journal} (the ledger
 * has not failed closed, so its journal takes writes). Either down makes the reply 503. A cluster
 * member has a third, {@code cluster}: this member's own view (its Raft id, who leads, the Raft
 * term, how many members Hazelcast sees), down while no leader is known.
 */
public final class Operations {

  public static final String LEDGER_CHECK = "ledger";
  public static final String JOURNAL_CHECK = "journal";
  public static final String CLUSTER_CHECK = "cluster";

  private Operations() {}

  /**
   * @param cluster a cluster member's own view ({@code "leader"} null while none is known), or
   *     null on a single node
   */
  public static Handler<RoutingContext> health(Vertx vertx, long ledgerTimeoutMillis,
      Supplier<JsonObject> cluster) {
    LedgerClient ledger = new LedgerClient(vertx.eventBus(), ledgerTimeoutMillis);
    HealthChecks checks = HealthChecks.create(vertx)
        .register(LEDGER_CHECK, ledgerTimeoutMillis + 1_000, promise ->
            ledger.status().onComplete(done -> {
              LedgerReply<LedgerStatus> reply = done.result();
              if (reply instanceof LedgerReply.Ok<LedgerStatus> ok) {
                promise.complete(Status.OK(ok.value().toJson()));
              } else {
                promise.complete(Status.KO(new JsonObject().put("reason", String.valueOf(reply))));
              }
            }))
        .register(JOURNAL_CHECK, ledgerTimeoutMillis + 1_000, promise ->
            ledger.status().onComplete(done -> {
              if (done.result() instanceof LedgerReply.Ok<LedgerStatus> ok
                  && !ok.value().failed()) {
                promise.complete(Status.OK());
              } else {
                String failure = done.result() instanceof LedgerReply.Ok<LedgerStatus> ok
                    ? ok.value().failure() : "no answer from the ledger";
                promise.complete(Status.KO(new JsonObject().put("reason", failure)));
              }
            }));
    if (cluster != null) {
      checks.register(CLUSTER_CHECK, promise -> {
        JsonObject view = cluster.get();
        promise.complete(view.getValue("leader") != null ? Status.OK(view) : Status.KO(view));
      });
    }
    return HealthCheckHandler.createWithHealthChecks(checks);
  }

  public static Handler<RoutingContext> metrics(PrometheusMeterRegistry registry) {
    return PrometheusScrapingHandler.create(registry);
  }
}
