package io.paywire.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.testing.ApiUser;
import io.paywire.testing.MovableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Session tokens against the usual JWT attacks, each forged with the right {@code jti} of a live
 * login, so only the property under test can make it fail.
 */
class SessionTokensTest {

  private Vertx vertx;
  private KeyPair keys;
  private SessionTokens tokens;
  private SessionTokens.Login login;
  private final MovableClock clock = new MovableClock();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    keys = KeyType.EC.generate();
    tokens = new SessionTokens(vertx, keys, 60, 10, 10, clock);
    login = tokens.issue("alice", null, vertx.getOrCreateContext());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theIssuedTokenIsAccepted() throws Exception {
    assertThat(accepted(tokens.token(login))).isTrue();
  }

  @Test
  void aRevokedLoginIsAnnouncedOnItsOwnAddressAndIsNoLongerLive() throws Exception {
    SessionTokens.Login other = tokens.issue("bob", null, vertx.getOrCreateContext());
    CompletableFuture<JsonObject> heard = new CompletableFuture<>();
    CompletableFuture<JsonObject> heardOther = new CompletableFuture<>();
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            SessionTokens.endedAddress(login.jti()), m -> heard.complete(m.body()))
        .completion()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            SessionTokens.endedAddress(other.jti()), m -> heardOther.complete(m.body()));
    assertThat(tokens.isLive(login.jti())).isTrue();
    tokens.revoke(login);
    JsonObject ended = heard.get(10, TimeUnit.SECONDS);
    assertThat(ended.getString("jti")).isEqualTo(login.jti());
    assertThat(ended.getString("name")).isEqualTo("alice");
    assertThat(ended.getString("reason")).isEqualTo(SessionTokens.LOGOUT);
    assertThat(tokens.isLive(login.jti())).isFalse();
    assertThat(tokens.isLive(other.jti())).as("another login goes on").isTrue();
    assertThat(heardOther).isNotDone();
  }

  @Test
  void algNoneIsRefused() throws Exception {
    String header = ApiUser.b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(UTF_8));
    String payload = ApiUser.b64url(claims().encode().getBytes(UTF_8));
    assertThat(accepted(header + "." + payload + ".")).isFalse();
  }

  @Test
  void hs256WithThePublicKeyAsSecretIsRefused() throws Exception {
    String header = ApiUser.b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(UTF_8));
    String payload = ApiUser.b64url(claims().encode().getBytes(UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Pem.toPem(keys.getPublic()).getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
    byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    assertThat(accepted(header + "." + payload + "." + ApiUser.b64url(signature))).isFalse();
  }

  @Test
  void expiredTokenIsRefused() throws Exception {
    long past = System.currentTimeMillis() / 1000 - 120;
    assertThat(accepted(signed(claims().put("iat", past - 60).put("exp", past)))).isFalse();
  }

  @Test
  void tokenWithoutExpIsRefused() throws Exception {
    JsonObject noExp = claims();
    noExp.remove("exp");
    assertThat(accepted(signed(noExp))).isFalse();
    // The same claims with exp are accepted: exp's absence alone made the difference.
    assertThat(accepted(signed(claims()))).isTrue();
  }

  @Test
  void wrongAudienceIsRefused() throws Exception {
    assertThat(accepted(signed(claims().put("aud", "someone-else")))).isFalse();
  }

  @Test
  void anotherUsersNameOnALiveTokenIsRefused() throws Exception {
    assertThat(accepted(signed(claims().put("sub", "bob")))).isFalse();
  }

  @Test
  void anUnknownJtiIsRefused() throws Exception {
    assertThat(accepted(signed(claims().put("jti", "not-issued")))).isFalse();
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefused() throws Exception {
    String forged = ApiUser.jws(KeyType.EC.generate().getPrivate(), "ES256", claims());
    assertThat(accepted(forged)).isFalse();
  }

  @Test
  void aLoginWhoseExpiryPassedOnTheClockIsRefusedAndEnded() throws Exception {
    String token = tokens.token(login);
    CompletableFuture<JsonObject> heard = ended(login);
    clock.advance(Duration.ofSeconds(59));
    assertThat(accepted(token)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(accepted(token)).isFalse();
    assertThat(heard.get(10, TimeUnit.SECONDS).getString("reason"))
        .isEqualTo(SessionTokens.EXPIRED);
    assertThat(tokens.isLive(login.jti())).isFalse();
  }

  @Test
  void aFollowedLoginEndsOnceItsGracePassesOnTheClockUnlessASocketCameBack() throws Exception {
    String token = tokens.token(login);
    CompletableFuture<JsonObject> heard = ended(login);
    assertThat(tokens.attach(login.jti())).isTrue();
    tokens.detach(login.jti());
    assertThat(tokens.attach(login.jti())).as("back within the grace period").isTrue();
    clock.advance(Duration.ofSeconds(11));
    assertThat(accepted(token)).as("a socket follows it: no grace running").isTrue();
    tokens.detach(login.jti());
    clock.advance(Duration.ofSeconds(9));
    assertThat(accepted(token)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(accepted(token)).isFalse();
    assertThat(heard.get(10, TimeUnit.SECONDS).getString("reason"))
        .isEqualTo(SessionTokens.DISCONNECTED);
  }

  @Test
  void anIdleLoginEndsWhenItsTimerFires() throws Exception {
    SessionTokens shortLived = new SessionTokens(vertx, keys, 1, 10, 10, clock);
    SessionTokens.Login idle = shortLived.issue("carol", null, vertx.getOrCreateContext());
    // The one test that waits: the timer, not a token presented late, ends this login.
    assertThat(ended(idle).get(10, TimeUnit.SECONDS).getString("reason"))
        .isEqualTo(SessionTokens.EXPIRED);
    assertThat(shortLived.isLive(idle.jti())).isFalse();
  }

  private CompletableFuture<JsonObject> ended(SessionTokens.Login whose) throws Exception {
    CompletableFuture<JsonObject> heard = new CompletableFuture<>();
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            SessionTokens.endedAddress(whose.jti()), m -> heard.complete(m.body()))
        .completion()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    return heard;
  }

  private JsonObject claims() {
    long now = clock.millis() / 1000;
    return new JsonObject()
        .put("sub", "alice")
        .put("jti", login.jti())
        .put("aud", "paywire")
        .put("iat", now)
        .put("exp", now + 60);
  }

  private String signed(JsonObject claims) throws Exception {
    return ApiUser.jws(keys.getPrivate(), "ES256", claims);
  }

  private boolean accepted(String token) throws Exception {
    Future<SessionTokens.Login> result = tokens.authenticate(token);
    try {
      result.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException refused) {
      return false;
    }
  }
}
