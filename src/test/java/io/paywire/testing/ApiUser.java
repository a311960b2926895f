package io.paywire.testing;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.RegistrationCipher;
import io.paywire.crypto.Signatures;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A user of the HTTPS API as a program would be one: its own key pair, an encrypted registration, a
 * login by signed challenge, and payments authorised by JWTs it signs.
 */
public final class ApiUser {

  public final String name;
  public final KeyPair keys;
  private final ApiClient api;
  private String token;

  public ApiUser(ApiClient api, String name, KeyPair keys) {
    this.api = api;
    this.name = name;
    this.keys = keys;
  }

  public static ApiUser of(ApiClient api, String name, KeyType type) {
    return new ApiUser(api, name, type.generate());
  }

  /** A new user with an EC key, registered with {@code deposit} and logged in. */
  public static ApiUser loggedIn(ApiClient api, String name, long deposit) throws Exception {
    ApiUser user = of(api, name, KeyType.EC);
    ApiClient.Reply registered = user.register(deposit, null);
    ApiClient.Reply login = registered.status() == 201 ? user.login() : registered;
    if (login.status() != 200) {
      throw new AssertionError("registering and logging in " + name + ": " + login);
    }
    return user;
  }

  public String token() {
    return token;
  }

  /** The registration JSON this user would encrypt. */
  public JsonObject registrationFields(Long deposit, String password) {
    JsonObject fields =
        new JsonObject().put("student_id", name).put("public_key", Pem.toPem(keys.getPublic()));
    if (password != null) {
      fields.put("passwd", password);
    }
    if (deposit != null) {
      fields.put("deposit", deposit);
    }
    return fields;
  }

  public ApiClient.Reply register(Long deposit, String password) throws Exception {
    return api.post(
        "/register",
        seal(
            api,
            registrationFields(deposit, password).encode().getBytes(StandardCharsets.UTF_8),
            RegistrationCipher.Mode.CBC));
  }

  /** An envelope for {@code POST /register}, sealed by the project's own code. */
  public static JsonObject seal(ApiClient api, byte[] plaintext, RegistrationCipher.Mode mode)
      throws Exception {
    PublicKey registrationKey = registrationKey(api);
    RegistrationCipher.Envelope envelope =
        RegistrationCipher.seal(registrationKey, plaintext, mode);
    JsonObject body =
        new JsonObject()
            .put("c", b64(envelope.c()))
            .put("iv", b64(envelope.iv()))
            .put("key", b64(envelope.key()));
    if (mode == RegistrationCipher.Mode.GCM) {
      body.put("alg", "A128GCM");
    }
    return body;
  }

  public static PublicKey registrationKey(ApiClient api) throws Exception {
    String pem = api.get("/registration-key.pem").text();
    Path file = Files.createTempFile("registration", ".pem");
    try {
      Files.writeString(file, pem);
      return Pem.readPublicKey(file);
    } finally {
      Files.delete(file);
    }
  }

  /** Challenge, sign, log in; keeps the token. */
  public ApiClient.Reply login() throws Exception {
    ApiClient.Reply challenge = api.post("/auth/challenge", new JsonObject().put("name", name));
    byte[] nonce = Base64.getDecoder().decode(challenge.json().getString("nonce"));
    ApiClient.Reply reply =
        api.post(
            "/auth/login",
            new JsonObject()
                .put("name", name)
                .put("nonce", b64(nonce))
                .put("signature", b64(sign(keys.getPrivate(), nonce))));
    if (reply.status() == 200) {
      token = reply.json().getString("token");
    }
    return reply;
  }

  /** A payment body, exactly as sent (its bytes are what {@code tha} binds). */
  public static byte[] paymentBody(String source, String target, long amount, String id) {
    return new JsonObject()
        .put("source", source)
        .put("target", target)
        .put("amount", amount)
        .put("id", id)
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  public ApiClient.Reply pay(String target, long amount, String id) throws Exception {
    byte[] body = paymentBody(name, target, amount, id);
    return api.post("/transactions", body, "Bearer " + paymentToken(body), "application/json");
  }

  /** A JWT over {@code body}, valid from now for two minutes, signed with this user's key. */
  public String paymentToken(byte[] body) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    return jws(
        keys.getPrivate(),
        algorithm(keys.getPrivate()),
        new JsonObject().put("tha", sha256Hex(body)).put("iat", now).put("exp", now + 120));
  }

  public static String algorithm(PrivateKey key) {
    return switch (KeyType.of(key)) {
      case RSA -> "RS256";
      case EC -> "ES256";
      case ED25519 -> "EdDSA";
    };
  }

  /** A compact JWS: any header algorithm, signed the way {@code alg} says for this key. */
  public static String jws(PrivateKey key, String alg, JsonObject claims) throws Exception {
    String header =
        b64url(
            new JsonObject()
                .put("alg", alg)
                .put("typ", "JWT")
                .encode()
                .getBytes(StandardCharsets.UTF_8));
    String payload = b64url(claims.encode().getBytes(StandardCharsets.UTF_8));
    byte[] input = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
    return header + "." + payload + "." + b64url(signJws(key, input));
  }

  private static byte[] signJws(PrivateKey key, byte[] input) throws Exception {
    Signature signature =
        switch (KeyType.of(key)) {
          case RSA -> Signature.getInstance("SHA256withRSA");
          case EC -> Signature.getInstance("SHA256withECDSAinP1363Format");
          case ED25519 -> Signature.getInstance("Ed25519");
        };
    signature.initSign(key);
    signature.update(input);
    return signature.sign();
  }

  /** A login signature as the API takes it (DER for ECDSA, as openssl writes it). */
  public static byte[] sign(PrivateKey key, byte[] data) {
    return Signatures.sign(key, data);
  }

  public static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  public static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  public static String b64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
