package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PublicKeys;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.NodeJs;
import io.paywire.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/api-client.mjs, the API's example client, run by the machine's Node.js against a real node:
 * it must register (EC with AES-GCM, RSA with AES-CBC), log in, pay, read its balance and log out
 * exactly as docs/api.md says, and retry a payment whose answer was lost with the same id. What it
 * prints is checked, and what it did is checked again through the Java test client. Without {@code
 * node} on the PATH this test fails; it never skips.
 */
class ApiClientScriptTest {

  static final Path SCRIPT = Path.of("docs", "api-client.mjs");

  /** A run of the script: a few requests, two key generations at most. */
  static final long SCRIPT_TIMEOUT_SECONDS = 60;

  private static final Pattern REGISTERED =
      Pattern.compile("registered (\\S+) address ([0-9a-f]{64}) balance (\\d+)");
  private static final Pattern LOGGED_IN = Pattern.compile("logged-in (\\S+) expires (\\S+)");
  private static final Pattern PAID =
      Pattern.compile(
          "paid ([0-9a-f]{32}) to (\\S+) amount (\\d+) balance (\\d+)( \\(already applied\\))?");

  @TempDir Path dir;
  private Path node;

  /** What one run printed. */
  private record Run(int exitCode, List<String> lines, String errors) {}

  @BeforeEach
  void findNode() throws Exception {
    node = nodeOnPath();
    assertThat(SCRIPT).as("run from the project directory").isRegularFile();
  }

  @Test
  void twoUsersRegisterLogInAndPayWithTheScript() throws Exception {
    try (TestNode paywire = TestNode.start(dir)) {
      ApiClient api = ApiClient.of(paywire, dir);
      String url = "https://127.0.0.1:" + paywire.port("http");
      String ca = dir.resolve("certs").resolve("ca.crt").toString();

      Run bob =
          script(
              "--url",
              url,
              "--ca",
              ca,
              "--name",
              "bob",
              "--deposit",
              "500",
              "--key-type",
              "rsa",
              "--cbc",
              "--key-out",
              "bob.key");
      assertThat(bob.exitCode()).as("%s", bob).isZero();
      assertThat(bob.lines()).as("%s", bob).hasSize(4);
      assertRegistered(api, bob.lines().get(0), "bob", 500);
      assertLoggedIn(bob.lines().get(1), "bob");
      assertThat(bob.lines().subList(2, 4)).containsExactly("balance bob 500", "logged-out bob");

      Run alice =
          script(
              "--url",
              url,
              "--ca",
              ca,
              "--name",
              "alice",
              "--deposit",
              "1000",
              "--pay-to",
              "bob",
              "--amount",
              "250",
              "--key-out",
              "alice.key");
      assertThat(alice.exitCode()).as("%s", alice).isZero();
      assertThat(alice.lines()).as("%s", alice).hasSize(5);
      assertRegistered(api, alice.lines().get(0), "alice", 1000);
      assertLoggedIn(alice.lines().get(1), "alice");
      Matcher paid = PAID.matcher(alice.lines().get(2));
      assertThat(paid.matches()).as(alice.lines().get(2)).isTrue();
      assertThat(paid.group(2)).isEqualTo("bob");
      assertThat(paid.group(3)).isEqualTo("250");
      assertThat(paid.group(4)).isEqualTo("750");
      assertThat(paid.group(5)).as("a first payment is no replay").isNull();
      assertThat(alice.lines().subList(3, 5))
          .containsExactly("balance alice 750", "logged-out alice");

      // The keys it registered are the kinds asked for, and the ones it wrote out.
      assertThat(registeredKey(api, "bob"))
          .isInstanceOf(RSAPublicKey.class)
          .satisfies(k -> assertThat(((RSAPublicKey) k).getModulus().bitLength()).isEqualTo(2048));
      assertThat(registeredKey(api, "alice")).isInstanceOf(ECPublicKey.class);

      // Independently, through the Java client with the keys the script wrote: both logged out
      // (or these logins would be refused as ALREADY_ONLINE), and the money moved once.
      ApiUser javaBob = userFromScriptKey(api, "bob");
      ApiUser javaAlice = userFromScriptKey(api, "alice");
      assertThat(javaBob.login().status()).isEqualTo(200);
      assertThat(javaAlice.login().status()).isEqualTo(200);
      assertThat(api.get("/accounts/bob", javaBob.token()).json().getLong("balance"))
          .isEqualTo(750);
      assertThat(api.get("/accounts/alice", javaAlice.token()).json().getLong("balance"))
          .isEqualTo(750);
      JsonObject transfer =
          api.get("/transfers?account=bob", javaBob.token())
              .json()
              .getJsonArray("transfers")
              .getJsonObject(0);
      assertThat(transfer.getString("id")).isEqualTo(paid.group(1));
      assertThat(transfer.getString("source")).isEqualTo("alice");
      assertThat(transfer.getLong("amount")).isEqualTo(250);
    }
  }

  @Test
  void refusalsEndTheRunWithTheApisErrorAndTheLoginEnded() throws Exception {
    try (TestNode paywire = TestNode.start(dir)) {
      ApiClient api = ApiClient.of(paywire, dir);
      String url = "https://127.0.0.1:" + paywire.port("http");
      String ca = dir.resolve("certs").resolve("ca.crt").toString();
      assertThat(ApiUser.of(api, "bob", KeyType.EC).register(10L, null).status()).isEqualTo(201);

      Run broke =
          script(
              "--url",
              url,
              "--ca",
              ca,
              "--name",
              "carol",
              "--deposit",
              "100",
              "--pay-to",
              "bob",
              "--amount",
              "101",
              "--key-out",
              "carol.key");
      assertThat(broke.exitCode()).as("%s", broke).isEqualTo(1);
      assertThat(broke.errors().strip())
          .isEqualTo("error POST /transactions 409 INSUFFICIENT_FUNDS: balance too low");
      assertThat(broke.lines()).last().isEqualTo("logged-out carol");

      Run taken = script("--url", url, "--ca", ca, "--name", "bob");
      assertThat(taken.exitCode()).isEqualTo(1);
      assertThat(taken.errors()).startsWith("error POST /register 409 NAME_TAKEN");

      // Only the CA given is trusted: the system's roots do not vouch for the node.
      Run untrusted =
          script("--url", url, "--ca", "/etc/ssl/certs/ca-certificates.crt", "--name", "dave");
      assertThat(untrusted.exitCode()).isEqualTo(1);
      assertThat(untrusted.lines()).isEmpty();
      assertThat(untrusted.errors()).startsWith("error ").contains("certificate");

      // carol logged out after the refusal, so she can log in again.
      ApiUser javaCarol = userFromScriptKey(api, "carol");
      assertThat(javaCarol.login().status()).isEqualTo(200);
      assertThat(api.get("/accounts/carol", javaCarol.token()).json().getLong("balance"))
          .isEqualTo(100);
    }
  }

  @Test
  void aLostPaymentAnswerIsRetriedWithTheSameIdAndPaysOnce() throws Exception {
    try (TestNode paywire = TestNode.start(dir);
        LossyProxy proxy = LossyProxy.start(dir.resolve("certs"), paywire.port("http"))) {
      ApiClient api = ApiClient.of(paywire, dir);
      String url = "https://127.0.0.1:" + proxy.port;
      String ca = dir.resolve("certs").resolve("ca.crt").toString();

      Run bob =
          script(
              "--url", url, "--ca", ca, "--name", "bob", "--deposit", "10", "--key-out", "bob.key");
      assertThat(bob.exitCode()).as("%s", bob).isZero();
      Run carol =
          script(
              "--url",
              url,
              "--ca",
              ca,
              "--name",
              "carol",
              "--deposit",
              "100",
              "--key-type",
              "rsa",
              "--cbc",
              "--pay-to",
              "bob",
              "--amount",
              "40",
              "--key-out",
              "carol.key");
      assertThat(carol.exitCode()).as("%s", carol).isZero();

      List<LossyProxy.Seen> payments = proxy.seen("/transactions");
      assertThat(payments).as("the lost one and its retry").hasSize(2);
      assertThat(payments.get(1).text())
          .as("same bytes, so same id and tha")
          .isEqualTo(payments.get(0).text());
      String id = new JsonObject(payments.get(0).text()).getString("id");
      assertThat(carol.lines())
          .as("%s", carol)
          .contains(
              "unknown " + id + " retrying",
              "paid " + id + " to bob amount 40 balance 60 (already applied)",
              "balance carol 60");

      // Bob, with the key it wrote, pays carol back: ES256 this time.
      Run bobPays =
          script(
              "--url",
              url,
              "--ca",
              ca,
              "--name",
              "bob",
              "--key",
              "bob.key",
              "--pay-to",
              "carol",
              "--amount",
              "5");
      assertThat(bobPays.exitCode()).as("%s", bobPays).isZero();
      assertThat(bobPays.lines()).as("%s", bobPays).hasSize(4).contains("balance bob 45");

      payments = proxy.seen("/transactions");
      assertThat(payments).hasSize(3);
      for (LossyProxy.Seen payment : payments) {
        JsonObject claims =
            new JsonObject(new String(jwtPart(payment.authorization(), 1), StandardCharsets.UTF_8));
        assertThat(claims.getString("tha")).isEqualTo(ApiUser.sha256Hex(payment.body()));
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(120);
      }
      assertThat(jwtHeader(payments.get(0)).getString("alg")).isEqualTo("RS256");
      assertThat(jwtHeader(payments.get(2)).getString("alg")).isEqualTo("ES256");
      // JWS wants ES256 as r||s, 64 bytes; the server also takes DER, so only this catches it.
      assertThat(jwtPart(payments.get(2).authorization(), 2)).as("ES256 signature").hasSize(64);

      // The envelopes are what each option asks for: GCM by default, CBC with --cbc.
      List<LossyProxy.Seen> registrations = proxy.seen("/register");
      assertThat(registrations).hasSize(2);
      JsonObject gcm = new JsonObject(registrations.get(0).text());
      JsonObject cbc = new JsonObject(registrations.get(1).text());
      assertThat(gcm.getString("alg")).isEqualTo("A128GCM");
      assertThat(Base64.getDecoder().decode(gcm.getString("iv"))).hasSize(12);
      assertThat(cbc.getString("alg")).isEqualTo("A128CBC");
      assertThat(Base64.getDecoder().decode(cbc.getString("iv"))).hasSize(16);
      assertThat(Base64.getDecoder().decode(cbc.getString("c")).length % 16).isZero();

      // Independently: the 40 moved once, the 5 once.
      ApiUser javaBob = userFromScriptKey(api, "bob");
      ApiUser javaCarol = userFromScriptKey(api, "carol");
      assertThat(javaBob.login().status()).isEqualTo(200);
      assertThat(javaCarol.login().status()).isEqualTo(200);
      assertThat(api.get("/accounts/bob", javaBob.token()).json().getLong("balance")).isEqualTo(45);
      assertThat(api.get("/accounts/carol", javaCarol.token()).json().getLong("balance"))
          .isEqualTo(65);
      assertThat(api.get("/transfers?account=carol", javaCarol.token()).json().getLong("total"))
          .as("deposit, payment, payment back")
          .isEqualTo(3);
    }
  }

  // ---- checks -----------------------------------------------------------------------------------

  /** {@code registered NAME address HEX balance N}, the address being the server's for NAME. */
  private static void assertRegistered(ApiClient api, String line, String name, long balance)
      throws Exception {
    Matcher registered = REGISTERED.matcher(line);
    assertThat(registered.matches()).as(line).isTrue();
    assertThat(registered.group(1)).isEqualTo(name);
    assertThat(Long.parseLong(registered.group(3))).isEqualTo(balance);
    JsonObject account = lookUp(api, name);
    assertThat(registered.group(2))
        .isEqualTo(account.getString("address"))
        .isEqualTo(ApiUser.sha256Hex(Pem.publicKeyInfo(account.getString("publicKey"))));
  }

  /** {@code logged-in NAME expires ISO-TIME}, within a session token's lifetime from now. */
  private static void assertLoggedIn(String line, String name) {
    Matcher loggedIn = LOGGED_IN.matcher(line);
    assertThat(loggedIn.matches()).as(line).isTrue();
    assertThat(loggedIn.group(1)).isEqualTo(name);
    Instant expires = Instant.parse(loggedIn.group(2));
    assertThat(expires)
        .isAfter(Instant.now())
        .isBefore(Instant.now().plusSeconds(SessionTokens.MAX_LIFETIME_SECONDS + 1));
  }

  private static final AtomicInteger LOOKERS = new AtomicInteger();

  /** An account as another logged-in user sees it (looking accounts up needs a login). */
  private static JsonObject lookUp(ApiClient api, String name) throws Exception {
    ApiUser looker = ApiUser.loggedIn(api, "looker" + LOOKERS.incrementAndGet(), 1);
    return api.get("/accounts/" + name, looker.token()).json();
  }

  private static PublicKey registeredKey(ApiClient api, String name) throws Exception {
    return PublicKeys.decode(Pem.publicKeyInfo(lookUp(api, name).getString("publicKey")));
  }

  /** A Java user holding the private key the script wrote with --key-out NAME.key. */
  private ApiUser userFromScriptKey(ApiClient api, String name) throws Exception {
    return new ApiUser(
        api,
        name,
        new KeyPair(registeredKey(api, name), Pem.readPrivateKey(dir.resolve(name + ".key"))));
  }

  /** The decoded part (0 header, 1 claims, 2 signature) of the bearer JWT. */
  private static byte[] jwtPart(String authorization, int part) {
    String token = authorization.substring("Bearer ".length());
    return Base64.getUrlDecoder().decode(token.split("\\.")[part]);
  }

  private static JsonObject jwtHeader(LossyProxy.Seen payment) {
    return new JsonObject(new String(jwtPart(payment.authorization(), 0), StandardCharsets.UTF_8));
  }

  // ---- running the script -----------------------------------------------------------------------

  /** The {@code node} executable on the PATH; fails (never skips) without it. */
  static Path nodeOnPath() throws Exception {
    return NodeJs.onPath(SCRIPT.toString());
  }

  /** Runs the script in the test's directory, bounded by {@link #SCRIPT_TIMEOUT_SECONDS}. */
  private Run script(String... arguments) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(node.toString(), SCRIPT.toAbsolutePath().toString()));
    command.addAll(List.of(arguments));
    Path out = Files.createTempFile(dir, "script", ".out");
    Path err = Files.createTempFile(dir, "script", ".err");
    // Output to files, not pipes, so neither stream can fill up and stall the process.
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          String.join(" ", command)
              + " did not finish in "
              + SCRIPT_TIMEOUT_SECONDS
              + " s; printed:\n"
              + Files.readString(out)
              + Files.readString(err));
    }
    return new Run(process.exitValue(), Files.readAllLines(out), Files.readString(err));
  }

  // ---- a proxy that loses an answer -------------------------------------------------------------

  /**
   * A TLS reverse proxy in front of the node's API, with the node's own certificate: it records
   * every request and passes it on, but answers the first payment with 503 UNKNOWN_OUTCOME after
   * the node applied it, as a reply lost on the way would leave a client.
   */
  private static final class LossyProxy implements AutoCloseable {

    record Seen(String method, String path, String authorization, byte[] body) {
      String text() {
        return new String(body, StandardCharsets.UTF_8);
      }
    }

    private final Vertx vertx = Vertx.vertx();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicBoolean lost = new AtomicBoolean();
    private HttpClient client;
    private int port;

    static LossyProxy start(Path certs, int nodePort) throws Exception {
      LossyProxy proxy = new LossyProxy();
      proxy.client =
          proxy.vertx.createHttpClient(
              new HttpClientOptions()
                  .setSsl(true)
                  .setTrustOptions(
                      new PemTrustOptions().addCertPath(certs.resolve("ca.crt").toString()))
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(nodePort));
      HttpServer server =
          proxy
              .vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setSsl(true)
                      .setKeyCertOptions(
                          new PemKeyCertOptions()
                              .setKeyPath(certs.resolve("server.key").toString())
                              .setCertPath(certs.resolve("server.crt").toString())))
              .requestHandler(proxy::forward);
      proxy.port =
          server
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .actualPort();
      return proxy;
    }

    List<Seen> seen(String path) {
      return seen.stream().filter(s -> s.path().equals(path)).toList();
    }

    private void forward(HttpServerRequest request) {
      request
          .body()
          .compose(
              body -> {
                seen.add(
                    new Seen(
                        request.method().name(),
                        request.path(),
                        request.getHeader("Authorization"),
                        body.getBytes()));
                RequestOptions options =
                    new RequestOptions().setMethod(request.method()).setURI(request.uri());
                for (String header : List.of("Authorization", "Content-Type")) {
                  if (request.getHeader(header) != null) {
                    options.putHeader(header, request.getHeader(header));
                  }
                }
                return client
                    .request(options)
                    .compose(r -> r.send(body))
                    .compose(
                        response ->
                            response
                                .body()
                                .map(
                                    answer -> {
                                      boolean lose =
                                          request.path().equals("/transactions")
                                              && response.statusCode() / 100 == 2
                                              && lost.compareAndSet(false, true);
                                      if (lose) {
                                        String id = new JsonObject(body).getString("id");
                                        request
                                            .response()
                                            .setStatusCode(503)
                                            .putHeader("content-type", "application/json")
                                            .end(
                                                new JsonObject()
                                                    .put("error", "UNKNOWN_OUTCOME")
                                                    .put("message", "lost by the test's proxy")
                                                    .put("id", id)
                                                    .encode());
                                      } else {
                                        String type = response.getHeader("content-type");
                                        if (type != null) {
                                          request.response().putHeader("content-type", type);
                                        }
                                        request
                                            .response()
                                            .setStatusCode(response.statusCode())
                                            .end(answer);
                                      }
                                      return (Void) null;
                                    }));
              })
          .onFailure(e -> request.response().setStatusCode(502).end(String.valueOf(e)));
    }

    @Override
    public void close() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
