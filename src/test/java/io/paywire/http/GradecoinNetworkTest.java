package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerStatus;
import io.paywire.testing.GradecoinStudent;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gradecoin network served by a real node over real HTTPS, driven by a student client written
 * with Node's own crypto ({@code src/test/resources/gradecoin/student.mjs}): registration sealed
 * with RSA-OAEP and AES-CBC, RS256 JWTs over the MD5 of the transaction, blocks mined with BLAKE2s.
 * Nothing of a request is made by Paywire's code.
 */
class GradecoinNetworkTest {

  static final String CONFIG = GradecoinStudent.TESTNET_CONFIG;

  static final String STUDENTS = GradecoinStudent.TESTNET_STUDENTS;

  @TempDir Path dir;

  private Path node;
  private String url;
  private Path ca;

  @Test
  void aStudentRegistersPaysAndMinesAndTheMainLedgerIsUntouched() throws Exception {
    try (TestNode paywire = start()) {
      Files.writeString(dir.resolve("gradecoin.pub"), get("gradecoin.pub").getString("body"));
      student("keygen", "alice.key", "alice.pem");
      student("keygen", "bob.key", "bob.pem", "2047", "pkcs1", "oneline");
      String alice = student("fingerprint", "alice.pem").getString("fingerprint");
      String bob = student("fingerprint", "bob.pem").getString("fingerprint");

      JsonObject registered = register("e100001", "alicepw", "alice.pem");
      assertThat(registered.getInteger("status")).isEqualTo(201);
      assertThat(new JsonObject(registered.getString("body")))
          .isEqualTo(
              new JsonObject()
                  .put("res", "Success")
                  .put(
                      "message",
                      "You have authenticated to use Gradecoin with identifier " + alice));
      assertThat(register("e100002", "bobpw", "bob.pem").getInteger("status")).isEqualTo(201);

      JsonObject paid =
          student("transaction", url, "alice.key", alice, bob, "5", "2026-12-05T10:00:00.120");
      assertThat(paid.getString("body"))
          .isEqualTo("{\"res\":\"Success\",\"message\":\"Transaction accepted\"}");
      assertThat(paid.getInteger("status")).isEqualTo(201);
      JsonObject pool = new JsonObject(get("transaction").getString("body"));
      assertThat(pool.size()).isEqualTo(1);
      String txId = pool.fieldNames().iterator().next();
      assertThat(txId).matches("[0-9a-f]{64}");
      assertThat(pool.getJsonObject(txId))
          .isEqualTo(
              new JsonObject()
                  .put("source", alice)
                  .put("target", bob)
                  .put("amount", 5)
                  .put("timestamp", "2026-12-05T10:00:00.120"));

      JsonObject toBot =
          student("transaction", url, "alice.key", alice, "StockFish", "3", "2026-12-05T10:00:01");
      assertThat(toBot.getInteger("status")).as(toBot.encode()).isEqualTo(201);

      JsonObject mined = student("mine", url, "alice.key", "2", "2", "2026-12-05T10:01:00");
      assertThat(mined.getString("body"))
          .isEqualTo(
              "{\"res\":\"Success\",\"message\":\"Block accepted, coinbase reward awarded\"}");
      JsonObject last = new JsonObject(get("block").getString("body"));
      assertThat(last.getString("hash")).isEqualTo(mined.getString("hash"));
      assertThat(last.getJsonArray("transaction_list")).hasSize(2);

      // The bot pays the same amount back, as a new pending transaction.
      JsonObject after = new JsonObject(get("transaction").getString("body"));
      assertThat(after.size()).isEqualTo(1);
      JsonObject reply = after.getJsonObject(after.fieldNames().iterator().next());
      assertThat(reply.getString("source")).isEqualTo("StockFish");
      assertThat(reply.getString("target")).isEqualTo(alice);
      assertThat(reply.getInteger("amount")).isEqualTo(3);

      // alice: 40 bonus - 2 gas fees - (5 - 1) - (3 - 1) paid + 3 reward; bob: 40 + 5.
      JsonArray users = new JsonArray(get("user", "application/json").getString("body"));
      assertThat(balance(users, alice)).isEqualTo(35);
      assertThat(balance(users, bob)).isEqualTo(45);
      assertThat(balance(users, "StockFish")).isEqualTo(67);
      String html = get("user").getString("body");
      assertThat(html)
          .contains(
              "<td>" + alice + "</td>\n        <td>35</td>",
              "<td>" + bob + "</td>\n        <td>45</td>",
              "<td>StockFish <span title=\"I'm a bot!\">\uD83D\uDC4B\uD83E\uDD16</span></td>");

      // Paywire's own view: the network's journal, every batch linked to the one before.
      JsonObject journal = new JsonObject(get("paywire/blocks?from=0&limit=100").getString("body"));
      JsonArray batches = journal.getJsonArray("blocks");
      assertThat(batches.size()).isGreaterThanOrEqualTo(5); // bot, 2 users, 2 payments, 1 block
      for (int i = 1; i < batches.size(); i++) {
        assertThat(batches.getJsonObject(i).getString("previousHash"))
            .isEqualTo(batches.getJsonObject(i - 1).getString("hash"));
      }
      assertThat(journal.getLong("head")).as("every batch on one page").isEqualTo(batches.size());

      assertThat(get("version").getString("body")).isEqualTo("gradecoin - version 0.3.1");
      JsonObject config = new JsonObject(get("config").getString("body"));
      assertThat(new ArrayList<>(config.fieldNames()))
          .containsExactly(
              "name",
              "url_prefix",
              "preapproved_users",
              "block_transaction_count",
              "hash_zeros",
              "register_bonus",
              "block_reward",
              "tx_gas_fee",
              "tx_upper_limit",
              "tx_lower_limit",
              "tx_traffic_reward",
              "bots");

      LedgerClient main = new LedgerClient(paywire.node().vertx().eventBus(), 10_000);
      LedgerReply<LedgerStatus> status =
          main.status().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(((LedgerReply.Ok<LedgerStatus>) status).value())
          .as("the main ledger holds nothing of the network: its issuer alone, no transfer")
          .extracting(LedgerStatus::accounts, LedgerStatus::transfers)
          .containsExactly(1L, 0L);
    }
  }

  @Test
  void aRestartInTheMiddleOfTheFlowLosesNothing() throws Exception {
    String alice;
    String bob;
    try (TestNode paywire = start()) {
      Files.writeString(dir.resolve("gradecoin.pub"), get("gradecoin.pub").getString("body"));
      student("keygen", "alice.key", "alice.pem");
      student("keygen", "bob.key", "bob.pem");
      student("keygen", "carol.key", "carol.pem");
      alice = student("fingerprint", "alice.pem").getString("fingerprint");
      bob = student("fingerprint", "bob.pem").getString("fingerprint");
      assertThat(register("e100001", "alicepw", "alice.pem").getInteger("status")).isEqualTo(201);
      assertThat(register("e100002", "bobpw", "bob.pem").getInteger("status")).isEqualTo(201);
      assertThat(
              student("transaction", url, "alice.key", alice, bob, "5", "2026-12-05T10:00:00")
                  .getInteger("status"))
          .isEqualTo(201);
      assertThat(
              student(
                      "transaction",
                      url,
                      "alice.key",
                      alice,
                      "StockFish",
                      "3",
                      "2026-12-05T10:00:01")
                  .getInteger("status"))
          .isEqualTo(201);
    }
    try (TestNode paywire = start()) {
      // The pool, the users, their enrollment and the network's key all outlive the restart.
      assertThat(new JsonObject(get("transaction").getString("body")).size()).isEqualTo(2);
      assertThat(register("e100001", "alicepw", "alice.pem").getInteger("status")).isEqualTo(400);
      assertThat(register("e100003", "carolpw", "carol.pem").getInteger("status")).isEqualTo(201);
      JsonObject mined = student("mine", url, "alice.key", "2", "2", "2026-12-05T10:01:00");
      assertThat(mined.getInteger("status")).as(mined.encode()).isEqualTo(201);
    }
    try (TestNode paywire = start()) {
      assertThat(new JsonObject(get("block").getString("body")).getString("hash"))
          .isNotEqualTo("not_actually_mined");
      JsonArray users = new JsonArray(get("user", "application/json").getString("body"));
      assertThat(balance(users, alice)).isEqualTo(35);
      assertThat(balance(users, bob)).isEqualTo(45);
      JsonObject pool = new JsonObject(get("transaction").getString("body"));
      assertThat(pool.size()).as("the bot's reply, pending").isEqualTo(1);
    }
  }

  @Test
  void aUrlPrefixMovesTheRoutesAsInGradecoin() throws Exception {
    node = ApiClientScriptTest.nodeOnPath();
    String prefixed = CONFIG.replace("url_prefix: \"\"", "url_prefix: testnet");
    try (TestNode paywire = startNetwork(dir, prefixed, STUDENTS)) {
      url = "https://127.0.0.1:" + paywire.port("network:testnet") + "/";
      ca = dir.resolve("certs").resolve("ca.crt");
      assertThat(get("testnet/version").getString("body")).isEqualTo("gradecoin - version 0.3.1");
      assertThat(new JsonObject(get("testnet/config").getString("body")).getString("url_prefix"))
          .isEqualTo("testnet");
      assertThat(get("version").getInteger("status")).isEqualTo(404);
      assertThat(get("gradecoin.pub").getString("body")).startsWith("-----BEGIN PUBLIC KEY-----");
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private TestNode start() throws Exception {
    node = ApiClientScriptTest.nodeOnPath();
    TestNode paywire = startNetwork(dir, CONFIG, STUDENTS);
    url = "https://127.0.0.1:" + paywire.port("network:testnet") + "/";
    ca = dir.resolve("certs").resolve("ca.crt");
    return paywire;
  }

  /**
   * A node in {@code dir} with one Gradecoin network, "testnet", on a free port of 127.0.0.1, from
   * the text of a config.yaml and of a students.csv.
   */
  static TestNode startNetwork(Path dir, String configYaml, String studentsCsv) throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, configYaml);
    Path students = dir.resolve("students.csv");
    Files.writeString(students, studentsCsv);
    return TestNode.startWith(
        dir,
        new JsonObject()
            .put(
                "networks",
                new JsonObject()
                    .put(
                        "testnet",
                        new JsonObject()
                            .put("kind", "gradecoin")
                            .put("host", "127.0.0.1")
                            .put("port", 0)
                            .put("gradecoinConfig", config.toString())
                            .put("students", students.toString()))));
  }

  private JsonObject register(String id, String password, String pem) throws Exception {
    return student("register", url, "gradecoin.pub", id, password, pem);
  }

  private JsonObject get(String path) throws Exception {
    return student("get", url, path);
  }

  private JsonObject get(String path, String accept) throws Exception {
    return student("get", url, path, accept);
  }

  private static long balance(JsonArray users, String fingerprint) {
    for (Object row : users) {
      JsonObject user = (JsonObject) row;
      if (user.getString("fingerprint").equals(fingerprint)) {
        return user.getLong("balance");
      }
    }
    throw new AssertionError("no user " + fingerprint + " in " + users.encode());
  }

  private JsonObject student(String... arguments) throws Exception {
    return new GradecoinStudent(node, dir, ca).run(arguments);
  }
}
