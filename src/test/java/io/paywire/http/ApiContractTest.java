package io.paywire.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerApi;
import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.BusDelay;
import io.paywire.testing.LogCapture;
import io.paywire.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract and the operational surface: the document is OpenAPI 3.1 and is what the server
 * serves and routes by; every reply carries the security headers and the one error shape; limits
 * answer 413, 415 and 429; an unknown outcome is a 503 naming its id; health and metrics are on the
 * HTTPS port and on the loopback management port.
 */
class ApiContractTest {

  @TempDir Path dir;

  @Test
  void theContractIsOpenApi31AndEveryOperationIsRouted() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dir)) {
      ApiClient api = ApiClient.of(node, dir);
      // The document loads (and so validates) as OpenAPI 3.1 with Vert.x's own parser.
      OpenAPIContract contract =
          OpenAPIContract.from(vertx, ApiVerticle.CONTRACT)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(contract.getVersion()).isEqualTo(OpenAPIVersion.V3_1);
      String served = api.get("/openapi.yaml").text();
      String resource =
          new String(
              getClass().getClassLoader().getResourceAsStream(ApiVerticle.CONTRACT).readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(served).isEqualTo(resource);

      List<Operation> operations = contract.operations();
      assertThat(operations)
          .extracting(Operation::getOperationId)
          .containsExactlyInAnyOrder(
              "getContract",
              "getRegistrationKey",
              "register",
              "challenge",
              "login",
              "refresh",
              "logout",
              "createSignedTransfer",
              "createTransaction",
              "getAccount",
              "listOnline",
              "listTransfers",
              "getTransfer",
              "listBlocks",
              "health",
              "metrics");
      for (Operation operation : operations) {
        String path =
            operation
                .getOpenAPIPath()
                .replace("{name}", "nobody")
                .replace("{id}", HexFormat.of().formatHex(new byte[16]));
        ApiClient.Reply reply =
            operation.getHttpMethod().name().equals("GET")
                ? api.get(path)
                : api.post(path, new JsonObject());
        // Routed: whatever the answer, it is not the router's "no such route".
        assertThat(reply.status())
            .as("%s %s: %s", operation.getHttpMethod(), path, reply)
            .isNotIn(405, 501);
        assertThat(reply.text())
            .as("%s %s", operation.getHttpMethod(), path)
            .doesNotContain("no such route");
        assertSecurityHeaders(reply);
      }
      ApiClient.Reply unknown = api.get("/no/such/route");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().getString("error")).isEqualTo("NOT_FOUND");
      assertSecurityHeaders(unknown);
    } finally {
      vertx.close();
    }
  }

  @Test
  void limitsAnswerWithTheirStatusAndTheOneErrorShape() throws Exception {
    try (TestNode node =
        TestNode.startWith(
            dir,
            new JsonObject()
                .put(
                    "http",
                    new JsonObject().put("maxBodyBytes", 1024).put("challengesPerMinute", 3))
                .put("session", new JsonObject().put("registrationsPerMinute", 2)))) {
      ApiClient api = ApiClient.of(node, dir);
      ApiClient.Reply large =
          api.post(
              "/auth/challenge",
              ("{\"name\":\"" + "x".repeat(2000) + "\"}").getBytes(UTF_8),
              null,
              "application/json");
      assertThat(large.status()).isEqualTo(413);
      assertThat(large.json().getString("error")).isEqualTo("BODY_TOO_LARGE");
      assertSecurityHeaders(large);

      ApiClient.Reply form =
          api.post(
              "/auth/challenge",
              "name=x".getBytes(UTF_8),
              null,
              "application/x-www-form-urlencoded");
      assertThat(form.status()).isEqualTo(415);
      assertThat(form.json().getString("error")).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

      ApiClient.Reply missing = api.post("/auth/challenge", new JsonObject().put("nam", "x"));
      assertThat(missing.status()).isEqualTo(400);
      assertThat(missing.json().fieldNames()).containsExactlyInAnyOrder("error", "message");

      // Three challenges a minute from this address; the fourth is refused with Retry-After.
      // (The two refused requests above were refused before they were counted: the contract
      // turned them away first.)
      for (int i = 0; i < 3; i++) {
        assertThat(api.post("/auth/challenge", new JsonObject().put("name", "a")).status())
            .isEqualTo(200);
      }
      // Registrations are rated even when the contract refuses their envelope: each costs the
      // server an RSA decryption either way.
      for (int i = 0; i < 2; i++) {
        assertThat(api.post("/register", new JsonObject().put("c", 1)).status()).isEqualTo(400);
      }
      assertThat(api.post("/register", new JsonObject().put("c", 1)).status()).isEqualTo(429);
      ApiClient.Reply limited = api.post("/auth/challenge", new JsonObject().put("name", "a"));
      assertThat(limited.status()).as("%s", limited).isEqualTo(429);
      assertThat(limited.json().getString("error")).isEqualTo("RATE_LIMITED");
      assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
    }
  }

  @Test
  void anUnknownOutcomeIs503WithItsIdAndTheRetryAppliesOnce() throws Exception {
    try (TestNode node =
        TestNode.startWith(
            dir,
            new JsonObject().put("ledger", new JsonObject().put("requestTimeoutMillis", 300)))) {
      ApiClient api = ApiClient.of(node, dir);
      ApiUser payer = ApiUser.of(api, "unsure", KeyType.EC);
      ApiUser payee = ApiUser.of(api, "sure", KeyType.EC);
      assertThat(payer.register(1_000L, null).status()).isEqualTo(201);
      assertThat(payee.register(1L, null).status()).isEqualTo(201);
      assertThat(payer.login().status()).isEqualTo(200);
      // The first transfer reaches the ledger only after the API gave up waiting.
      BusDelay.first(node.node().vertx(), LedgerApi.TRANSFER, 1_000);
      String id = HexFormat.of().formatHex(new byte[15]) + "77";
      ApiClient.Reply unknown = payer.pay("sure", 100, id);
      assertThat(unknown.status()).isEqualTo(503);
      assertThat(unknown.json().getString("error")).isEqualTo("UNKNOWN_OUTCOME");
      assertThat(unknown.json().getString("id")).isEqualTo(id);
      assertThat(unknown.json().getString("message")).contains("retry with the same id");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> api.get("/accounts/unsure", payer.token()).json().getLong("balance") == 900);
      ApiClient.Reply retry = payer.pay("sure", 100, id);
      assertThat(retry.status()).isEqualTo(200);
      assertThat(retry.json().getBoolean("duplicate")).isTrue();
      assertThat(api.get("/accounts/unsure", payer.token()).json().getLong("balance"))
          .isEqualTo(900);
    }
  }

  @Test
  void healthAndMetricsOnTheApiAndTheManagementPort() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      ApiClient api = ApiClient.of(node, dir);
      ApiUser alice = ApiUser.of(api, "alice", KeyType.EC);
      assertThat(alice.register(500L, null).status()).isEqualTo(201);
      assertThat(ApiUser.of(api, "bob", KeyType.EC).register(1L, null).status()).isEqualTo(201);
      assertThat(alice.pay("bob", 5, HexFormat.of().formatHex(new byte[16])).status())
          .isEqualTo(201);
      assertThat(alice.pay("bob", 5_000, HexFormat.of().formatHex(new byte[15]) + "01").status())
          .isEqualTo(409);

      ApiClient.Reply health = api.get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().getString("outcome")).isEqualTo("UP");
      assertThat(heapCheck(health).getBoolean("warning")).isFalse();
      String metrics = api.get("/metrics").text();
      assertThat(metrics)
          .contains("vertx_http_server_requests_total")
          .contains("vertx_eventbus_")
          .containsPattern("paywire_payments_accepted_total\\{[^}]*via=\"http\"[^}]*\\} 1\\.0")
          .containsPattern("paywire_payments_refused_total\\{[^}]*code=\"INSUFFICIENT_FUNDS\"")
          .contains("paywire_ledger_batch_transfers")
          .contains("paywire_ledger_fsync_seconds")
          .containsPattern("paywire_sessions_open\\{[^}]*via=\"http\"");

      // The management port: plain HTTP, loopback only, the same two routes and nothing else.
      int management = node.port("management");
      HttpClient plain = HttpClient.newHttpClient();
      HttpResponse<String> probe =
          plain.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(probe.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(probe.body()).getString("outcome")).isEqualTo("UP");
      HttpResponse<String> scrape =
          plain.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.body()).contains("paywire_payments_accepted_total");
      HttpResponse<String> other =
          plain.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + management + "/accounts/alice"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void healthWarnsAboveTheHeapThresholdWithoutFailingAndLogsItOncePerInterval() throws Exception {
    try (TestNode node =
            TestNode.startWith(
                dir, new JsonObject().put("http", new JsonObject().put("heapWarningPercent", 0)));
        LogCapture log = new LogCapture()) {
      ApiClient api = ApiClient.of(node, dir);
      for (int i = 0; i < 2; i++) {
        ApiClient.Reply health = api.get("/health");
        assertThat(health.status()).as("%s", health).isEqualTo(200);
        assertThat(health.json().getString("outcome")).isEqualTo("UP");
        JsonObject heap = heapCheck(health);
        assertThat(heap.getBoolean("warning")).isTrue();
        assertThat(heap.getInteger("warningPercent")).isZero();
        assertThat(heap.getLong("usedBytes"))
            .isPositive()
            .isLessThanOrEqualTo(heap.getLong("maxBytes"));
      }
      assertThat(
              log.lines(Level.WARNING).stream().filter(line -> line.contains("event=heap_warning")))
          .hasSize(1)
          .allMatch(line -> line.contains("maxBytes=") && line.contains("warningPercent=0"));
    }
  }

  private static JsonObject heapCheck(ApiClient.Reply health) {
    return health.json().getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .filter(check -> check.getString("id").equals("heap"))
        .findFirst()
        .orElseThrow()
        .getJsonObject("data");
  }

  private static void assertSecurityHeaders(ApiClient.Reply reply) {
    assertThat(reply.header("Strict-Transport-Security")).startsWith("max-age=");
    assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(reply.header("Content-Security-Policy"))
        .contains("default-src 'none'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(reply.header("Referrer-Policy")).isEqualTo("no-referrer");
  }
}
