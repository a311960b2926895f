package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.LiveClient;
import io.paywire.testing.MovableClock;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A login followed by the live channel lasts while a socket follows it (a browser user is online
 * while its console is connected), survives a reload within {@code http.liveGraceSeconds}, and is
 * renewed by {@code POST /auth/refresh}; a login no socket ever followed is untouched. The node's
 * session tokens run on a clock the test moves, so no test waits for time to pass.
 */
class LiveLoginTest {

  /** Longer than any wait below, so only the moved clock, never a timer, ends a login here. */
  private static final int GRACE_SECONDS = 30;

  @TempDir Path dir;
  private TestNode node;
  private ApiClient api;
  private Vertx client;
  private int port;
  private final MovableClock clock = new MovableClock();

  @BeforeEach
  void start() throws Exception {
    node =
        TestNode.startWith(
            dir,
            new JsonObject().put("http", new JsonObject().put("liveGraceSeconds", GRACE_SECONDS)),
            clock);
    api = ApiClient.of(node, dir);
    client = Vertx.vertx();
    port = node.port("http");
  }

  @AfterEach
  void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    node.close();
  }

  private boolean listed(TlsLineClient text, String name) throws Exception {
    return text.askList("LIST").contains(name + "#127.0.0.1#0");
  }

  @Test
  void aFollowedLoginEndsAfterItsLastSocketClosesUnlessOneComesBackInTime() throws Exception {
    ApiUser web = ApiUser.loggedIn(api, "web", 100);
    ApiUser program = ApiUser.loggedIn(api, "program", 100);
    try (TlsLineClient text = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
      assertThat(text.ask("REGISTER#texter#10")).isEqualTo("100 OK");
      text.askList("texter#0");
      assertThat(listed(text, "web")).isTrue();

      // A reload: the socket closes and another comes back within the grace period.
      LiveClient first = LiveClient.ready(client, dir, port, web.token());
      first.close();
      try (LiveClient again = LiveClient.ready(client, dir, port, web.token())) {
        // More than the grace period passes while a socket follows the login: nothing ends.
        clock.advance(Duration.ofSeconds(GRACE_SECONDS + 1));
        assertThat(api.get("/online", web.token()).status()).isEqualTo(200);
        assertThat(listed(text, "web")).isTrue();
      }
      // Closed for good: once the node has seen the socket close, a grace period later on its
      // clock the login ends, the token is refused and the user leaves LIST. Each look moves the
      // clock past a grace period, since when the close arrives is not known here.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                clock.advance(Duration.ofSeconds(GRACE_SECONDS + 1));
                return api.get("/online", web.token()).status() == 401;
              });
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !listed(text, "web"));
      // A login no socket ever followed (a program) is not touched by any of this.
      assertThat(api.get("/online", program.token()).status()).isEqualTo(200);
      assertThat(listed(text, "program")).isTrue();
      // And the account may log in again.
      assertThat(web.login().status()).isEqualTo(200);
    }
  }

  @Test
  void refreshRenewsTheSameLoginAndLogoutEndsEveryTokenOfIt() throws Exception {
    ApiUser web = ApiUser.loggedIn(api, "web", 100);
    String first = web.token();
    long firstExpiry = tokenExpiry(first);
    try (LiveClient live = LiveClient.ready(client, dir, port, first)) {
      // Expiries are in whole seconds: a renewal shows once the clock has moved on one.
      clock.advance(Duration.ofSeconds(1));
      ApiClient.Reply renewed = api.post("/auth/refresh", new byte[0], "Bearer " + first, null);
      assertThat(renewed.status()).isEqualTo(200);
      String second = renewed.json().getString("token");
      assertThat(renewed.json().getString("name")).isEqualTo("web");
      assertThat(renewed.json().getLong("expiresAt")).isGreaterThan(firstExpiry);
      assertThat(tokenExpiry(second)).isEqualTo(renewed.json().getLong("expiresAt"));
      // The same login: the socket stays open, both tokens work, no presence change.
      assertThat(api.get("/online", second).status()).isEqualTo(200);
      assertThat(api.get("/online", first).status()).isEqualTo(200);
      assertThat(live.closed()).isFalse();
      assertThat(live.messages("presence")).isEmpty();

      assertThat(api.post("/auth/logout", new byte[0], "Bearer " + second, null).status())
          .isEqualTo(204);
      assertThat(live.awaitClosed()).isEqualTo((short) 1008);
      assertThat(api.get("/online", first).status()).isEqualTo(401);
      assertThat(api.post("/auth/refresh", new byte[0], "Bearer " + first, null).status())
          .isEqualTo(401);
    }
  }

  private static long tokenExpiry(String token) {
    String payload = token.split("\\.")[1];
    return new JsonObject(
            new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
        .getLong("exp");
  }
}
