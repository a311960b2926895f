package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        try (TlsLineClient third = TlsLineClient.open(node.tlsPort(), node.fingerprint(), null,
            null)) {
          assertThat(third.readLine()).isEqualTo("230 INVALID server full, try again later");
          assertThat(third.closedByServer()).isTrue();
        }
        open.remove(0).close();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
            .untilAsserted(() -> {
              try (TlsLineClient again = TlsLineClient.connect(node.tlsPort(),
                  node.fingerprint())) {
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
  void commandsBeyondTheRateGetAnErrorAndAreDropped() throws Exception {
    try (TestNode node = TestNode.start(directory,
            new JsonObject().put("maxCommandsPerSecond", 3));
        TlsLineClient client = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        burst.append("HELP#x\n"); // one-line replies
      }
      client.sendRaw(burst.toString().getBytes());
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        replies.add(client.readLine());
      }
      assertThat(replies).filteredOn(r -> r.contains("commands a second")).isNotEmpty();
      assertThat(replies).filteredOn(r -> r.equals("230 INVALID HELP takes no fields"))
          .hasSizeBetween(3, 5);
    }
  }
}
