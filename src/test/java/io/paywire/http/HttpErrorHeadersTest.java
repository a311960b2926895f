package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.RawHttp;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reply of the API's port carries the security headers and, when it refuses, the API's JSON
 * error (issue 21, finding 10): Netty's own 400, 414 and 431 and the live channel's handshake
 * refusals included. Raw bytes over real TLS.
 */
class HttpErrorHeadersTest {

  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node =
        TestNode.startWith(
            dir, new JsonObject().put("http", new JsonObject().put("maxWebSockets", 1)));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static RawHttp.Reply ask(String request) throws Exception {
    try (TlsLineClient client = RawHttp.open(node)) {
      RawHttp.send(client, request);
      RawHttp.Reply reply = RawHttp.read(client);
      assertThat(reply).as(request).isNotNull();
      return reply;
    }
  }

  private static void assertApiError(RawHttp.Reply reply, int status, String error) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.json().getString("error")).as(reply.toString()).isEqualTo(error);
    assertThat(reply.json().getString("message")).isNotBlank();
    assertThat(reply.header("Strict-Transport-Security"))
        .isEqualTo(ApiVerticle.STRICT_TRANSPORT_SECURITY);
    assertThat(reply.header("Content-Security-Policy"))
        .isEqualTo(ApiVerticle.CONTENT_SECURITY_POLICY);
    assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(reply.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(reply.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
  }

  private static String upgrade(String path, String extraHeaders) {
    return "GET "
        + path
        + " HTTP/1.1\nHost: 127.0.0.1\nUpgrade: websocket\n"
        + "Connection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n"
        + "Sec-WebSocket-Version: 13\n"
        + extraHeaders
        + "\n";
  }

  @Test
  void aTooLongUriGets414AsTheApisError() throws Exception {
    assertApiError(
        ask("GET /" + "a".repeat(10_000) + " HTTP/1.1\nHost: 127.0.0.1\n\n"), 414, "URI_TOO_LONG");
  }

  @Test
  void tooLargeHeadersGet431AsTheApisError() throws Exception {
    assertApiError(
        ask("GET /health HTTP/1.1\nHost: 127.0.0.1\nX-Big: " + "b".repeat(20_000) + "\n\n"),
        431,
        "HEADERS_TOO_LARGE");
  }

  @Test
  void aHeadNettyCannotDecodeGets400AsTheApisError() throws Exception {
    assertApiError(
        ask("GET /health HTTP/1.1\nHost: 127.0.0.1\nBad Header: x\n\n"), 400, "BAD_REQUEST");
  }

  @Test
  void liveChannelRefusalsAreTheApisErrorWithTheHeaders() throws Exception {
    assertApiError(ask(upgrade("/ws", "Origin: https://evil.example\n")), 403, "FORBIDDEN");
    assertApiError(ask(upgrade("/elsewhere", "")), 404, "NOT_FOUND");
    try (TlsLineClient first = RawHttp.open(node)) {
      RawHttp.send(first, upgrade("/ws", ""));
      assertThat(first.readLine()).startsWith("HTTP/1.1 101");
      assertApiError(ask(upgrade("/ws", "")), 503, "UNAVAILABLE");
    }
  }
}
