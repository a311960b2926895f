package io.paywire.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text protocol's limits on a course network's port (docs/dialects.md): connections per address
 * counted on that port alone, and registrations per address on the network's own counter. Small
 * limits, so the test opens few connections.
 */
class CourseLimitsTest {

  private static final int PER_ADDRESS = 3;
  private static final int REGISTRATIONS_PER_MINUTE = 2;

  /** How long a refused connection may take to be closed: "at once", with room for a slow CI. */
  private static final int CLOSED_WITHIN_MILLIS = 3_000;

  @TempDir static Path work;

  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node =
        TestNode.startWith(
            work,
            CourseNetworkTest.networks("capped", "paced")
                .put("text", new JsonObject().put("maxConnectionsPerAddress", PER_ADDRESS))
                .put(
                    "session",
                    new JsonObject().put("registrationsPerMinute", REGISTRATIONS_PER_MINUTE)));
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @Test
  void connectionsPerAddressAreCappedOnTheNetworksPortAlone() throws Exception {
    int port = CourseNetworkTest.port(node, "capped");
    InetAddress busy = InetAddress.getByName("127.0.0.3");
    List<CourseClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < PER_ADDRESS; i++) {
        held.add(new CourseClient(busy, port));
      }
      assertThat(held.get(0).exchange("List")).isEqualTo("Please login first\n");
      try (CourseClient over = new CourseClient(busy, port)) {
        assertThat(closedWithin(over))
            .as("connection %d from one address", PER_ADDRESS + 1)
            .isTrue();
      }
      // Another address is served meanwhile.
      try (CourseClient other = new CourseClient(InetAddress.getByName("127.0.0.4"), port)) {
        assertThat(other.exchange("List")).isEqualTo("Please login first\n");
      }
      // The same address still reaches the node's text port: each port counts its own.
      try (TlsLineClient text =
          TlsLineClient.open(busy, node.port("tls"), node.fingerprint(), null, null)) {
        assertThat(text.readLine()).isEqualTo("Connection accepted!");
      }
      // And a slot freed is a slot taken again.
      held.remove(0).close();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (CourseClient again = new CourseClient(busy, port)) {
                  return again.exchange("List").equals("Please login first\n");
                } catch (IOException reset) {
                  return false;
                }
              });
    } finally {
      for (CourseClient client : held) {
        client.close();
      }
    }
  }

  @Test
  void registrationsPerAddressAreLimitedOnTheNetworksOwnCounter() throws Exception {
    int port = CourseNetworkTest.port(node, "paced");
    try (CourseClient one = new CourseClient(InetAddress.getByName("127.0.0.5"), port);
        CourseClient other = new CourseClient(InetAddress.getByName("127.0.0.6"), port)) {
      for (int i = 0; i < REGISTRATIONS_PER_MINUTE; i++) {
        assertThat(one.exchange("REGISTER#paced" + i)).isEqualTo("100 OK\n");
      }
      // Over the address's rate: refused as a failed registration, and nothing registered.
      assertThat(one.exchange("REGISTER#pacedx")).isEqualTo("210 FAIL\n");
      assertThat(other.exchange("pacedx#5000")).isEqualTo("220 AUTH_FAIL\n");
      // Another address has its own count.
      assertThat(other.exchange("REGISTER#pacedy")).isEqualTo("100 OK\n");
    }
  }

  /** Whether the server closes (or resets) the connection within the time, sending nothing. */
  private static boolean closedWithin(CourseClient client) throws IOException {
    try {
      return client.recvWithin(CLOSED_WITHIN_MILLIS).isEmpty();
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
