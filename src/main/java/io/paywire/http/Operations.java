package io.paywire.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerStatus;
import io.paywire.net.LogRate;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.function.Supplier;

/**
 * {@code GET /health} and {@code GET /metrics}, for the HTTPS API and the plain management port
 * alike.
 *
 * <p>Health has two checks: {@code ledger} (the ledger answers its status request within {@code
 * ledger.requestTimeoutMillis}; its data is that status) and {@code journal} (the ledger has not
 * failed closed, so its journal takes writes). Either down makes the reply 503. A cluster member
 * has a third, {@code cluster}: this member's own view (its Raft id, who leads, the Raft term, how
 * many members Hazelcast sees), down while no leader is known.
 *
 * <p>A fourth, {@code heap}, is always up: the heap used after the last collection and the most it
 * may grow to, and {@code "warning": true} once the first passes {@code http.heapWarningPercent} of
 * the second, so that an operator is told before the ledger's history outgrows the heap
 * (docs/architecture.md, memory). A warning is logged too, at most once per {@code
 * node.logSummaryIntervalSeconds}.
 */
public final class Operations {

  public static final String LEDGER_CHECK = "ledger";
  public static final String JOURNAL_CHECK = "journal";
  public static final String CLUSTER_CHECK = "cluster";
  public static final String HEAP_CHECK = "heap";

  private static final System.Logger LOG = System.getLogger(Operations.class.getName());
  private static final LogRate HEAP_LOG = LogRate.nodeWide(LOG);
  private static final int PERCENT = 100;

  /** The young generation's allocation pool, in every HotSpot collector's pool names. */
  private static final String EDEN = "Eden";

  private Operations() {}

  /**
   * @param cluster a cluster member's own view ({@code "leader"} null while none is known), or null
   *     on a single node
   * @param heapWarningPercent the heap check warns once the heap used after collection is above
   *     this share of the maximum
   */
  public static Handler<RoutingContext> health(
      Vertx vertx, long ledgerTimeoutMillis, Supplier<JsonObject> cluster, int heapWarningPercent) {
    LedgerClient ledger = new LedgerClient(vertx.eventBus(), ledgerTimeoutMillis);
    HealthChecks checks =
        HealthChecks.create(vertx)
            .register(
                LEDGER_CHECK,
                ledgerTimeoutMillis + 1_000,
                promise ->
                    ledger
                        .status()
                        .onComplete(
                            done -> {
                              LedgerReply<LedgerStatus> reply = done.result();
                              if (reply instanceof LedgerReply.Ok<LedgerStatus> ok) {
                                promise.complete(Status.OK(ok.value().toJson()));
                              } else {
                                promise.complete(
                                    Status.KO(
                                        new JsonObject().put("reason", String.valueOf(reply))));
                              }
                            }))
            .register(
                JOURNAL_CHECK,
                ledgerTimeoutMillis + 1_000,
                promise ->
                    ledger
                        .status()
                        .onComplete(
                            done -> {
                              if (done.result() instanceof LedgerReply.Ok<LedgerStatus> ok
                                  && !ok.value().failed()) {
                                promise.complete(Status.OK());
                              } else {
                                String failure =
                                    done.result() instanceof LedgerReply.Ok<LedgerStatus> ok
                                        ? ok.value().failure()
                                        : "no answer from the ledger";
                                promise.complete(
                                    Status.KO(new JsonObject().put("reason", failure)));
                              }
                            }));
    checks.register(HEAP_CHECK, promise -> promise.complete(Status.OK(heap(heapWarningPercent))));
    if (cluster != null) {
      checks.register(
          CLUSTER_CHECK,
          promise -> {
            JsonObject view = cluster.get();
            promise.complete(view.getValue("leader") != null ? Status.OK(view) : Status.KO(view));
          });
    }
    return HealthCheckHandler.createWithHealthChecks(checks);
  }

  /**
   * The heap used after the last collection of each heap pool (what the live data needs; the
   * current use, garbage included, before the first collection), the maximum, and whether the first
   * is above {@code warningPercent} of the second.
   */
  static JsonObject heap(int warningPercent) {
    // What survives young collections: every heap pool but eden, each at the larger of its use
    // after its last collection and its use now. An old generation's "after collection" figure is
    // only refreshed by an old collection, which G1 may skip for a long time on a heap of live
    // history, so it alone could stay low until just before the heap runs out; its use now counts
    // garbage not yet collected too, so the warning may come early, never late.
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP || pool.getName().contains(EDEN)) {
        continue;
      }
      MemoryUsage afterGc = pool.getCollectionUsage();
      used += Math.max(afterGc == null ? 0 : afterGc.getUsed(), pool.getUsage().getUsed());
    }
    long max = Runtime.getRuntime().maxMemory();
    boolean warning = used * PERCENT > max * (long) warningPercent;
    if (warning) {
      HEAP_LOG.log(
          Level.WARNING,
          "heap_warning",
          "event=heap_warning usedBytes="
              + used
              + " maxBytes="
              + max
              + " warningPercent="
              + warningPercent
              + " action=\"give the node more heap (-Xmx) before the ledger's history outgrows it: "
              + "docs/architecture.md, memory\"");
    }
    return new JsonObject()
        .put("usedBytes", used)
        .put("maxBytes", max)
        .put("warningPercent", warningPercent)
        .put("warning", warning);
  }

  public static Handler<RoutingContext> metrics(PrometheusMeterRegistry registry) {
    return PrometheusScrapingHandler.create(registry);
  }
}
