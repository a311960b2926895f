package io.paywire.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerAddresses;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerStatus;
import io.paywire.bus.LedgerViews;
import io.paywire.cli.BackupCommand;
import io.paywire.cli.VerifyCommand;
import io.paywire.config.PaywireConfig;
import io.paywire.ledger.TransferId;
import io.paywire.testing.LogCapture;
import io.paywire.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A node with networks: each network is a ledger of its own, in its own directory and at its own
 * addresses, whose money never mixes with the main ledger's; it survives a restart, and verify and
 * backup find it.
 */
class NetworksNodeTest {

  private static final long TIMEOUT_SECONDS = 60;

  /** A build without network listeners: the ledgers alone (the course listener has its tests). */
  private static final NetworkListeners NO_LISTENERS = new NetworkListeners(Map.of());

  @TempDir Path work;

  @Test
  void eachNetworkIsALedgerOfItsOwn() throws Exception {
    Path data = work.resolve("data");
    PaywireNode node = start(config(), NO_LISTENERS);
    try {
      assertThat(data.resolve("networks/phase1/journal")).isDirectory();
      assertThat(data.resolve("networks/phase2/journal")).isDirectory();
      assertThat(node.endpoints()).noneMatch(e -> e.name().startsWith("network:"));
      LedgerClient main = new LedgerClient(node.vertx().eventBus(), 10_000);
      LedgerClient phase1 =
          new LedgerClient(node.vertx().eventBus(), LedgerAddresses.network("phase1"), 10_000);
      LedgerClient phase2 =
          new LedgerClient(node.vertx().eventBus(), LedgerAddresses.network("phase2"), 10_000);
      LedgerStatus mainBefore = ok(main.status());

      ok(phase1.openAccount("Joanne", 500L, null));
      ok(phase1.openAccount("Lily", 100L, null));
      ok(phase1.transfer(TransferId.random(new Random(3)), "Joanne", "Lily", 42, null, null));

      LedgerStatus mainAfter = ok(main.status());
      assertThat(mainAfter.accounts()).isEqualTo(mainBefore.accounts());
      assertThat(mainAfter.transfers()).isEqualTo(mainBefore.transfers());
      assertThat(await(main.account("Joanne"))).isInstanceOf(LedgerReply.Rejected.class);
      assertThat(ok(phase2.status()).accounts()).isEqualTo(1); // its issuer alone

      // And the other way: the main ledger's registration stays out of the network.
      ok(main.openAccount("Robin", 700L, null));
      assertThat(await(phase1.account("Robin"))).isInstanceOf(LedgerReply.Rejected.class);
      assertThat(ok(phase1.status()).accounts()).isEqualTo(3);
    } finally {
      await(node.close());
    }

    node = start(config(), NO_LISTENERS);
    try {
      LedgerClient phase1 =
          new LedgerClient(node.vertx().eventBus(), LedgerAddresses.network("phase1"), 10_000);
      LedgerViews.Account lily = ok(phase1.account("lily"));
      assertThat(lily.balance()).isEqualTo(142);
    } finally {
      await(node.close());
    }

    StringWriter out = new StringWriter();
    int verified =
        new CommandLine(new VerifyCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(out, true))
            .execute("--data-dir", data.toString());
    assertThat(verified).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("verify: OK " + data + "\n")
        .contains("verify: OK " + data.resolve("networks/phase1"))
        .contains("verify: OK " + data.resolve("networks/phase2"))
        .contains("3 of 3 ledgers OK");

    Path backup = work.resolve("backup");
    int backedUp =
        new CommandLine(new BackupCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(out, true))
            .execute("--data-dir", data.toString(), "--to", backup.toString());
    assertThat(backedUp).as(out.toString()).isZero();
    assertThat(backup.resolve("networks/phase1/journal")).isDirectory();
    assertThat(backup.resolve("networks/phase2/journal")).isDirectory();
  }

  @Test
  void aKindWithAListenerGetsItsEndpointAndOneWithoutIsSaidSo() throws Exception {
    NetworkListeners listeners =
        new NetworkListeners(
            Map.of(
                PaywireConfig.Network.Kind.COURSE,
                serving ->
                    serving
                        .vertx()
                        .deployVerticle(
                            new Listening(serving.network().host(), serving.network().port()))));
    JsonObject json = config();
    json.getJsonObject("networks").getJsonObject("phase2").put("port", 0);
    PaywireNode node;
    try (LogCapture logs = new LogCapture()) {
      node = start(json, listeners);
      assertThat(logs.lines(Level.INFO))
          .anyMatch(
              line ->
                  line.startsWith("event=network name=phase1 kind=course ledger=")
                      && line.endsWith("listener=127.0.0.1:" + port(node, "network:phase1")));
    }
    try {
      int port = port(node, "network:phase1");
      assertThat(port).isPositive();
      assertThat(port(node, "network:phase2")).isPositive().isNotEqualTo(port);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        assertThat(socket.isConnected()).isTrue();
      }
    } finally {
      await(node.close());
    }
  }

  @Test
  void aKindWithNoListenerStillRunsItsLedgerAndLogsSo() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      PaywireNode node = start(config(), NO_LISTENERS);
      await(node.close());
      assertThat(logs.lines(Level.INFO))
          .anyMatch(
              line ->
                  line.startsWith("event=network name=phase2 kind=course ledger=")
                      && line.endsWith("listener=none"));
    }
  }

  /** A stand-in network listener: a plain TCP server on the network's host and port. */
  private static final class Listening extends VerticleBase {
    private final String host;
    private final int port;

    Listening(String host, int port) {
      this.host = host;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      NetServer server = vertx.createNetServer();
      server.connectHandler(socket -> {});
      return server.listen(port, host);
    }
  }

  private static int port(PaywireNode node, String name) {
    return node.endpoints().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .map(PaywireNode.Endpoint::port)
        .orElse(-1);
  }

  /** The node's sections: two course networks on free ports. */
  private static JsonObject config() {
    JsonObject course =
        new JsonObject().put("kind", "course").put("port", 0).put("dialect", "2021");
    return new JsonObject()
        .put(
            "networks", new JsonObject().put("phase1", course.copy()).put("phase2", course.copy()));
  }

  /** A node on {@code work}: its data in {@code work/data}, as a restart finds it again. */
  private PaywireNode start(JsonObject sections, NetworkListeners listeners) throws Exception {
    return TestNode.startWith(work, sections, listeners).node();
  }

  private static <T> T ok(Future<LedgerReply<T>> reply) throws Exception {
    LedgerReply<T> answer = await(reply);
    assertThat(answer).isInstanceOf(LedgerReply.Ok.class);
    return ((LedgerReply.Ok<T>) answer).value();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
