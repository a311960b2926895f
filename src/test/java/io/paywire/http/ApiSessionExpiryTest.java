package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.LiveClient;
import io.paywire.testing.MovableClock;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session token's login ends when the token expires: refused, and the account offline. The node's
 * session tokens run on a clock the test moves past the expiry, rather than waiting for it.
 */
class ApiSessionExpiryTest {

  /** Longer than the test runs, so only the moved clock, never the timer, ends the login. */
  private static final int LIFETIME_SECONDS = 300;

  @TempDir Path dir;

  @Test
  void anExpiredLoginIsRefusedAndGoesOffline() throws Exception {
    MovableClock clock = new MovableClock();
    try (TestNode node =
        TestNode.startWith(
            dir,
            new JsonObject()
                .put("http", new JsonObject().put("sessionTokenSeconds", LIFETIME_SECONDS)),
            clock)) {
      ApiClient api = ApiClient.of(node, dir);
      ApiUser brief = ApiUser.of(api, "brief", KeyType.EC);
      assertThat(brief.register(10L, null).status()).isEqualTo(201);
      assertThat(brief.login().status()).isEqualTo(200);
      String expiring = brief.token();
      ApiClient.Reply login = api.get("/online", expiring);
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.json().getJsonArray("users").encode()).contains("\"brief\"");
      assertThat(api.get("/accounts/brief", expiring).json().getLong("balance")).isEqualTo(10);
      Vertx client = Vertx.vertx();
      LiveClient live = LiveClient.ready(client, dir, node.port("http"), expiring);
      // A deposit above ledger.maxDepositMinor is refused with its code.
      ApiClient.Reply tooRich = ApiUser.of(api, "rich", KeyType.EC).register(2_000_000_000L, null);
      assertThat(tooRich.status()).isEqualTo(400);
      assertThat(tooRich.json().getString("error")).isEqualTo("DEPOSIT_OUT_OF_RANGE");

      clock.advance(Duration.ofSeconds(LIFETIME_SECONDS));
      assertThat(api.get("/online", expiring).status()).isEqualTo(401);
      // Its live socket is closed when it expires, and the expired token opens none.
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(live.messages("error").get(0).getString("reason")).isEqualTo("expired");
      live.close();
      try (LiveClient late = LiveClient.open(client, dir, node.port("http"))) {
        late.send(new JsonObject().put("type", "auth").put("token", expiring));
        assertThat(late.awaitClosed()).isEqualTo((short) 1008);
        assertThat(late.messages("ready")).isEmpty();
      }
      client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // Offline for everyone: a text-protocol user's LIST no longer shows it.
      try (TlsLineClient text = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
        assertThat(text.ask("REGISTER#texter#10")).isEqualTo("100 OK");
        assertThat(text.askList("texter#0").get(0)).isEqualTo("10");
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !String.join("\n", text.askList("LIST")).contains("brief#"));
      }
      // And the account may log in again: its presence went with the expired login.
      assertThat(brief.login().status()).isEqualTo(200);
    }
  }
}
