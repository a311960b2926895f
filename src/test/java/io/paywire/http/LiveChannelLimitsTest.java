package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live channel's bounds on a node with small ones: the authentication timeout, token expiry,
 * sockets per node, message size, and no event-bus consumer left behind by a socket.
 */
class LiveChannelLimitsTest {

  private static final int TOKEN_SECONDS = 5;
  private static final int MAX_SOCKETS = 3;
  private static final int MAX_MESSAGE_BYTES = 1024; // a session token takes about 300

  @TempDir Path dir;
  private TestNode node;
  private ApiClient api;
  private Vertx client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    node =
        TestNode.startWith(
            dir,
            new JsonObject()
                .put(
                    "http",
                    new JsonObject()
                        .put("webSocketAuthTimeoutSeconds", 1)
                        .put("sessionTokenSeconds", TOKEN_SECONDS)
                        .put("maxWebSockets", MAX_SOCKETS)
                        .put("maxWebSocketMessageBytes", MAX_MESSAGE_BYTES)));
    api = ApiClient.of(node, dir);
    client = Vertx.vertx();
    port = node.port("http");
  }

  @AfterEach
  void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    node.close();
  }

  private ApiUser loggedIn(String name) throws Exception {
    return ApiUser.loggedIn(api, name, 1_000L);
  }

  @Test
  void aSocketThatNeverAuthenticatesIsClosedWith1008() throws Exception {
    try (LiveClient live = LiveClient.open(client, dir, port)) {
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages()).hasSize(1);
      assertThat(live.messages().get(0).getString("error")).isEqualTo("UNAUTHORIZED");
    }
  }

  @Test
  void anExpiringTokenClosesItsSocketWith1008AndIsRefusedAfterwards() throws Exception {
    ApiUser brief = loggedIn("brief");
    String token = brief.token();
    try (LiveClient live = LiveClient.ready(client, dir, port, token)) {
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("error").get(0).getString("reason")).isEqualTo("expired");
    }
    try (LiveClient live = LiveClient.open(client, dir, port)) {
      live.send(new JsonObject().put("type", "auth").put("token", token));
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("ready")).isEmpty();
      assertThat(live.messages("error").get(0).getString("error")).isEqualTo("UNAUTHORIZED");
    }
  }

  @Test
  void aMessageAfterAuthOrAboveTheLimitClosesTheSocket() throws Exception {
    ApiUser alice = loggedIn("alice");
    try (LiveClient live = LiveClient.ready(client, dir, port, alice.token())) {
      live.send(new JsonObject().put("type", "auth").put("token", alice.token()));
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("error").get(0).getString("error")).isEqualTo("BAD_REQUEST");
    }
    try (LiveClient live = LiveClient.open(client, dir, port)) {
      live.send(new JsonObject().put("type", "auth").put("token", "x".repeat(MAX_MESSAGE_BYTES)));
      assertThat(live.awaitClosed()).isEqualTo((short) 1009);
      assertThat(live.messages("ready")).isEmpty();
    }
  }

  @Test
  void socketsBeyondTheNodesLimitAreRefusedAndClosedSocketsLeaveNoConsumerBehind()
      throws Exception {
    List<ApiUser> users = new ArrayList<>();
    for (int i = 0; i < MAX_SOCKETS; i++) {
      users.add(loggedIn("user" + i));
    }
    double before = handlers();
    for (int round = 0; round < 5; round++) {
      List<LiveClient> open = new ArrayList<>();
      for (ApiUser user : users) {
        open.add(LiveClient.ready(client, dir, port, user.token()));
      }
      assertThat(handlers())
          .as("one consumer a socket, for its login's end")
          .isEqualTo(before + MAX_SOCKETS);
      assertThat(
              LiveClient.handshakeStatus(
                  client, dir, port, Map.of("Origin", "https://127.0.0.1:" + port)))
          .isEqualTo(503);
      open.forEach(LiveClient::close);
      Awaitility.await().atMost(LiveClient.TIMEOUT).until(() -> handlers() == before);
    }
    // And the slots came back: a full set opens again.
    for (ApiUser user : users) {
      LiveClient.ready(client, dir, port, user.token()).close();
    }
  }

  /** Event-bus handlers registered on the node, as its metrics count them. */
  private double handlers() {
    Gauge gauge = node.node().metrics().find("vertx.eventbus.handlers").gauge();
    return gauge == null ? 0 : gauge.value();
  }
}
