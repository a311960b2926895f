package io.paywire.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.Signatures;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payments and reads over the HTTPS API on a real node: signed transactions with each key type,
 * every attack on the request token, idempotent replays, and an HTTP user and a text-protocol user
 * paying each other against the same ledger and the same presence.
 */
class ApiPaymentsTest {

  @TempDir Path dir;
  private TestNode node;
  private ApiClient api;

  @BeforeEach
  void start() throws Exception {
    node = TestNode.start(dir);
    api = ApiClient.of(node, dir);
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  private ApiUser registered(String name, KeyType type) throws Exception {
    ApiUser user = ApiUser.of(api, name, type);
    assertThat(user.register(1_000L, null).status()).isEqualTo(201);
    return user;
  }

  @Test
  void eachKeyTypePaysAndAReplayAppliesOnce() throws Exception {
    ApiUser bob = registered("bob", KeyType.EC);
    for (KeyType type : KeyType.values()) {
      ApiUser payer = registered("payer_" + type.name().toLowerCase(Locale.ROOT), type);
      String id = id(type.ordinal() + 1);
      ApiClient.Reply paid = payer.pay("bob", 100, id);
      assertThat(paid.status()).as("%s: %s", type, paid).isEqualTo(201);
      assertThat(paid.json().getLong("balance")).isEqualTo(900);
      assertThat(paid.json().getJsonObject("transfer").getString("id")).isEqualTo(id);
      ApiClient.Reply replay = payer.pay("bob", 100, id);
      assertThat(replay.status()).as("replay %s", replay).isEqualTo(200);
      assertThat(replay.json().getBoolean("duplicate")).isTrue();
      assertThat(replay.json().getJsonObject("transfer"))
          .isEqualTo(paid.json().getJsonObject("transfer"));
      assertThat(replay.json().getLong("balance")).as("moved once").isEqualTo(900);
    }
    assertThat(bob.login().status()).isEqualTo(200);
    assertThat(api.get("/accounts/bob", bob.token()).json().getLong("balance")).isEqualTo(1_300);
  }

  @Test
  void everyRequestTokenAttackIsRefusedWith401AndMovesNothing() throws Exception {
    ApiUser alice = registered("alice", KeyType.RSA);
    ApiUser mallory = registered("mallory", KeyType.EC);
    byte[] body = ApiUser.paymentBody("alice", "mallory", 500, id(9));
    long now = System.currentTimeMillis() / 1000;
    String tha = ApiUser.sha256Hex(body);
    JsonObject good = new JsonObject().put("tha", tha).put("iat", now).put("exp", now + 60);
    KeyPair aliceKeys = alice.keys;

    Map<String, String> attacks = new LinkedHashMap<>();
    attacks.put(
        "alg none",
        ApiUser.b64url("{\"alg\":\"none\"}".getBytes(UTF_8))
            + "."
            + ApiUser.b64url(good.encode().getBytes(UTF_8))
            + ".");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Pem.toPem(aliceKeys.getPublic()).getBytes(UTF_8), "HmacSHA256"));
    String hsInput =
        ApiUser.b64url("{\"alg\":\"HS256\"}".getBytes(UTF_8))
            + "."
            + ApiUser.b64url(good.encode().getBytes(UTF_8));
    attacks.put(
        "HS256 keyed with the public key",
        hsInput + "." + ApiUser.b64url(mac.doFinal(hsInput.getBytes(StandardCharsets.US_ASCII))));
    attacks.put(
        "expired",
        ApiUser.jws(
            aliceKeys.getPrivate(),
            "RS256",
            good.copy().put("iat", now - 200).put("exp", now - 100)));
    JsonObject noExp = good.copy();
    noExp.remove("exp");
    attacks.put("no exp", ApiUser.jws(aliceKeys.getPrivate(), "RS256", noExp));
    JsonObject noIat = good.copy();
    noIat.remove("iat");
    attacks.put("no iat", ApiUser.jws(aliceKeys.getPrivate(), "RS256", noIat));
    attacks.put(
        "lives longer than 5 minutes",
        ApiUser.jws(aliceKeys.getPrivate(), "RS256", good.copy().put("exp", now + 301)));
    attacks.put(
        "tha of another body",
        ApiUser.jws(
            aliceKeys.getPrivate(),
            "RS256",
            good.copy()
                .put("tha", ApiUser.sha256Hex(ApiUser.paymentBody("alice", "mallory", 5, id(9))))));
    attacks.put("another user's token", ApiUser.jws(mallory.keys.getPrivate(), "ES256", good));
    attacks.put(
        "RS256 header on an EC-signed token",
        ApiUser.jws(mallory.keys.getPrivate(), "RS256", good));
    attacks.put("a session token", sessionToken(mallory));

    for (Map.Entry<String, String> attack : attacks.entrySet()) {
      ApiClient.Reply reply =
          api.post("/transactions", body, "Bearer " + attack.getValue(), "application/json");
      assertThat(reply.status()).as("%s: %s", attack.getKey(), reply).isEqualTo(401);
      assertThat(reply.json().getString("error"))
          .as(attack.getKey())
          .isIn("UNAUTHORIZED", "BAD_SIGNATURE");
    }
    // The payer's own key, but a header naming another key type's algorithm.
    byte[] mallorys = ApiUser.paymentBody("mallory", "alice", 5, id(10));
    JsonObject mallorysClaims = good.copy().put("tha", ApiUser.sha256Hex(mallorys));
    for (String alg : List.of("RS256", "EdDSA")) {
      ApiClient.Reply mislabelled =
          api.post(
              "/transactions",
              mallorys,
              "Bearer " + ApiUser.jws(mallory.keys.getPrivate(), alg, mallorysClaims),
              "application/json");
      assertThat(mislabelled.status()).as("EC key, %s header: %s", alg, mislabelled).isEqualTo(401);
    }
    // ES256 in DER rather than r||s: valid ECDSA, but not a JWS (RFC 7518 section 3.4).
    String p1363 = ApiUser.jws(mallory.keys.getPrivate(), "ES256", mallorysClaims);
    String[] parts = p1363.split("\\.");
    byte[] der =
        Signatures.sign(
            mallory.keys.getPrivate(),
            (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    ApiClient.Reply derSigned =
        api.post(
            "/transactions",
            mallorys,
            "Bearer " + parts[0] + "." + parts[1] + "." + ApiUser.b64url(der),
            "application/json");
    assertThat(derSigned.status()).as("DER ES256: %s", derSigned).isEqualTo(401);
    // The likeliest mistake of anyone signing with openssl is told as such, with the way out.
    assertThat(derSigned.json().getString("message"))
        .contains(
            "DER",
            "r||s",
            "64 bytes",
            "dsaEncoding: 'ieee-p1363'",
            "decode_dss_signature",
            "docs/api.md");
    ApiClient.Reply none = api.post("/transactions", body, null, "application/json");
    assertThat(none.status()).isEqualTo(401);
    // Nothing moved: the honest token still pays, once.
    ApiClient.Reply honest =
        api.post(
            "/transactions",
            body,
            "Bearer " + ApiUser.jws(aliceKeys.getPrivate(), "RS256", good),
            "application/json");
    assertThat(honest.status()).as("%s", honest).isEqualTo(201);
    assertThat(honest.json().getLong("balance")).isEqualTo(500);
  }

  @Test
  void refusalsAreClearAndNameTheId() throws Exception {
    ApiUser alice = registered("alice", KeyType.EC);
    registered("bob", KeyType.EC);
    ApiClient.Reply broke = alice.pay("bob", 5_000, id(1));
    assertThat(broke.status()).isEqualTo(409);
    assertThat(broke.json().getString("error")).isEqualTo("INSUFFICIENT_FUNDS");
    assertThat(broke.json().getString("id")).isEqualTo(id(1));
    ApiClient.Reply nobody = alice.pay("nobody", 5, id(2));
    assertThat(nobody.status()).isEqualTo(404);
    assertThat(nobody.json().getString("error")).isEqualTo("UNKNOWN_ACCOUNT");
    ApiClient.Reply self = alice.pay("alice", 5, id(3));
    assertThat(self.status()).isEqualTo(400);
    assertThat(alice.pay("bob", 5, id(4)).status()).isEqualTo(201);
    ApiClient.Reply reused = alice.pay("bob", 6, id(4));
    assertThat(reused.status()).isEqualTo(409);
    assertThat(reused.json().getString("error")).isEqualTo("ID_REUSED");
    byte[] badId =
        "{\"source\":\"alice\",\"target\":\"bob\",\"amount\":5,\"id\":\"XYZ\"}"
            .getBytes(StandardCharsets.UTF_8);
    ApiClient.Reply invalid =
        api.post("/transactions", badId, "Bearer " + alice.paymentToken(badId), "application/json");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().getString("error")).isEqualTo("BAD_REQUEST");
  }

  @Test
  void httpAndTextProtocolUsersPayEachOtherAndSeeEachOtherOnline() throws Exception {
    ApiUser web = registered("web", KeyType.EC);
    assertThat(web.login().status()).isEqualTo(200);
    KeyPair textKeys = KeyType.EC.generate();
    try (TlsLineClient text =
        TlsLineClient.connect(
            node.tlsPort(),
            node.fingerprint(),
            textKeys,
            Certificates.selfSigned(textKeys, "texter", Duration.ofDays(1)))) {
      assertThat(text.ask("REGISTER#texter#1000")).isEqualTo("100 OK");
      List<String> online = text.askList("texter#5555");
      assertThat(String.join("\n", online)).contains("web#");

      ApiClient.Reply who = api.get("/online", web.token());
      assertThat(who.status()).isEqualTo(200);
      assertThat(
              who.json().getJsonArray("users").stream()
                  .map(JsonObject.class::cast)
                  .map(u -> u.getString("name")))
          .contains("web", "texter");

      ApiClient.Reply paid = web.pay("texter", 250, id(21));
      assertThat(paid.status()).as("%s", paid).isEqualTo(201);
      String payBack = text.ask("PAY#web#40#" + id(22));
      assertThat(payBack).startsWith("TRANS OK " + id(22));

      ApiClient.Reply mine = api.get("/transfers?account=web", web.token());
      assertThat(mine.status()).isEqualTo(200);
      assertThat(
              mine.json().getJsonArray("transfers").stream()
                  .map(JsonObject.class::cast)
                  .map(t -> t.getString("id")))
          .contains(id(21), id(22));
      // Each row carries its block, the one GET /transfers/{id} proves it in.
      for (Object row : mine.json().getJsonArray("transfers")) {
        JsonObject listed = (JsonObject) row;
        assertThat(listed.getLong("block"))
            .as("%s", listed)
            .isNotNull()
            .isEqualTo(
                api.get("/transfers/" + listed.getString("id"), web.token())
                    .json()
                    .getLong("block"));
      }
      assertThat(api.get("/accounts/web", web.token()).json().getLong("balance"))
          .isEqualTo(1_000 - 250 + 40);
      assertThat(String.join("\n", text.askCounted("HISTORY"))).contains(id(21));

      // The owner only: another account's transfers are forbidden, anonymous reads refused.
      assertThat(api.get("/transfers?account=texter", web.token()).status()).isEqualTo(403);
      assertThat(api.get("/transfers?account=web").status()).isEqualTo(401);

      // Logout revokes the token and takes the account offline for the text user too.
      ApiClient.Reply out = api.post("/auth/logout", new byte[0], "Bearer " + web.token(), null);
      assertThat(out.status()).isEqualTo(204);
      assertThat(api.get("/online", web.token()).status()).isEqualTo(401);
      assertThat(String.join("\n", text.askList("LIST"))).doesNotContain("web#");
    }
  }

  @Test
  void aTransferCarriesItsBlockAndProofAndTheBlocksChain() throws Exception {
    ApiUser alice = registered("alice", KeyType.EC);
    ApiUser bob = registered("bob", KeyType.RSA);
    ApiUser eve = registered("eve", KeyType.EC);
    byte[] body = ApiUser.paymentBody("alice", "bob", 30, id(31));
    String token = alice.paymentToken(body);
    assertThat(api.post("/transactions", body, "Bearer " + token, "application/json").status())
        .isEqualTo(201);
    assertThat(bob.login().status()).isEqualTo(200);
    assertThat(eve.login().status()).isEqualTo(200);

    ApiClient.Reply proof = api.get("/transfers/" + id(31), bob.token());
    assertThat(proof.status()).as("%s", proof).isEqualTo(200);
    JsonObject json = proof.json();
    assertThat(json.getJsonObject("transfer").getString("source")).isEqualTo("alice");
    assertThat(json.getJsonObject("transfer").getLong("amount")).isEqualTo(30);
    // The payer's proof is the very token it sent: anyone can check it against its key.
    assertThat(
            new String(
                Base64.getDecoder().decode(json.getString("payerSignature")),
                StandardCharsets.US_ASCII))
        .isEqualTo(token);
    assertThat(json.containsKey("payeeSignature")).isFalse();
    // Someone else's transfer is as absent as a missing one; no token, no read.
    assertThat(api.get("/transfers/" + id(31), eve.token()).status()).isEqualTo(404);
    assertThat(api.get("/transfers/" + id(99), bob.token()).status()).isEqualTo(404);
    assertThat(api.get("/transfers/" + id(31)).status()).isEqualTo(401);

    ApiClient.Reply page = api.get("/blocks?from=0&limit=100");
    assertThat(page.status()).isEqualTo(200);
    List<JsonObject> blocks =
        page.json().getJsonArray("blocks").stream().map(JsonObject.class::cast).toList();
    assertThat(page.json().getLong("head")).isEqualTo(blocks.size());
    assertThat(blocks.get(0).getString("previousHash")).isEqualTo("0".repeat(64));
    for (int i = 1; i < blocks.size(); i++) {
      assertThat(blocks.get(i).getString("previousHash"))
          .isEqualTo(blocks.get(i - 1).getString("hash"));
      assertThat(blocks.get(i).getLong("sequence")).isEqualTo(i);
    }
    JsonObject block = blocks.get(json.getInteger("block"));
    assertThat(block.getString("hash")).isEqualTo(json.getString("blockHash"));
    assertThat(api.get("/blocks?from=1&limit=1").json().getJsonArray("blocks")).hasSize(1);
    assertThat(api.get("/blocks?limit=1000").status()).as("above http.maxPageSize").isEqualTo(400);
  }

  @Test
  void aNewProofOfKeyReplacesTheEarlierApiLoginButNeverATextLogin() throws Exception {
    ApiUser web = registered("again", KeyType.EC);
    assertThat(web.login().status()).isEqualTo(200);
    String first = web.token();
    // The client lost its token (a crash, a closed tab): a fresh proof of key logs in again.
    assertThat(web.login().status()).isEqualTo(200);
    String second = web.token();
    assertThat(api.get("/online", first).status()).as("the replaced token").isEqualTo(401);
    ApiClient.Reply online = api.get("/online", second);
    assertThat(online.status()).isEqualTo(200);
    assertThat(
            online.json().getJsonArray("users").stream()
                .map(JsonObject.class::cast)
                .filter(u -> u.getString("name").equals("again"))
                .count())
        .isEqualTo(1);
    // A wrong key replaces nothing.
    ApiUser impostor = new ApiUser(api, "again", KeyType.EC.generate());
    assertThat(impostor.login().status()).isEqualTo(401);
    assertThat(api.get("/online", second).status()).isEqualTo(200);
    assertThat(api.post("/auth/logout", new byte[0], "Bearer " + second, null).status())
        .isEqualTo(204);

    // A text-protocol login is another entry point: the API may not take it over.
    KeyPair keys = KeyType.EC.generate();
    try (TlsLineClient text =
        TlsLineClient.connect(
            node.tlsPort(),
            node.fingerprint(),
            keys,
            Certificates.selfSigned(keys, "both", Duration.ofDays(1)))) {
      assertThat(text.ask("REGISTER#both#100")).isEqualTo("100 OK");
      assertThat(text.askList("both#0").get(0)).isEqualTo("100");
      ApiClient.Reply taken = new ApiUser(api, "both", keys).login();
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.json().getString("error")).isEqualTo("ALREADY_ONLINE");
      assertThat(text.askList("LIST").get(0)).isEqualTo("100"); // still logged in
    }
  }

  private String sessionToken(ApiUser user) throws Exception {
    assertThat(user.login().status()).isEqualTo(200);
    return user.token();
  }

  private static String id(int n) {
    return HexFormat.of().formatHex(new byte[15]) + String.format("%02x", n);
  }
}
