package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.RegistrationCipher;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.OpenSsl;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted registration and login by proof of key over real HTTPS, with envelopes, keys and
 * signatures made by the openssl command line, so the server is checked against another
 * implementation of RSA-OAEP (SHA-256, MGF1 SHA-256), AES-128-CBC and ECDSA, not only itself.
 */
class ApiRegistrationTest {

  @TempDir Path dir;

  @Test
  void opensslMadeRegistrationAndLoginWork() throws Exception {
    OpenSsl.requireInstalled();
    try (TestNode node = TestNode.start(dir)) {
      ApiClient api = ApiClient.of(node, dir);
      Path work = Files.createDirectories(dir.resolve("openssl"));
      Files.writeString(work.resolve("registration.pem"), api.get("/registration-key.pem").text());
      OpenSsl.run(
          work,
          "genpkey",
          "-algorithm",
          "EC",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-out",
          "user.key");
      OpenSsl.run(work, "pkey", "-in", "user.key", "-pubout", "-out", "user.pub");
      OpenSsl.run(
          work, "pkey", "-in", "user.key", "-pubout", "-outform", "DER", "-out", "user.der");
      String address =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(Files.readAllBytes(work.resolve("user.der"))));

      JsonObject response =
          register(
              api,
              work,
              "-aes-128-cbc",
              new JsonObject()
                  .put("student_id", "e123456")
                  .put("passwd", "not checked without enrollment")
                  .put("public_key", Files.readString(work.resolve("user.pub")))
                  .put("deposit", 700));
      assertThat(response.getString("name")).isEqualTo("e123456");
      assertThat(response.getString("address")).isEqualTo(address);
      assertThat(response.getLong("balance")).isEqualTo(700);

      // Login: the nonce signed by openssl (ECDSA, DER).
      ApiClient.Reply challenge =
          api.post("/auth/challenge", new JsonObject().put("name", "e123456"));
      Files.write(
          work.resolve("nonce.bin"),
          Base64.getDecoder().decode(challenge.json().getString("nonce")));
      OpenSsl.run(work, "dgst", "-sha256", "-sign", "user.key", "-out", "nonce.sig", "nonce.bin");
      ApiClient.Reply login =
          api.post(
              "/auth/login",
              new JsonObject()
                  .put("name", "e123456")
                  .put("nonce", challenge.json().getString("nonce"))
                  .put("signature", b64(Files.readAllBytes(work.resolve("nonce.sig")))));
      assertThat(login.status()).as("%s", login).isEqualTo(200);
      String token = login.json().getString("token");
      ApiClient.Reply mine = api.get("/accounts/e123456", token);
      assertThat(mine.status()).as("%s", mine).isEqualTo(200);
      assertThat(mine.json().getLong("balance")).isEqualTo(700);
      assertThat(api.get("/accounts/e123456").status()).as("no login, no look-up").isEqualTo(401);

      // The same nonce again is used up: refused like an unknown name.
      ApiClient.Reply replayed =
          api.post(
              "/auth/login",
              new JsonObject()
                  .put("name", "e123456")
                  .put("nonce", challenge.json().getString("nonce"))
                  .put("signature", b64(Files.readAllBytes(work.resolve("nonce.sig")))));
      assertThat(replayed.status()).isEqualTo(401);
    }
  }

  @Test
  void gcmEnvelopeFromOpensslKeyBlockRegisters() throws Exception {
    OpenSsl.requireInstalled();
    try (TestNode node = TestNode.start(dir)) {
      ApiClient api = ApiClient.of(node, dir);
      ApiUser user = ApiUser.of(api, "gcm_user", KeyType.RSA);
      ApiClient.Reply reply =
          api.post(
              "/register",
              ApiUser.seal(
                  api,
                  user.registrationFields(null, null).encode().getBytes(StandardCharsets.UTF_8),
                  RegistrationCipher.Mode.GCM));
      assertThat(reply.status()).as("%s", reply).isEqualTo(201);
      assertThat(reply.json().getLong("balance")).isEqualTo(10_000); // the node's default
      assertThat(user.login().status()).isEqualTo(200);
    }
  }

  @Test
  void enrollmentAdmitsListedPairsOnceAndEveryFailureLooksTheSame() throws Exception {
    OpenSsl.requireInstalled();
    Path enrollment = dir.resolve("enrollment.csv");
    Files.writeString(enrollment, "# course roster\ne100001,correct horse\ne100002,battery\n");
    try (TestNode node =
        TestNode.startWith(
            dir,
            new JsonObject()
                .put("ledger", new JsonObject().put("enrollmentFile", enrollment.toString())))) {
      ApiClient api = ApiClient.of(node, dir);
      ApiUser listed = ApiUser.of(api, "e100001", KeyType.EC);
      ApiClient.Reply first = listed.register(null, "correct horse");
      assertThat(first.status()).as("%s", first).isEqualTo(201);
      ApiClient.Reply again =
          ApiUser.of(api, "e100001", KeyType.EC).register(null, "correct horse");
      assertThat(again.status()).as("each pair registers once").isEqualTo(409);

      Map<String, ApiClient.Reply> refused = new LinkedHashMap<>();
      refused.put("wrong password", ApiUser.of(api, "e100002", KeyType.EC).register(null, "x"));
      refused.put(
          "unknown enrollment pair",
          ApiUser.of(api, "e999999", KeyType.EC).register(null, "battery"));
      refused.put("no password", ApiUser.of(api, "e100002", KeyType.EC).register(null, null));
      byte[] good =
          ApiUser.of(api, "e100002", KeyType.EC)
              .registrationFields(null, "battery")
              .encode()
              .getBytes(StandardCharsets.UTF_8);
      JsonObject envelope = ApiUser.seal(api, good, RegistrationCipher.Mode.CBC);
      refused.put("bad base64", api.post("/register", envelope.copy().put("c", "%%%not base64")));
      refused.put(
          "wrong IV length", api.post("/register", envelope.copy().put("iv", b64(new byte[8]))));
      refused.put("missing field", api.post("/register", envelope.copy().put("key", null)));
      refused.put(
          "missing outer field",
          api.post(
              "/register",
              new JsonObject()
                  .put("c", envelope.getString("c"))
                  .put("iv", envelope.getString("iv"))));
      refused.put("unknown alg", api.post("/register", envelope.copy().put("alg", "A256CBC")));
      refused.put("wrong RSA key", api.post("/register", sealedToAnotherKey(good)));
      refused.put("bad padding", api.post("/register", badPadding(envelope)));
      refused.put(
          "not JSON",
          api.post(
              "/register",
              ApiUser.seal(
                  api,
                  "not json at all".getBytes(StandardCharsets.UTF_8),
                  RegistrationCipher.Mode.CBC)));
      refused.put(
          "missing inner field",
          api.post(
              "/register",
              ApiUser.seal(
                  api,
                  new JsonObject()
                      .put("student_id", "e100002")
                      .put("passwd", "battery")
                      .encode()
                      .getBytes(StandardCharsets.UTF_8),
                  RegistrationCipher.Mode.CBC)));

      // A wrong media type is told as such: the envelope's content was never looked at.
      ApiClient.Reply form =
          api.post(
              "/register",
              "c=x".getBytes(StandardCharsets.UTF_8),
              null,
              "application/x-www-form-urlencoded");
      assertThat(form.status()).isEqualTo(415);

      ApiClient.Reply reference = refused.get("wrong password");
      assertThat(reference.status()).isEqualTo(400);
      assertThat(reference.json().getString("error")).isEqualTo("REGISTRATION_REFUSED");
      refused.forEach(
          (what, reply) -> {
            assertThat(reply.status()).as(what).isEqualTo(reference.status());
            assertThat(reply.bytes()).as(what).isEqualTo(reference.bytes());
            assertThat(reply.headers().map()).as(what).isEqualTo(reference.headers().map());
          });
      // And nothing was registered by any of them.
      assertThat(listed.login().status()).isEqualTo(200);
      assertThat(api.get("/accounts/e100002", listed.token()).status()).isEqualTo(404);
      assertThat(api.get("/accounts/e999999", listed.token()).status()).isEqualTo(404);
      // The right pair still works afterwards.
      assertThat(ApiUser.of(api, "e100002", KeyType.ED25519).register(null, "battery").status())
          .isEqualTo(201);
    }
  }

  /** An envelope whose RSA block is sealed to a key that is not the node's. */
  private static JsonObject sealedToAnotherKey(byte[] plaintext) throws Exception {
    RegistrationCipher.Envelope other =
        RegistrationCipher.seal(
            KeyType.RSA.generate().getPublic(), plaintext, RegistrationCipher.Mode.CBC);
    return new JsonObject()
        .put("c", b64(other.c()))
        .put("iv", b64(other.iv()))
        .put("key", b64(other.key()));
  }

  /** The last block's byte flipped: with overwhelming odds the PKCS#7 padding is wrong. */
  private static JsonObject badPadding(JsonObject envelope) {
    byte[] c = Base64.getDecoder().decode(envelope.getString("c"));
    byte[] iv = Base64.getDecoder().decode(envelope.getString("iv"));
    // Flip the second-to-last block's last byte: the last plaintext byte (the padding) changes.
    c[c.length - 17] ^= 0x5a;
    return envelope.copy().put("c", b64(c)).put("iv", b64(iv));
  }

  /**
   * Registers with an envelope whose AES key block and ciphertext openssl made: {@code pkeyutl
   * -encrypt} with OAEP, SHA-256 and MGF1 SHA-256, and {@code enc}.
   */
  private static JsonObject register(ApiClient api, Path work, String cipher, JsonObject fields)
      throws Exception {
    byte[] aesKey = new byte[16];
    byte[] iv = new byte[16];
    SecureRandom random = new SecureRandom();
    random.nextBytes(aesKey);
    random.nextBytes(iv);
    Files.write(work.resolve("aes.key"), aesKey);
    Files.writeString(work.resolve("plain.json"), fields.encode());
    OpenSsl.run(
        work,
        "enc",
        cipher,
        "-K",
        HexFormat.of().formatHex(aesKey),
        "-iv",
        HexFormat.of().formatHex(iv),
        "-in",
        "plain.json",
        "-out",
        "c.bin");
    OpenSsl.run(
        work,
        "pkeyutl",
        "-encrypt",
        "-pubin",
        "-inkey",
        "registration.pem",
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-pkeyopt",
        "rsa_oaep_md:sha256",
        "-pkeyopt",
        "rsa_mgf1_md:sha256",
        "-in",
        "aes.key",
        "-out",
        "key.bin");
    ApiClient.Reply reply =
        api.post(
            "/register",
            new JsonObject()
                .put("c", b64(Files.readAllBytes(work.resolve("c.bin"))))
                .put("iv", b64(iv))
                .put("key", b64(Files.readAllBytes(work.resolve("key.bin")))));
    assertThat(reply.status()).as("%s", reply).isEqualTo(201);
    return reply.json();
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
