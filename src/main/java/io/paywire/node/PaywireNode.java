package io.paywire.node;

import io.paywire.config.PaywireConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One running node: a Vert.x instance with the ledger writer and the listeners deployed. The
 * ledger verticle is deployed first and undeployed last, so listeners never talk to a ledger that
 * is not there.
 */
public final class PaywireNode {

  /** A bound listener, printed at start: {@code endpoint <name> <host>:<port>}. */
  public record Endpoint(String name, String host, int port) {
    @Override
    public String toString() {
      return "endpoint " + name + " " + host + ":" + port;
    }
  }

  private final Vertx vertx;
  private final List<Endpoint> endpoints;
  /** Deployment ids, in deployment order. */
  private final List<String> deployments;
  private Future<Void> closing;

  private PaywireNode(Vertx vertx, List<Endpoint> endpoints, List<String> deployments) {
    this.vertx = vertx;
    this.endpoints = endpoints;
    this.deployments = deployments;
  }

  public static Future<PaywireNode> start(PaywireConfig config, Path dataDirectory) {
    Vertx vertx = Vertx.vertx();
    LedgerVerticle.Settings settings = new LedgerVerticle.Settings(dataDirectory,
        config.ledger().options(), config.ledger().defaultDepositMinor(),
        config.ledger().maxPendingRequests());
    StatusHttpVerticle http =
        new StatusHttpVerticle(config.node().host(), config.node().httpPort());
    List<Endpoint> endpoints = new ArrayList<>();
    List<String> deployments = new ArrayList<>();
    return vertx.deployVerticle(new LedgerVerticle(settings, Clock.systemUTC()))
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(http);
        })
        .map(id -> {
          deployments.add(id);
          endpoints.add(new Endpoint("http", config.node().host(), http.actualPort()));
          return new PaywireNode(vertx, List.copyOf(endpoints), deployments);
        })
        .recover(e -> {
          // Report the cause now; the close finishes (or not) in the background as we exit.
          vertx.close();
          return Future.failedFuture(e);
        });
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Stops listeners first, then the ledger (which finishes queued work, syncs and closes the
   * journal), then Vert.x itself.
   */
  public synchronized Future<Void> close() {
    if (closing != null) {
      return closing; // a second signal while stopping must not undeploy twice
    }
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(id));
    }
    closing = undeployed.eventually(vertx::close);
    return closing;
  }
}
