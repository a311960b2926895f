package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.LogCapture;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
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
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        try (TlsLineClient refused = TlsLineClient.open(node.tlsPort(), node.fingerprint(), null,
            null)) {
          replies.add(refused.readLine());
          assertThat(refused.closedByServer()).isTrue();
        }
      }
      assertThat(replies).allMatch(r -> r != null && r.contains("too many connections"));
      List<String> lines = log.lines(Level.INFO).stream()
          .filter(l -> l.contains("event=connection_refused")).toList();
      assertThat(lines).as("%s", lines).hasSize(1);
      assertThat(lines.get(0)).contains("reason=max_connections_per_address");
    }
  }
}
