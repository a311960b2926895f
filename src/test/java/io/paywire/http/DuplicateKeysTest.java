package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.RegistrationCipher.Mode;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.LiveClient;
import io.paywire.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON object that names a key twice is refused wherever the API reads JSON (issue 21, finding
 * 7): Jackson keeps the last, a signing program may show the first, so such a body is never
 * applied. Over real HTTPS and a real WebSocket.
 */
class DuplicateKeysTest {

  @TempDir static Path dir;
  private static TestNode node;
  private static ApiClient api;
  private static ApiUser eve;
  private static ApiUser alice;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir);
    api = ApiClient.of(node, dir);
    eve = ApiUser.loggedIn(api, "eve", 1_000);
    alice = ApiUser.loggedIn(api, "alice", 1_000);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static long balance(ApiUser user) throws Exception {
    return api.get("/accounts/" + user.name, user.token()).json().getLong("balance");
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertBadRequestNaming(ApiClient.Reply reply, String key) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.json().getString("error")).isEqualTo("BAD_REQUEST");
    assertThat(reply.json().getString("message")).contains("duplicate key \"" + key + "\"");
  }

  @Test
  void aSignedBodyWithTheAmountTwiceIsRefusedAndMovesNoMoney() throws Exception {
    byte[] body =
        utf8(
            "{\"source\":\"eve\",\"target\":\"alice\",\"amount\":1,\"amount\":7,"
                + "\"id\":\""
                + "%032x".formatted(21)
                + "\"}");
    ApiClient.Reply reply =
        api.post("/transactions", body, "Bearer " + eve.paymentToken(body), "application/json");
    assertBadRequestNaming(reply, "amount");
    assertThat(balance(eve)).isEqualTo(1_000);
    assertThat(balance(alice)).isEqualTo(1_000);
  }

  @Test
  void aNestedDuplicateOrOneInALoggedInPaymentIsRefusedToo() throws Exception {
    byte[] body =
        utf8(
            "{\"target\":\"alice\",\"target\":\"eve\",\"amount\":5,\"id\":\""
                + "%032x".formatted(22)
                + "\",\"signature\":\"AAAA\"}");
    assertBadRequestNaming(
        api.post("/transfers", body, "Bearer " + eve.token(), "application/json"), "target");
    assertBadRequestNaming(
        api.post(
            "/auth/challenge",
            utf8("{\"name\":\"eve\",\"x\":{\"a\":1," + "\"a\":2}}"),
            null,
            "application/json"),
        "a");
    assertThat(balance(eve)).isEqualTo(1_000);
  }

  @Test
  void aRegistrationWithAKeyTwiceGetsTheOneUniformRefusal() throws Exception {
    JsonObject sealed = ApiUser.seal(api, utf8("{}"), Mode.CBC);
    String text = sealed.encode();
    String doubled = text.substring(0, text.length() - 1) + ",\"c\":\"AAAA\"}";
    ApiClient.Reply reply = api.post("/register", utf8(doubled), null, "application/json");
    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.json()).isEqualTo(ApiVerticle.REGISTRATION_REFUSED);
  }

  @Test
  void aRequestTokenWhoseClaimsNameAKeyTwiceIsRefused() throws Exception {
    ApiUser ed = ApiUser.of(api, "ed", KeyType.ED25519);
    assertThat(ed.register(1_000L, null).status()).isEqualTo(201);
    byte[] body = ApiUser.paymentBody("ed", "alice", 3, "%032x".formatted(23));
    long now = System.currentTimeMillis() / 1000;
    String header = ApiUser.b64url(utf8("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}"));
    String claims =
        ApiUser.b64url(
            utf8(
                "{\"tha\":\""
                    + ApiUser.sha256Hex(body)
                    + "\",\"iat\":"
                    + now
                    + ",\"exp\":"
                    + (now + 120)
                    + ",\"exp\":"
                    + (now + 100_000)
                    + "}"));
    Signature signature = Signature.getInstance("Ed25519");
    signature.initSign(ed.keys.getPrivate());
    signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    String jws = header + "." + claims + "." + ApiUser.b64url(signature.sign());
    assertBadRequestNaming(
        api.post("/transactions", body, "Bearer " + jws, "application/json"), "exp");
    assertThat(balance(alice)).isEqualTo(1_000);
  }

  @Test
  void aLiveAuthMessageWithTheTokenTwiceIsRefused() throws Exception {
    Vertx client = Vertx.vertx();
    try (LiveClient live = LiveClient.open(client, dir, node.port("http"))) {
      live.sendText("{\"type\":\"auth\",\"token\":\"nothing\",\"token\":\"" + eve.token() + "\"}");
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("ready")).isEmpty();
      JsonObject error = live.messages("error").get(0);
      assertThat(error.getString("error")).isEqualTo("BAD_REQUEST");
      assertThat(error.getString("message")).contains("duplicate key \"token\"");
    } finally {
      client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
