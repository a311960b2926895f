package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.LiveClient;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live channel on a real node with real TLS WebSockets: who may open it, how it authenticates,
 * and that a user hears presence and their own payments, from every entry point, and never anyone
 * else's payments.
 */
class LiveChannelTest {

  /** Sockets opened on top of the first, all for one login (the fan-out test). */
  private static final int MORE_SOCKETS = 5;

  @TempDir Path dir;
  private TestNode node;
  private ApiClient api;
  private Vertx client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    node = TestNode.start(dir);
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

  private int handshake(Map<String, String> headers) throws Exception {
    return LiveClient.handshakeStatus(client, dir, port, headers);
  }

  @Test
  void onlyTheNodesOwnOriginsAndClientsThatAreNoBrowserMayOpenIt() throws Exception {
    assertThat(handshake(Map.of("Origin", "https://127.0.0.1:" + port))).isEqualTo(101);
    assertThat(handshake(Map.of("Origin", "https://LOCALHOST:" + port))).isEqualTo(101);
    assertThat(handshake(Map.of())).as("a program sends no Origin").isEqualTo(101);

    assertThat(handshake(Map.of("Origin", "https://evil.example"))).isEqualTo(403);
    assertThat(handshake(Map.of("Origin", "https://127.0.0.1:" + (port + 1)))).isEqualTo(403);
    assertThat(handshake(Map.of("Origin", "http://127.0.0.1:" + port))).isEqualTo(403);
    assertThat(handshake(Map.of("Origin", "null"))).as("an opaque origin").isEqualTo(403);
    assertThat(handshake(Map.of("Sec-Fetch-Mode", "websocket", "Sec-Fetch-Site", "cross-site")))
        .as("a browser that hid its Origin")
        .isEqualTo(403);
  }

  @Test
  void aFirstMessageThatIsNotAValidAuthIsRefusedWith1008() throws Exception {
    ApiUser alice = loggedIn("alice");
    String forged = alice.token().substring(0, alice.token().length() - 4) + "AAAA";
    List<JsonObject> firsts =
        List.of(
            new JsonObject().put("type", "hello"),
            new JsonObject().put("type", "auth"),
            new JsonObject().put("type", "auth").put("token", "not.a.token"),
            new JsonObject().put("type", "auth").put("token", forged));
    for (JsonObject first : firsts) {
      try (LiveClient live = LiveClient.open(client, dir, port)) {
        live.send(first);
        assertThat(live.awaitClosed()).as("%s", first).isEqualTo((short) 1008);
        assertThat(live.messages()).as("%s", first).hasSize(1);
        assertThat(live.messages().get(0).getString("type")).isEqualTo("error");
        assertThat(live.messages().get(0).getString("error")).isEqualTo("UNAUTHORIZED");
      }
    }
    // Not a cookie, not a header: a token anywhere but in the first message does not count.
    try (LiveClient live =
        LiveClient.open(
            client,
            dir,
            port,
            Map.of(
                "Origin",
                "https://127.0.0.1:" + port,
                "Authorization",
                "Bearer " + alice.token(),
                "Cookie",
                "token=" + alice.token()))) {
      live.send(new JsonObject().put("type", "subscribe"));
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("ready")).isEmpty();
    }
  }

  @Test
  void aRevokedTokenIsRefusedAndLogoutClosesALiveSocketWith1008() throws Exception {
    ApiUser alice = loggedIn("alice");
    String first = alice.token();
    try (LiveClient live = LiveClient.ready(client, dir, port, first)) {
      assertThat(live.await("ready").getString("name")).isEqualTo("alice");
      assertThat(api.post("/auth/logout", new byte[0], "Bearer " + first, null).status())
          .isEqualTo(204);
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      JsonObject ended = live.messages("error").get(0);
      assertThat(ended.getString("error")).isEqualTo("UNAUTHORIZED");
      assertThat(ended.getString("reason")).isEqualTo("logout");
    }
    try (LiveClient live = LiveClient.open(client, dir, port)) {
      live.send(new JsonObject().put("type", "auth").put("token", first));
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("ready")).isEmpty();
    }
    // The account may log in again, and the new token opens the channel.
    assertThat(alice.login().status()).isEqualTo(200);
    try (LiveClient live = LiveClient.ready(client, dir, port, alice.token())) {
      assertThat(live.closed()).isFalse();
      // A newer login (another tab, a restarted client) replaces this one and closes its socket.
      assertThat(alice.login().status()).isEqualTo(200);
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("error").get(0).getString("reason")).isEqualTo("replaced");
    }
    try (LiveClient live = LiveClient.ready(client, dir, port, alice.token())) {
      assertThat(live.closed()).isFalse();
    }
  }

  @Test
  void aUserHearsTheirOwnTransfersAndPresenceButNeverAnotherAccountsTransfers() throws Exception {
    ApiUser alice = loggedIn("alice");
    ApiUser bob = ApiUser.of(api, "bob", KeyType.EC);
    assertThat(bob.register(1_000L, null).status()).isEqualTo(201);
    ApiUser carol = ApiUser.of(api, "carol", KeyType.RSA);
    assertThat(carol.register(1_000L, null).status()).isEqualTo(201);

    try (LiveClient live = LiveClient.ready(client, dir, port, alice.token())) {
      JsonObject ready = live.await("ready");
      assertThat(ready.getLong("balance")).isEqualTo(1_000);
      assertThat(ready.getJsonArray("online").encode()).contains("\"alice\"");

      assertThat(bob.pay("carol", 100, id(1)).status()).as("not alice's").isEqualTo(201);
      assertThat(bob.pay("alice", 70, id(2)).status()).isEqualTo(201);
      assertThat(alice.pay("carol", 20, id(3)).status()).isEqualTo(201);
      Awaitility.await()
          .atMost(LiveClient.TIMEOUT)
          .until(() -> live.messages("transfer").size() >= 2);
      assertThat(carol.login().status()).isEqualTo(200);
      assertThat(api.post("/auth/logout", new byte[0], "Bearer " + carol.token(), null).status())
          .isEqualTo(204);
      Awaitility.await()
          .atMost(LiveClient.TIMEOUT)
          .until(
              () ->
                  live.messages("presence").stream()
                      .anyMatch(p -> "offline".equals(p.getString("op"))));

      List<JsonObject> transfers = live.messages("transfer");
      assertThat(transfers)
          .extracting(t -> t.getJsonObject("transfer").getString("id"))
          .containsExactly(id(2), id(3));
      JsonObject in = transfers.get(0);
      assertThat(in.getJsonObject("transfer").getString("source")).isEqualTo("bob");
      assertThat(in.getJsonObject("transfer").getString("target")).isEqualTo("alice");
      assertThat(in.getJsonObject("transfer").getLong("amount")).isEqualTo(70);
      assertThat(in.getLong("balance")).as("the payee's balance, read").isEqualTo(1_070);
      assertThat(transfers.get(1).getLong("balance")).as("the payer's").isEqualTo(1_050);
      assertThat(live.messages().toString())
          .doesNotContain(id(1))
          .doesNotContain("\"bob\"," + "\"target\":\"carol\"");
      assertThat(live.messages("presence"))
          .extracting(p -> p.getString("op") + " " + p.getString("name") + " " + p.getString("via"))
          .containsExactly("online carol http", "offline carol http");
      assertThat(live.messages().get(0).getString("type"))
          .as("ready comes first")
          .isEqualTo("ready");
    }
  }

  @Test
  void aTextUserPayingAnApiUserShowsLiveAndItsLoginAndLogoutArePresenceEvents() throws Exception {
    ApiUser web = loggedIn("web");
    try (LiveClient live = LiveClient.ready(client, dir, port, web.token())) {
      KeyPair keys = KeyType.EC.generate();
      try (TlsLineClient text =
          TlsLineClient.connect(
              node.tlsPort(),
              node.fingerprint(),
              keys,
              Certificates.selfSigned(keys, "texter", Duration.ofDays(1)))) {
        assertThat(text.ask("REGISTER#texter#500")).isEqualTo("100 OK");
        text.askList("texter#0");
        JsonObject online = live.await("presence");
        assertThat(online.getString("op")).isEqualTo("online");
        assertThat(online.getString("name")).isEqualTo("texter");
        assertThat(online.getString("via")).isEqualTo("tls");

        assertThat(text.ask("PAY#web#40#" + id(7))).startsWith("TRANS OK " + id(7));
        JsonObject paid = live.await("transfer");
        assertThat(paid.getJsonObject("transfer").getString("id")).isEqualTo(id(7));
        assertThat(paid.getJsonObject("transfer").getString("source")).isEqualTo("texter");
        assertThat(paid.getLong("balance")).isEqualTo(1_040);
        text.send("EXIT");
      }
      Awaitility.await()
          .atMost(LiveClient.TIMEOUT)
          .until(() -> live.messages("presence").size() >= 2);
      JsonObject offline = live.messages("presence").get(1);
      assertThat(offline.getString("op")).isEqualTo("offline");
      assertThat(offline.getString("name")).isEqualTo("texter");
    }
  }

  /** Event-bus handlers registered on the node (Vert.x's Micrometer gauge, every address). */
  private long handlers() {
    return Math.round(
        node.node().metrics().find("vertx.eventbus.handlers").gauges().stream()
            .mapToDouble(Gauge::value)
            .sum());
  }

  @Test
  void socketsAddNoTransferOrPresenceConsumerAndAThirdUserHearsNoPaymentOfOthers()
      throws Exception {
    ApiUser alice = ApiUser.loggedIn(api, "alice", 1_000L);
    ApiUser bob = ApiUser.loggedIn(api, "bob", 1_000L);
    ApiUser carol = ApiUser.loggedIn(api, "carol", 1_000L);
    List<LiveClient> carols = new ArrayList<>();
    try (LiveClient aliceLive = LiveClient.ready(client, dir, port, alice.token());
        LiveClient bobLive = LiveClient.ready(client, dir, port, bob.token())) {
      carols.add(LiveClient.ready(client, dir, port, carol.token()));
      long before = handlers();
      for (int i = 0; i < MORE_SOCKETS; i++) {
        carols.add(LiveClient.ready(client, dir, port, carol.token()));
      }
      // Each socket follows its own login's end (a node-local consumer); nothing else.
      assertThat(handlers() - before)
          .as("handlers added by %d sockets", MORE_SOCKETS)
          .isEqualTo(MORE_SOCKETS);

      assertThat(alice.pay("bob", 10, id(1)).status()).isEqualTo(201);
      assertThat(bob.pay("carol", 3, id(2)).status()).isEqualTo(201);
      assertThat(aliceLive.await("transfer").getJsonObject("transfer").getString("id"))
          .isEqualTo(id(1));
      Awaitility.await()
          .atMost(LiveClient.TIMEOUT)
          .until(() -> bobLive.messages("transfer").size() == 2);
      // Events reach a verticle in the order published: once carol hears bob's payment to her,
      // alice's payment to bob, published before it, has been routed, and not to her.
      for (LiveClient live : carols) {
        Awaitility.await()
            .atMost(LiveClient.TIMEOUT)
            .until(() -> !live.messages("transfer").isEmpty());
        assertThat(live.messages("transfer"))
            .extracting(t -> t.getJsonObject("transfer").getString("id"))
            .containsExactly(id(2));
        assertThat(live.messages("transfer").get(0).getLong("balance")).isEqualTo(1_003);
      }
      assertThat(aliceLive.messages("transfer")).hasSize(1);
      assertThat(aliceLive.messages("transfer").get(0).getLong("balance")).isEqualTo(990);
    } finally {
      carols.forEach(LiveClient::close);
    }
  }

  private static String id(int n) {
    return HexFormat.of().formatHex(new byte[15]) + String.format("%02x", n);
  }
}
