package io.paywire.testing;

import io.paywire.config.PaywireConfig;
import io.paywire.server.NetworkListeners;
import io.paywire.server.PaywireNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A real node in this JVM for tests: every listener on 127.0.0.1 and a free port, data and
 * certificates in a temporary directory. Close it to stop everything it started.
 */
public final class TestNode implements AutoCloseable {

  private final PaywireNode node;

  private TestNode(PaywireNode node) {
    this.node = node;
  }

  /** Starts with the defaults, changed by {@code text} (the "text" section of the config). */
  public static TestNode start(Path directory, JsonObject text) throws Exception {
    return start(directory, text, null);
  }

  /**
   * Also starts the compatibility listener on a free port (endpoint "compat") with {@code compat}
   * as the "compat" section, unless it is null.
   */
  public static TestNode start(Path directory, JsonObject text, JsonObject compat)
      throws Exception {
    return start(directory, text, compat, new JsonObject());
  }

  /** As above, with {@code ledger} merged into the "ledger" section. */
  public static TestNode start(
      Path directory, JsonObject text, JsonObject compat, JsonObject ledger) throws Exception {
    return startWith(directory, text, compat, ledger, new JsonObject());
  }

  /** As above, with {@code sections} (e.g. {@code {"http": {...}}}) merged in, deeply. */
  public static TestNode startWith(Path directory, JsonObject sections) throws Exception {
    return startWith(directory, sections, Clock.systemUTC());
  }

  /** As above, with session tokens expiring on {@code clock} (a {@link MovableClock}). */
  public static TestNode startWith(Path directory, JsonObject sections, Clock clock)
      throws Exception {
    return startWith(directory, sections, clock, NetworkListeners.BUILT_IN);
  }

  /** As above, with the networks' listeners made by {@code listeners}. */
  public static TestNode startWith(Path directory, JsonObject sections, NetworkListeners listeners)
      throws Exception {
    return startWith(directory, sections, Clock.systemUTC(), listeners);
  }

  private static TestNode startWith(
      Path directory, JsonObject sections, Clock clock, NetworkListeners listeners)
      throws Exception {
    return startWith(
        directory, new JsonObject(), null, new JsonObject(), sections, clock, listeners);
  }

  private static TestNode startWith(
      Path directory, JsonObject text, JsonObject compat, JsonObject ledger, JsonObject sections)
      throws Exception {
    return startWith(
        directory, text, compat, ledger, sections, Clock.systemUTC(), NetworkListeners.BUILT_IN);
  }

  private static TestNode startWith(
      Path directory,
      JsonObject text,
      JsonObject compat,
      JsonObject ledger,
      JsonObject sections,
      Clock clock,
      NetworkListeners listeners)
      throws Exception {
    JsonObject json =
        new JsonObject()
            .put(
                "node",
                new JsonObject()
                    .put("host", "127.0.0.1")
                    .put("tlsPort", 0)
                    .put("httpPort", 0)
                    .put("managementPort", 0)
                    .put("compatPort", compat == null ? -1 : 0))
            .put("compat", compat == null ? new JsonObject() : compat)
            .put("ledger", new JsonObject().put("defaultDepositMinor", 10_000).mergeIn(ledger))
            .put(
                "tls",
                new JsonObject().put("certsDirectory", directory.resolve("certs").toString()))
            .put("text", text)
            // Tests register many accounts from 127.0.0.1 with the deposits they state; the
            // defaults (a fixed opening balance, 30 registrations a minute) have tests of their
            // own.
            .put(
                "session",
                new JsonObject()
                    .put("openingDeposit", "stated")
                    .put("registrationsPerMinute", 1_000_000));
    json.mergeIn(sections, true);
    PaywireNode node =
        PaywireNode.start(
                PaywireConfig.fromJson(json), directory.resolve("data"), null, clock, listeners)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    return new TestNode(node);
  }

  public static TestNode start(Path directory) throws Exception {
    return start(directory, new JsonObject());
  }

  public int port(String endpoint) {
    return node.endpoints().stream()
        .filter(e -> e.name().equals(endpoint))
        .findFirst()
        .orElseThrow()
        .port();
  }

  public int tlsPort() {
    return port("tls");
  }

  public String fingerprint() {
    return node.identity().fingerprint();
  }

  public PaywireNode node() {
    return node;
  }

  @Override
  public void close() throws Exception {
    node.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
