package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.LogCapture;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of refused connections leaves one line in the log, not one per connection (issue 21,
 * finding 9): 50 connections over the per-address cap of the TLS listener, on 127.0.0.1.
 */
class RefusalLogFloodTest {

  @TempDir Path dir;

  @Test
  void fiftyRefusedConnectionsLogOneLineWithinTheInterval() throws Exception {
    try (TestNode node = TestNode.start(dir, new JsonObject().put("maxConnectionsPerAddress", 1));
        TlsLineClient holder = TlsLineClient.connect(node.tlsPort(), node.fingerprint());
        LogCapture log = new LogCapture()) {
      for (int i = 0; i < 50; i++) {
        // Refused at accept, before any TLS: the connection is reset, nothing is read.
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), node.tlsPort())) {
          refused.setSoTimeout(10_000);
          try {
            assertThat(refused.getInputStream().read()).isEqualTo(-1);
          } catch (SocketException reset) {
            // a reset is the expected refusal too
          }
        }
      }
      List<String> lines =
          log.lines(Level.INFO).stream()
              .filter(l -> l.contains("event=connections_refused"))
              .toList();
      assertThat(lines).as("%s", lines).hasSize(1);
      assertThat(lines.get(0)).contains("reason=max_connections_per_address");
    }
  }
}
