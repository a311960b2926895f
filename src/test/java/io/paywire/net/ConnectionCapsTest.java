package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection caps counted from accept, before any TLS work, on every listener; and the bound on the
 * time to a complete request head on the HTTPS port. Half-open connections here never send a
 * ClientHello, as a flood of them would not.
 */
class ConnectionCapsTest {

  private static final int PER_ADDRESS = 5;

  /** Far longer than the test: only a cap, not the handshake timeout, may close a connection. */
  private static final int HANDSHAKE_SECONDS = 120;

  private static final int HEAD_SECONDS = 1;

  /** How long a refused connection may take to be closed: "at once", with room for a slow CI. */
  private static final int CLOSED_WITHIN_MILLIS = 3_000;

  @TempDir Path dir;
  private TestNode node;
  private final List<Socket> opened = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    node =
        TestNode.startWith(
            dir,
            new JsonObject()
                .put("node", new JsonObject().put("compatPort", 0))
                .put(
                    "text",
                    new JsonObject()
                        .put("maxConnectionsPerAddress", PER_ADDRESS)
                        .put("handshakeTimeoutSeconds", HANDSHAKE_SECONDS))
                .put(
                    "http",
                    new JsonObject()
                        .put("maxConnectionsPerAddress", PER_ADDRESS)
                        .put("requestHeadTimeoutSeconds", HEAD_SECONDS)));
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : opened) {
      socket.close();
    }
    node.close();
  }

  @Test
  void halfOpenConnectionsBeyondTheAddressCapAreClosedAtOnceOnTheTextPort() throws Exception {
    capHoldsFromAccept("tls");
  }

  @Test
  void halfOpenConnectionsBeyondTheAddressCapAreClosedAtOnceOnTheCompatPort() throws Exception {
    capHoldsFromAccept("compat");
  }

  @Test
  void halfOpenConnectionsBeyondTheAddressCapAreClosedAtOnceOnTheHttpsPort() throws Exception {
    capHoldsFromAccept("http");
  }

  private void capHoldsFromAccept(String endpoint) throws Exception {
    int port = node.port(endpoint);
    InetAddress busy = InetAddress.getByName("127.0.0.1");
    for (int i = 0; i < PER_ADDRESS; i++) {
      opened.add(raw(busy, port)); // TCP only: no ClientHello, ever
    }
    assertThat(refusedWithin(busy, port, CLOSED_WITHIN_MILLIS))
        .as("connection %d from one address on %s", PER_ADDRESS + 1, endpoint)
        .isTrue();
    // Another address still completes a TLS session meanwhile.
    if (!endpoint.equals("compat")) { // that port requires a client certificate; tls is enough
      try (TlsLineClient other =
          TlsLineClient.open(
              InetAddress.getByName("127.0.0.2"), port, node.fingerprint(), null, null)) {
        if (endpoint.equals("tls")) {
          assertThat(other.readLine()).isEqualTo("Connection accepted!");
        } else {
          other.sendRaw(
              "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          assertThat(other.readLine()).startsWith("HTTP/1.1 200");
        }
      }
    }
    // And a slot freed is a slot taken again.
    opened.remove(0).close();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !refusedWithin(busy, port, 500));
  }

  @Test
  void aSlowlorisHttpsClientIsClosedAfterTheHeadTimeout() throws Exception {
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (TlsLineClient slow =
        TlsLineClient.open(null, node.port("http"), node.fingerprint(), null, null)) {
      slow.sendRaw(
          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      // A header line every 200 ms: each resets the idle timeout, none finishes the head.
      ScheduledFuture<?> unused =
          trickle.scheduleAtFixedRate(
              () -> {
                try {
                  slow.sendRaw("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                  throw new IllegalStateException(closed); // ends the schedule
                }
              },
              200,
              200,
              TimeUnit.MILLISECONDS);
      long start = System.nanoTime();
      assertThat(slow.readLine()).as("no reply to a head never finished").isNull();
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(elapsedMillis).isLessThan(HEAD_SECONDS * 1000L + CLOSED_WITHIN_MILLIS);
    } finally {
      trickle.shutdownNow();
    }
  }

  @Test
  void keepAliveRequestsAreServedAndAnIdleConnectionClosedAfterTheHeadTimeout() throws Exception {
    try (TlsLineClient client =
        TlsLineClient.open(null, node.port("http"), node.fingerprint(), null, null)) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        client.sendRaw(
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // The body has no newline, so it runs into the next status line: search, not match.
        String line;
        do {
          line = client.readLine();
          lines.add(String.valueOf(line).toLowerCase(Locale.ROOT));
        } while (line != null && !line.contains("HTTP/1.1 200"));
        assertThat(line).as("reply %d on one connection", i + 1).isNotNull();
      }
      // Responses tell clients when the server drops an idle connection: a second before.
      assertThat(lines).anyMatch(line -> line.startsWith("keep-alive: timeout=1"));
      long start = System.nanoTime();
      while (client.readLine() != null) {
        // the rest of the last reply, then the end of the stream
      }
      assertThat((System.nanoTime() - start) / 1_000_000)
          .isLessThan(HEAD_SECONDS * 1000L + CLOSED_WITHIN_MILLIS);
    }
  }

  private Socket raw(InetAddress local, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(local, 0));
    socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
    return socket;
  }

  /**
   * Whether a new connection from {@code local} is closed (or reset) by the server within the time,
   * sending nothing; a reset may come while the client still completes its connect.
   */
  private boolean refusedWithin(InetAddress local, int port, int millis) {
    try (Socket socket = raw(local, port)) {
      socket.setSoTimeout(millis);
      InputStream in = socket.getInputStream();
      return in.read() == -1;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
