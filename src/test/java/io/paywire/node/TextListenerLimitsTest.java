package io.paywire.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits that need a node of their own. */
class TextListenerLimitsTest {

  @TempDir Path directory;

  @Test
  void connectionsBeyondTheLimitAreRefusedAtOnceAndSlotsAreReused() throws Exception {
    try (TestNode node = TestNode.start(directory, new JsonObject().put("maxConnections", 2))) {
      List<TlsLineClient> open = new ArrayList<>();
      try {
        open.add(TlsLineClient.connect(node.tlsPort(), node.fingerprint()));
        open.add(TlsLineClient.connect(node.tlsPort(), node.fingerprint()));
        // Refused as it is accepted, before any TLS: the handshake fails.
        assertThatThrownBy(
                () -> TlsLineClient.open(node.tlsPort(), node.fingerprint(), null, null).close())
            .isInstanceOf(IOException.class);
        open.remove(0).close();
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  try (TlsLineClient again =
                      TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
                    assertThat(again.askList("LIST"))
                        .containsExactly("Please login to access the list!");
                  }
                });
      } finally {
        for (TlsLineClient client : open) {
          client.close();
        }
      }
    }
  }

  @Test
  void connectionsFromOneAddressBeyondItsLimitAreRefusedWhileOtherAddressesGetIn()
      throws Exception {
    try (TestNode node =
        TestNode.start(directory, new JsonObject().put("maxConnectionsPerAddress", 2))) {
      InetAddress busy = InetAddress.getByName("127.0.0.1");
      InetAddress other = InetAddress.getByName("127.0.0.2");
      try (TlsLineClient a =
              TlsLineClient.open(busy, node.tlsPort(), node.fingerprint(), null, null);
          TlsLineClient b =
              TlsLineClient.open(busy, node.tlsPort(), node.fingerprint(), null, null)) {
        assertThat(a.readLine()).isEqualTo("Connection accepted!");
        assertThat(b.readLine()).isEqualTo("Connection accepted!");
        // Refused as it is accepted, before any TLS: the handshake fails.
        assertThatThrownBy(
                () ->
                    TlsLineClient.open(busy, node.tlsPort(), node.fingerprint(), null, null)
                        .close())
            .isInstanceOf(IOException.class);
        try (TlsLineClient d =
            TlsLineClient.open(other, node.tlsPort(), node.fingerprint(), null, null)) {
          assertThat(d.readLine()).isEqualTo("Connection accepted!");
        }
        a.close();
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  try (TlsLineClient again =
                      TlsLineClient.open(busy, node.tlsPort(), node.fingerprint(), null, null)) {
                    assertThat(again.readLine()).isEqualTo("Connection accepted!");
                  }
                });
      }
    }
  }

  @Test
  void aClientThatNeverFinishesItsHandshakeIsClosedByTheHandshakeTimeout() throws Exception {
    // The idle timeout is far away, so only the handshake timeout can close this connection
    // before the client's own read timeout gives up.
    try (TestNode node =
            TestNode.start(
                directory,
                new JsonObject()
                    .put("handshakeTimeoutSeconds", 1)
                    .put("idleTimeoutSeconds", 3_600));
        Socket raw = new Socket("127.0.0.1", node.tlsPort())) {
      raw.setSoTimeout(TlsLineClient.READ_TIMEOUT_MILLIS);
      raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a TLS record, never finished
      assertThat(raw.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aClientFasterThanTheRateIsPacedNotRefused() throws Exception {
    try (TestNode node =
            TestNode.start(
                directory, new JsonObject().put("maxCommandsPerSecond", 4).put("commandBurst", 2));
        TlsLineClient client = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        burst.append("HELP#x\n"); // one-line replies
      }
      long start = System.nanoTime();
      client.sendRaw(burst.toString().getBytes(UTF_8));
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        replies.add(client.readLine());
      }
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      // Every command is answered, none refused; and the answers took at least the time the
      // rate allows for the 8 commands beyond the burst (a lower bound: slowness cannot fail it).
      assertThat(replies).containsOnly("230 INVALID HELP takes no fields").hasSize(10);
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(8 * 1000 / 4 - 100);
    }
  }
}
