package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.EcdsaFormats;
import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /transfers}: the logged-in account pays with its signature over the text protocol's
 * payment text, as the browser console signs it (WebCrypto ECDSA is r||s). The real browser's
 * signature is exercised by ConsoleBrowserTest; these check every encoding and what is refused,
 * over real HTTPS.
 */
class SignedTransfersTest {

  @TempDir static Path dir;
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir);
    api = ApiClient.of(node, dir);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static String id(int n) {
    return String.format("%032x", n);
  }

  private static byte[] text(String payer, long amount, String payee, String id) {
    return (payer + "#" + amount + "#" + payee + "#" + id).getBytes(StandardCharsets.UTF_8);
  }

  /** ECDSA with SHA-256 as r||s (IEEE P1363), the way WebCrypto signs. */
  private static byte[] p1363(PrivateKey key, byte[] data) throws Exception {
    Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
    signature.initSign(key);
    signature.update(data);
    return signature.sign();
  }

  private static ApiClient.Reply pay(
      ApiUser payer, String target, long amount, String id, byte[] signature) throws Exception {
    JsonObject body =
        new JsonObject()
            .put("target", target)
            .put("amount", amount)
            .put("id", id)
            .put("signature", Base64.getEncoder().encodeToString(signature));
    return api.post(
        "/transfers",
        body.encode().getBytes(StandardCharsets.UTF_8),
        payer.token() == null ? null : "Bearer " + payer.token(),
        "application/json");
  }

  private static long balance(ApiUser user) throws Exception {
    return api.get("/accounts/" + user.name, user.token()).json().getLong("balance");
  }

  @Test
  void anEcSignatureAsRAndSOrDerAndAnRsaSignaturePayAndAReplayAppliesOnce() throws Exception {
    ApiUser ec = ApiUser.loggedIn(api, "ec", 1_000);
    ApiUser payee = ApiUser.loggedIn(api, "payee", 1);
    byte[] rs = p1363(ec.keys.getPrivate(), text("ec", 100, "payee", id(1)));
    assertThat(rs).hasSize(64);
    ApiClient.Reply paid = pay(ec, "payee", 100, id(1), rs);
    assertThat(paid.status()).as(paid.toString()).isEqualTo(201);
    assertThat(paid.json().getLong("balance")).isEqualTo(900);
    assertThat(paid.json().getJsonObject("transfer").getString("source")).isEqualTo("ec");
    // The same request again: the original transfer, nothing moved twice.
    ApiClient.Reply replay = pay(ec, "payee", 100, id(1), rs);
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.json().getBoolean("duplicate")).isTrue();
    assertThat(balance(payee)).isEqualTo(101);
    // The signature is journaled as the payer's proof, byte for byte.
    JsonObject proof = api.get("/transfers/" + id(1), ec.token()).json();
    assertThat(Base64.getDecoder().decode(proof.getString("payerSignature"))).isEqualTo(rs);

    byte[] der = ApiUser.sign(ec.keys.getPrivate(), text("ec", 50, "payee", id(2)));
    assertThat(EcdsaFormats.toDer(ec.keys.getPublic(), der)).isEqualTo(der);
    assertThat(pay(ec, "payee", 50, id(2), der).status()).isEqualTo(201);

    ApiUser rsa = ApiUser.of(api, "rsa", KeyType.RSA);
    assertThat(rsa.register(500L, null).status()).isEqualTo(201);
    assertThat(rsa.login().status()).isEqualTo(200);
    assertThat(
            pay(
                    rsa,
                    "payee",
                    70,
                    id(3),
                    ApiUser.sign(rsa.keys.getPrivate(), text("rsa", 70, "payee", id(3))))
                .status())
        .isEqualTo(201);
    assertThat(balance(payee)).isEqualTo(221);
  }

  @Test
  void aSignatureOverAnyOtherTextOrByAnotherKeyIsRefusedAndMovesNothing() throws Exception {
    ApiUser mallory = ApiUser.loggedIn(api, "mallory", 1_000);
    ApiUser victim = ApiUser.loggedIn(api, "victim", 1_000);
    PrivateKey key = mallory.keys.getPrivate();
    // Signed for 1, sent as 999; signed for another payee; signed as another payer; another key.
    byte[][] wrong = {
      p1363(key, text("mallory", 1, "victim", id(10))),
      p1363(key, text("mallory", 999, "someone", id(10))),
      p1363(key, text("victim", 999, "victim", id(10))),
      p1363(victim.keys.getPrivate(), text("mallory", 999, "victim", id(10))),
      new byte[64],
    };
    for (byte[] signature : wrong) {
      ApiClient.Reply refused = pay(mallory, "victim", 999, id(10), signature);
      assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
      assertThat(refused.json().getString("error")).isEqualTo("BAD_SIGNATURE");
      assertThat(refused.json().getString("id")).isEqualTo(id(10));
    }
    assertThat(balance(mallory)).isEqualTo(1_000);
    assertThat(balance(victim)).isEqualTo(1_000);
    assertThat(api.get("/transfers/" + id(10), mallory.token()).status()).isEqualTo(404);

    // The payer is the token's account: a victim's token cannot be had, and none is refused.
    ApiUser anonymous = new ApiUser(api, "anonymous", mallory.keys);
    assertThat(
            pay(anonymous, "victim", 1, id(11), p1363(key, text("mallory", 1, "victim", id(11))))
                .status())
        .isEqualTo(401);
    // A ledger refusal keeps its code and the id.
    ApiClient.Reply broke =
        pay(mallory, "victim", 5_000, id(12), p1363(key, text("mallory", 5_000, "victim", id(12))));
    assertThat(broke.status()).isEqualTo(409);
    assertThat(broke.json().getString("error")).isEqualTo("INSUFFICIENT_FUNDS");
    assertThat(broke.json().getString("id")).isEqualTo(id(12));
  }
}
