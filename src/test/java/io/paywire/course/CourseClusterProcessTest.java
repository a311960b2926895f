package io.paywire.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.Verifier;
import io.paywire.testing.ClusterProcesses;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A course network on three real member processes, each member serving the network's listener:
 * students connected to different members see one another in their lists, a payment forwarded on
 * one member is heard by the payer on another, a login on one member moves the name from a
 * connection on another, and the users of a member that is SIGKILLed leave every list. Every
 * member's network ledger passes the verifier.
 */
@Tag("slow")
class CourseClusterProcessTest {

  static final Duration TAKEOVER = Duration.ofSeconds(60);
  static final String NETWORK = "phase1";

  @TempDir Path dir;

  @Test
  void presenceAndPaymentsSpanTheMembers() throws Exception {
    JsonObject networks =
        new JsonObject()
            .put(
                "networks",
                new JsonObject()
                    .put(
                        NETWORK,
                        new JsonObject()
                            .put("kind", "course")
                            .put("port", 0)
                            .put("dialect", "2021")
                            .put("openingBalance", 10_000)));
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3, networks).startAll()) {
      Awaitility.await().atMost(TAKEOVER).until(() -> cluster.leaderOf(NETWORK).isPresent());
      ClusterProcesses.Member first = cluster.member(0);
      ClusterProcesses.Member second = cluster.member(1);
      ClusterProcesses.Member third = cluster.member(2);
      try (CourseClient alice = new CourseClient(port(first));
          CourseClient bob = new CourseClient(port(second));
          CourseClient carol = new CourseClient(port(third));
          CourseClient aliceAgain = new CourseClient(port(third))) {
        assertThat(alice.exchange("REGISTER#alice")).isEqualTo("100 OK\n");
        assertThat(bob.exchange("REGISTER#bob")).isEqualTo("100 OK\n");
        assertThat(carol.exchange("REGISTER#carol")).isEqualTo("100 OK\n");
        // A name is registered once in the network, whichever member is asked.
        assertThat(carol.exchange("REGISTER#alice")).isEqualTo("210 FAIL\n");

        assertThat(alice.exchange("alice#5001")).startsWith("10000\npublic key\n");
        assertThat(bob.exchange("bob#5002")).startsWith("10000\npublic key\n");
        assertThat(carol.exchange("carol#5003")).startsWith("10000\npublic key\n");
        String rows = "3\nalice#127.0.0.1#5001\nbob#127.0.0.1#5002\ncarol#127.0.0.1#5003\n";
        for (CourseClient each : new CourseClient[] {alice, bob, carol}) {
          Awaitility.await()
              .atMost(TAKEOVER)
              .until(() -> each.exchange("List").equals("10000\npublic key\n" + rows));
        }

        // Forwarded by the payee on the second member; the payer hears it on the first.
        bob.send(CourseClient.padded("alice#100#bob"));
        assertThat(alice.recvOnce()).isEqualTo("Transfer OK!\n");
        assertThat(bob.exchange("List")).isEqualTo("10100\npublic key\n" + rows);
        // An overdraft: the sender and the payer, on another member, are both told.
        assertThat(bob.exchange("alice#9901#bob")).isEqualTo("Transfer Fail!\n");
        assertThat(alice.recvOnce()).isEqualTo("Transfer Fail!\n");

        // A login on the third member moves alice's name from her connection on the first.
        assertThat(aliceAgain.exchange("alice#5011")).startsWith("9900\npublic key\n");
        Awaitility.await()
            .atMost(TAKEOVER)
            .until(() -> alice.exchange("List").equals("Please login first\n"));
        String moved = "3\nalice#127.0.0.1#5011\nbob#127.0.0.1#5002\ncarol#127.0.0.1#5003\n";
        Awaitility.await()
            .atMost(TAKEOVER)
            .until(() -> bob.exchange("List").equals("10100\npublic key\n" + moved));

        // The third member dies with alice and carol logged in there: they leave every list.
        third.kill();
        String bobAlone = "10100\npublic key\n1\nbob#127.0.0.1#5002\n";
        Awaitility.await()
            .atMost(TAKEOVER)
            .ignoreExceptions()
            .until(() -> bob.exchange("List").equals(bobAlone));
        // And alice, back on the first member, still has what the ledger acknowledged.
        assertThat(alice.exchange("alice#5001"))
            .isEqualTo("9900\npublic key\n2\nalice#127.0.0.1#5001\nbob#127.0.0.1#5002\n");
      }
      for (ClusterProcesses.Member member : new ClusterProcesses.Member[] {first, second}) {
        member.jvm().sigterm();
        assertThat(member.jvm().awaitExit(60_000)).isEqualTo(0);
      }
      for (ClusterProcesses.Member member : cluster.members()) {
        Path ledger = member.dataDirectory.resolve("networks").resolve(NETWORK).resolve("ledger");
        assertThat(Verifier.verify(ledger).transfers())
            .as("network ledger of %s", ledger)
            .isPositive();
      }
    }
  }

  private static int port(ClusterProcesses.Member member) {
    return member.port("network:" + NETWORK);
  }
}
