package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.LogCapture;
import io.paywire.testing.RawHttp;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ambiguous HTTP framing is refused with 400 and the connection closed (issue 21, finding 8):
 * behind a proxy that reads the other length, a kept-alive connection would smuggle a request. Raw
 * bytes over real TLS.
 */
class HttpFramingTest {

  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static final String HEAD =
      "POST /auth/challenge HTTP/1.1\nHost: 127.0.0.1\n" + "Content-Type: application/json\n";
  private static final String BODY = "{\"name\":\"alice\"}";

  /** Sends {@code request}; asserts a 400 in the API's shape, Connection: close, and the close. */
  private static void assertRefusedAndClosed(String request) throws Exception {
    try (TlsLineClient client = RawHttp.open(node)) {
      RawHttp.send(client, request);
      RawHttp.Reply reply = RawHttp.read(client);
      assertThat(reply).as(request).isNotNull();
      assertThat(reply.status()).as(request + " -> " + reply).isEqualTo(400);
      assertThat(reply.json().getString("error")).isEqualTo("BAD_REQUEST");
      assertThat(reply.header("Connection")).as(reply.toString()).isEqualToIgnoringCase("close");
      assertThat(client.closedByServer()).as("closed after " + request).isTrue();
    }
  }

  private static String chunked(String body) {
    return Integer.toHexString(body.length()) + "\n" + body + "\n0\n\n";
  }

  @Test
  void aWellFramedRequestIsAnsweredAndKeptAlive() throws Exception {
    try (TlsLineClient client = RawHttp.open(node)) {
      for (int i = 0; i < 2; i++) {
        RawHttp.send(client, HEAD + "Transfer-Encoding: chunked\n\n" + chunked(BODY));
        RawHttp.Reply reply = RawHttp.read(client);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
      }
    }
  }

  @Test
  void contentLengthAndTransferEncodingTogetherAreRefusedAndClosed() throws Exception {
    assertRefusedAndClosed(
        HEAD
            + "Content-Length: "
            + (BODY.length() + 9)
            + "\nTransfer-Encoding: chunked\n\n"
            + chunked(BODY));
    assertRefusedAndClosed(
        HEAD + "Transfer-Encoding: chunked\nContent-Length: 5\n\n" + chunked(BODY));
  }

  @Test
  void aTransferEncodingOtherThanExactlyChunkedIsRefusedAndClosed() throws Exception {
    assertRefusedAndClosed(
        HEAD + "Transfer-Encoding: xchunked\nContent-Length: " + BODY.length() + "\n\n" + BODY);
    assertRefusedAndClosed(HEAD + "Transfer-Encoding: chunked, identity\n\n" + chunked(BODY));
    assertRefusedAndClosed(HEAD + "Transfer-Encoding: identity\n\n" + BODY);
    assertRefusedAndClosed(
        HEAD + "Transfer-Encoding: chunked\nTransfer-Encoding: chunked\n\n" + chunked(BODY));
  }

  /**
   * Vert.x closes the connection as soon as Netty cannot read a chunk, so a reply may not get out;
   * when one does, it is the 400. Either way: closed, and nothing but a line in the log.
   */
  @Test
  void aBadChunkSizeClosesWithNoStackTraceInTheLog() throws Exception {
    try (LogCapture log = new LogCapture();
        TlsLineClient client = RawHttp.open(node)) {
      RawHttp.send(client, HEAD + "Transfer-Encoding: chunked\n\nzz\n" + BODY + "\n0\n\n");
      RawHttp.Reply reply = RawHttp.read(client);
      if (reply != null) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
      }
      assertThat(client.closedByServer()).isTrue();
      assertThat(log.lines(Level.SEVERE)).isEmpty();
      assertThat(log.anyThrown()).as("%s", log.lines(Level.ALL)).isFalse();
    }
  }
}
