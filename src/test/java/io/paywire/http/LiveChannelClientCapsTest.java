package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.LiveClient;
import io.paywire.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No client takes every live-channel slot: sockets are capped per client address (at the handshake)
 * and per login (when the socket authenticates), node-wide, below the node's cap.
 */
class LiveChannelClientCapsTest {

  private static final int CAP = 3;

  @TempDir Path dir;
  private TestNode node;
  private ApiClient api;
  private Vertx client;
  private int port;
  private final List<LiveClient> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    node =
        TestNode.startWith(
            dir,
            new JsonObject()
                .put(
                    "http",
                    new JsonObject()
                        .put("maxWebSockets", 4 * CAP)
                        .put("maxWebSocketsPerAddress", CAP)
                        .put("maxWebSocketsPerLogin", CAP)));
    api = ApiClient.of(node, dir);
    client = Vertx.vertx();
    port = node.port("http");
  }

  @AfterEach
  void stop() throws Exception {
    open.forEach(LiveClient::close);
    client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    node.close();
  }

  @Test
  void aFourthSocketOfOneLoginIsClosedWhenItAuthenticatesWhileAnotherUserConnects()
      throws Exception {
    ApiUser alice = ApiUser.loggedIn(api, "alice", 1_000L);
    ApiUser bob = ApiUser.loggedIn(api, "bob", 1_000L);
    for (int i = 0; i < CAP; i++) {
      // Each from its own address, so that only the per-login cap can refuse the next one.
      open.add(LiveClient.ready(client, dir, port, alice.token(), "127.0.0." + (10 + i)));
    }
    try (LiveClient fourth =
        LiveClient.open(
            client, dir, port, Map.of("Origin", "https://127.0.0.1:" + port), "127.0.0.20")) {
      fourth.send(new JsonObject().put("type", "auth").put("token", alice.token()));
      assertThat(fourth.awaitClosed()).isEqualTo((short) 1008);
      assertThat(fourth.messages("ready")).isEmpty();
      assertThat(fourth.messages("error").get(0).getString("error")).isEqualTo("RATE_LIMITED");
    }
    open.add(LiveClient.ready(client, dir, port, bob.token(), "127.0.0.20"));
  }

  @Test
  void aFourthSocketFromOneAddressIsRefusedAtTheHandshakeWhileAnotherAddressConnects()
      throws Exception {
    List<ApiUser> users = new ArrayList<>();
    for (int i = 0; i <= CAP; i++) {
      users.add(ApiUser.loggedIn(api, "user" + i, 1_000L));
    }
    for (int i = 0; i < CAP; i++) {
      open.add(LiveClient.ready(client, dir, port, users.get(i).token(), "127.0.0.30"));
    }
    assertThat(
            LiveClient.handshakeStatus(
                client, dir, port, Map.of("Origin", "https://127.0.0.1:" + port), "127.0.0.30"))
        .isEqualTo(429);
    open.add(LiveClient.ready(client, dir, port, users.get(CAP).token(), "127.0.0.31"));
  }
}
