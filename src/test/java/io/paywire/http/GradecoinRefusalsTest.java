package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.session.GradecoinSessions;
import io.paywire.testing.GradecoinStudent;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of a Gradecoin network over real HTTPS, with requests a Node student client made:
 * Gradecoin's texts in Gradecoin's order, and each of Paywire's fixes of its flaws (one reply for a
 * refused registration, no replay, the gas fee only when accepted, no negative balance at block
 * time, racing blocks). Each test uses students of its own, so their order does not matter.
 */
class GradecoinRefusalsTest {

  static final String CONFIG =
      String.join(
          "\n",
          "name: testnet",
          "url_prefix: \"\"",
          "preapproved_users: students.csv",
          "block_transaction_count: 2",
          "hash_zeros: 1",
          "register_bonus: 12",
          "block_reward: 2",
          "tx_gas_fee: 1",
          "tx_upper_limit: 10",
          "tx_lower_limit: 1",
          "tx_traffic_reward: 0",
          "bots:",
          "  StockFish:",
          "    starting_balance: 64",
          "");

  static final String STUDENTS =
      "User ID, Password\n"
          + IntStream.rangeClosed(1, 20)
              .mapToObj(i -> "e1000" + (10 + i) + ",pw" + i + "\n")
              .collect(Collectors.joining());

  static final String REFUSED_REGISTRATION =
      new JsonObject()
          .put("res", "Error")
          .put("message", GradecoinSessions.REGISTRATION_REFUSED)
          .encode();

  @TempDir static Path dir;
  static TestNode paywire;
  static GradecoinStudent student;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    paywire = GradecoinNetworkTest.startNetwork(dir, CONFIG, STUDENTS);
    url = "https://127.0.0.1:" + paywire.port("network:testnet") + "/";
    student =
        new GradecoinStudent(
            ApiClientScriptTest.nodeOnPath(), dir, dir.resolve("certs").resolve("ca.crt"));
    Files.writeString(dir.resolve("gradecoin.pub"), get("gradecoin.pub").getString("body"));
  }

  @AfterAll
  static void stop() throws Exception {
    paywire.close();
  }

  @Test
  void everyRefusedRegistrationGetsOneReply() throws Exception {
    String a = user("reg-a");
    user("reg-b");
    Random random = new Random(7);
    List<JsonObject> refused = new ArrayList<>();
    refused.add(register(1, "wrong", "reg-a"));
    refused.add(register("x999999", "pw1", "reg-a"));
    refused.add(raw("register", "application/json", envelope("AAAA", "AAAA", "@@@"), null));
    refused.add(
        raw(
            "register",
            "application/json",
            envelope(base64(random, 32), base64(random, 16), base64(random, 256)),
            null));
    refused.add(student.run("sealed", url, "gradecoin.pub", "not json"));
    refused.add(
        student.run(
            "sealed", url, "gradecoin.pub", "{\"student_id\":\"e100012\",\"passwd\":\"pw2\"}"));
    refused.add(
        student.run(
            "sealed",
            url,
            "gradecoin.pub",
            new JsonObject()
                .put("student_id", "e100012")
                .put("passwd", "pw2")
                .put("public_key", "-----BEGIN PUBLIC KEY-----bm90IGEga2V5-----END PUBLIC KEY-----")
                .encode()));
    assertThat(register(1, "pw1", "reg-a").getInteger("status")).isEqualTo(201);
    refused.add(register(1, "pw1", "reg-a")); // the same pair again
    refused.add(register(1, "pw1", "reg-b")); // the same student, another key
    refused.add(register(2, "pw2", "reg-a")); // another student, a key already registered
    for (JsonObject reply : refused) {
      assertThat(reply.getInteger("status")).as(reply.encode()).isEqualTo(400);
      assertThat(reply.getString("body")).as(reply.encode()).isEqualTo(REFUSED_REGISTRATION);
    }
    assertThat(balance(a)).isEqualTo(12);
  }

  @Test
  void transactionRefusalsComeInGradecoinsOrderAndChargeNoGasFee() throws Exception {
    String a = registered(3, "tx-a");
    String b = registered(4, "tx-b");
    String c = registered(5, "tx-c");
    String stranger = user("tx-stranger");

    assertRefused(
        pay("tx-stranger", stranger, b, 1),
        "User with the given public key signature is not authorized");
    assertRefused(pay("tx-a", "StockFish", a, 1), "Don't send transactions on behalf of bots");
    assertRefused(pay("tx-b", a, b, 1), "JWT Error: InvalidSignature");
    assertRefused(
        student.run(
            Map.of("GRADECOIN_TOKEN_LIFETIME", "-30"),
            "transaction",
            url,
            "tx-a.key",
            a,
            b,
            "1",
            "2026-12-05T10:00:00"),
        "This token has expired");
    assertRefused(
        student.run(
            Map.of("GRADECOIN_TOKEN_LIFETIME", "172800"),
            "transaction",
            url,
            "tx-a.key",
            a,
            b,
            "1",
            "2026-12-05T10:00:00"),
        "This token is valid for too long: its exp may be at most 86400 seconds ahead");
    assertRefused(
        student.run(
            "transaction",
            url,
            "tx-a.key",
            a,
            b,
            "1",
            "2026-12-05T10:00:00.120000",
            "2026-12-05T10:00:00.120000"),
        "The hash of the transaction did not match the hash given in JWT");
    assertRefused(
        pay("tx-a", a, stranger, 1),
        "Target of the transaction " + stranger + " is not found in the system");
    assertRefused(pay("tx-a", a, a, 1), "transaction to yourself, you had to try didn't you? :)");
    assertRefused(pay("tx-a", a, b, 11), "Transaction amount should be between 1 and 10");
    assertThat(balance(a)).as("no gas fee for a refused transaction").isEqualTo(12);

    JsonObject first = pay("tx-a", a, b, 10);
    assertThat(first.getInteger("status")).as(first.encode()).isEqualTo(201);
    assertThat(pay("tx-a", a, "StockFish", 10).getInteger("status")).isEqualTo(201);
    assertThat(balance(a)).as("two gas fees").isEqualTo(10);
    assertRefused(
        pay("tx-a", a, b, 1),
        "This user already has another pending transaction with this recipient");
    assertRefused(
        pay("tx-a", a, c, 10),
        "User does not have enough balance in their account for this transaction");
    assertThat(balance(a)).isEqualTo(10);

    // The same signed request again: refused, also once its block is mined.
    JsonObject replay =
        raw(
            "transaction",
            "application/json",
            first.getString("sent"),
            "Bearer " + first.getString("token"));
    assertRefused(replay, "This signed request was already received: a token is accepted once");
  }

  @Test
  void blockRefusalsNoNegativeBalanceAndRacingProposals() throws Exception {
    String d = registered(6, "bl-d");
    String e = registered(7, "bl-e");
    String f = registered(8, "bl-f");
    assertThat(pay("bl-d", d, e, 10).getInteger("status")).isEqualTo(201);
    assertThat(pay("bl-d", d, f, 10).getInteger("status")).isEqualTo(201);
    List<String> fromD = pending(d);
    assertThat(fromD).hasSize(2);
    String t1 = fromD.get(0);
    String t2 = fromD.get(1);

    assertRefused(
        block("bl-d", t1, Map.of()), "There should be at least 2 transactions in the block");
    assertRefused(
        block("bl-d", "0".repeat(64) + "," + t1, Map.of()),
        "First transaction in the block is not found in the system");
    assertRefused(
        student.run(
            "block", url, "bl-d.key", "1", "2026-12-05T11:00:00", t1 + "," + t2, "f".repeat(64)),
        "The hash of the block did not match the hash given in JWT tha field");
    assertRefused(
        block("bl-d", t1 + "," + t1, Map.of()), "Block cannot contain duplicate transactions");
    assertRefused(
        block("bl-d", t1 + "," + "e".repeat(64), Map.of()),
        "Block contains an unknown transaction");
    assertRefused(
        block("bl-d", t1 + "," + t2, Map.of("GRADECOIN_BAD_HASH", "1")),
        "Given hash value does not match the actual block hash");
    assertRefused(
        block("bl-d", t1 + "," + t2, Map.of("GRADECOIN_NOT_ZEROS", "1")),
        "Given block hash does not start with 1 zero hexadecimal characters");

    // d holds 10 and has 20 pending: Gradecoin would take d below zero; the block is refused whole.
    JsonObject unpayable = block("bl-d", t1 + "," + t2, Map.of());
    assertThat(unpayable.getInteger("status")).isEqualTo(400);
    assertThat(new JsonObject(unpayable.getString("body")).getString("message")).contains(t2);
    assertThat(balance(d)).isEqualTo(10);
    assertThat(pending(d)).containsExactly(t1, t2);

    // Two proposals of the same block at once: exactly one is accepted.
    assertThat(pay("bl-e", e, d, 5).getInteger("status")).isEqualTo(201);
    assertThat(pay("bl-f", f, d, 5).getInteger("status")).isEqualTo(201);
    String ids = String.join(",", pending(e).get(0), pending(f).get(0));
    GradecoinStudent.Run one =
        student.start(Map.of(), "block", url, "bl-e.key", "1", "2026-12-05T12:00:00", ids);
    GradecoinStudent.Run two =
        student.start(Map.of(), "block", url, "bl-e.key", "1", "2026-12-05T12:00:00", ids);
    List<String> messages =
        List.of(one.result(), two.result()).stream()
            .map(r -> new JsonObject(r.getString("body")).getString("message"))
            .sorted()
            .toList();
    assertThat(messages)
        .containsExactly(
            "Block accepted, coinbase reward awarded",
            "First transaction in the block is not found in the system");
    assertThat(balance(e)).as("12 - fee 1 - 5 + reward 2").isEqualTo(8);
  }

  @Test
  void framingRefusalsAreWarpsPlainTexts() throws Exception {
    JsonObject tooLarge = raw("transaction", "application/json", "x".repeat(33 * 1024), "Bearer x");
    assertThat(tooLarge.getInteger("status")).isEqualTo(413);
    assertThat(tooLarge.getString("body")).isEqualTo("Payload too large");

    JsonObject wrongType = raw("transaction", "text/plain", "{}", "Bearer x");
    assertThat(wrongType.getInteger("status")).isEqualTo(415);
    assertThat(wrongType.getString("body"))
        .isEqualTo("The request's content-type is not supported");

    String tx =
        "{\"source\":\"a\",\"target\":\"b\",\"amount\":1,\"timestamp\":\"2026-12-05T10:00:00\"}";
    JsonObject noAuthorization = raw("transaction", "application/json", tx, null);
    assertThat(noAuthorization.getInteger("status")).isEqualTo(400);
    assertThat(noAuthorization.getString("body"))
        .isEqualTo("Missing request header \"Authorization\"");

    JsonObject missingField =
        raw("transaction", "application/json", "{\"source\":\"a\"}", "Bearer x");
    assertThat(missingField.getInteger("status")).isEqualTo(400);
    assertThat(missingField.getString("body"))
        .startsWith("Request body deserialize error: missing field `target`");

    // No Content-Type at all is read as JSON, as Gradecoin does: the handler answers.
    JsonObject untyped = raw("register", "-", envelope("AAAA", "AAAA", "AAAA"), null);
    assertThat(untyped.getString("body")).isEqualTo(REFUSED_REGISTRATION);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static void assertRefused(JsonObject reply, String message) {
    assertThat(reply.getInteger("status")).as(reply.encode()).isEqualTo(400);
    assertThat(new JsonObject(reply.getString("body")))
        .as(reply.encode())
        .isEqualTo(new JsonObject().put("res", "Error").put("message", message));
  }

  /** A key pair {@code name.key}, {@code name.pem}; its fingerprint. */
  private static String user(String name) throws Exception {
    student.run("keygen", name + ".key", name + ".pem");
    return student.run("fingerprint", name + ".pem").getString("fingerprint");
  }

  private static String registered(int number, String name) throws Exception {
    String fingerprint = user(name);
    JsonObject reply = register(number, "pw" + number, name);
    assertThat(reply.getInteger("status")).as(reply.encode()).isEqualTo(201);
    return fingerprint;
  }

  private static JsonObject register(int number, String password, String name) throws Exception {
    return register("e1000" + (10 + number), password, name);
  }

  private static JsonObject register(String id, String password, String name) throws Exception {
    return student.run("register", url, "gradecoin.pub", id, password, name + ".pem");
  }

  private static JsonObject pay(String signer, String source, String target, int amount)
      throws Exception {
    return student.run(
        "transaction",
        url,
        signer + ".key",
        source,
        target,
        String.valueOf(amount),
        "2026-12-05T10:00:00");
  }

  private static JsonObject block(String signer, String ids, Map<String, String> environment)
      throws Exception {
    return student.run(environment, "block", url, signer + ".key", "1", "2026-12-05T11:00:00", ids);
  }

  /** The pending transactions whose source is {@code source}, in pool order. */
  private static List<String> pending(String source) throws Exception {
    JsonObject pool = new JsonObject(get("transaction").getString("body"));
    return pool.fieldNames().stream()
        .filter(id -> pool.getJsonObject(id).getString("source").equals(source))
        .toList();
  }

  private static long balance(String fingerprint) throws Exception {
    JsonArray users =
        new JsonArray(student.run("get", url, "user", "application/json").getString("body"));
    for (Object row : users) {
      JsonObject user = (JsonObject) row;
      if (user.getString("fingerprint").equals(fingerprint)) {
        return user.getLong("balance");
      }
    }
    throw new AssertionError("no user " + fingerprint);
  }

  private static JsonObject get(String path) throws Exception {
    return student.run("get", url, path);
  }

  private static JsonObject raw(String path, String type, String body, String authorization)
      throws Exception {
    return authorization == null
        ? student.run("raw", url, path, "POST", type, body)
        : student.run("raw", url, path, "POST", type, body, authorization);
  }

  private static String envelope(String c, String iv, String key) {
    return new JsonObject().put("c", c).put("iv", iv).put("key", key).encode();
  }

  private static String base64(Random random, int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return Base64.getEncoder().encodeToString(value);
  }
}
