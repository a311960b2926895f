package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.course.CourseClient;
import io.paywire.ledger.Verifier;
import io.paywire.testing.ClusterProcesses;
import io.paywire.testing.GradecoinStudent;
import io.paywire.testing.NodeJs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two networks on three real member processes (one cluster start for both, the suite's time):
 *
 * <ul>
 *   <li>a Gradecoin network driven by a Node student client: a student registers through one member
 *       and pays through the network's leader, the leader is SIGKILLed, and the block is mined
 *       through the third;
 *   <li>a course network whose listener every member serves: students connected to different
 *       members see one another in their lists, a forward on one member is heard by the payer on
 *       another, a login on one member moves the name from a connection on another, and the users
 *       of the member that was killed leave every list.
 * </ul>
 *
 * Every acknowledged write survives, and each member's ledger of each network passes the verifier.
 */
@Tag("slow")
class NetworksClusterProcessTest {

  static final Duration TAKEOVER = Duration.ofSeconds(60);
  static final String GRADECOIN = "testnet";
  static final String COURSE = "phase1";

  @TempDir Path dir;

  @Test
  void bothNetworksSpanTheMembersAndSurviveTheKillOfOne() throws Exception {
    Files.writeString(dir.resolve("config.yaml"), GradecoinStudent.TESTNET_CONFIG);
    Files.writeString(dir.resolve("students.csv"), GradecoinStudent.TESTNET_STUDENTS);
    JsonObject networks =
        new JsonObject()
            .put(
                "networks",
                new JsonObject()
                    .put(
                        GRADECOIN,
                        new JsonObject()
                            .put("kind", "gradecoin")
                            .put("port", 0)
                            .put("gradecoinConfig", dir.resolve("config.yaml").toString())
                            .put("students", dir.resolve("students.csv").toString()))
                    .put(
                        COURSE,
                        new JsonObject()
                            .put("kind", "course")
                            .put("port", 0)
                            .put("dialect", "2021")
                            .put("openingBalance", 10_000)));
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3, networks).startAll()) {
      Awaitility.await()
          .atMost(TAKEOVER)
          .until(
              () ->
                  cluster.leaderOf(GRADECOIN).isPresent() && cluster.leaderOf(COURSE).isPresent());
      // The member that dies is the Gradecoin network's leader.
      ClusterProcesses.Member doomed = cluster.leaderOf(GRADECOIN).orElseThrow();
      List<ClusterProcesses.Member> others = new ArrayList<>(cluster.members());
      others.remove(doomed);
      ClusterProcesses.Member first = others.get(0);
      ClusterProcesses.Member third = others.get(1);
      try (CourseClient alice = new CourseClient(coursePort(first));
          CourseClient bob = new CourseClient(coursePort(third));
          CourseClient carol = new CourseClient(coursePort(doomed));
          CourseClient aliceAgain = new CourseClient(coursePort(doomed))) {
        courseAcrossMembers(alice, bob, carol, aliceAgain);
        gradecoinUntilTheLeaderDies(doomed, first, third);

        // The member that died had alice (moved there) and carol logged in: they leave every list.
        String bobAlone = "10100\npublic key\n1\nbob#127.0.0.1#5002\n";
        Awaitility.await()
            .atMost(TAKEOVER)
            .ignoreExceptions()
            .until(() -> bob.exchange("List").equals(bobAlone));
        // And alice, back on the first member, has what the ledger acknowledged.
        assertThat(alice.exchange("alice#5001"))
            .isEqualTo("9900\npublic key\n2\nalice#127.0.0.1#5001\nbob#127.0.0.1#5002\n");
      }
      for (ClusterProcesses.Member member : List.of(first, third)) {
        member.jvm().sigterm();
        assertThat(member.jvm().awaitExit(60_000)).isEqualTo(0);
      }
      for (ClusterProcesses.Member member : cluster.members()) {
        for (String network : List.of(GRADECOIN, COURSE)) {
          Path ledger = member.dataDirectory.resolve("networks").resolve(network).resolve("ledger");
          assertThat(Verifier.verify(ledger).transfers())
              .as("network ledger of %s", ledger)
              .isPositive();
        }
      }
    }
  }

  /**
   * Alice on the first member, bob on the third, carol on the one that will die: one list, a
   * forward heard across members, a login that moves alice's name to the member that will die.
   */
  private static void courseAcrossMembers(
      CourseClient alice, CourseClient bob, CourseClient carol, CourseClient aliceAgain)
      throws Exception {
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

    // Forwarded by the payee on one member; the payer hears it on another.
    bob.send(CourseClient.padded("alice#100#bob"));
    assertThat(alice.recvOnce()).isEqualTo("Transfer OK!\n");
    assertThat(bob.exchange("List")).isEqualTo("10100\npublic key\n" + rows);
    // An overdraft: the sender and the payer, on another member, are both told.
    assertThat(bob.exchange("alice#9901#bob")).isEqualTo("Transfer Fail!\n");
    assertThat(alice.recvOnce()).isEqualTo("Transfer Fail!\n");

    // A login on another member moves alice's name from her connection on the first.
    assertThat(aliceAgain.exchange("alice#5011")).startsWith("9900\npublic key\n");
    Awaitility.await()
        .atMost(TAKEOVER)
        .until(() -> alice.exchange("List").equals("Please login first\n"));
    String moved = "3\nalice#127.0.0.1#5011\nbob#127.0.0.1#5002\ncarol#127.0.0.1#5003\n";
    Awaitility.await()
        .atMost(TAKEOVER)
        .until(() -> bob.exchange("List").equals("10100\npublic key\n" + moved));
  }

  /**
   * Register through one member, pay through the Gradecoin network's leader, SIGKILL it, mine
   * through the third once a new leader serves the pool.
   */
  private void gradecoinUntilTheLeaderDies(
      ClusterProcesses.Member leader, ClusterProcesses.Member first, ClusterProcesses.Member third)
      throws Exception {
    GradecoinStudent student =
        new GradecoinStudent(
            NodeJs.onPath(GradecoinStudent.SCRIPT.toString()),
            dir,
            dir.resolve("certs").resolve("ca.crt"));
    String onFirst = url(first);
    Files.writeString(
        dir.resolve("gradecoin.pub"),
        student.run("get", onFirst, "gradecoin.pub").getString("body"));
    student.run("keygen", "alice.key", "alice.pem");
    student.run("keygen", "bob.key", "bob.pem");
    String alice = student.run("fingerprint", "alice.pem").getString("fingerprint");
    String bob = student.run("fingerprint", "bob.pem").getString("fingerprint");

    // The bots open once the group has a leader: until then a payment to one is refused.
    Awaitility.await()
        .atMost(TAKEOVER)
        .until(() -> users(student, onFirst).encode().contains("StockFish"));
    for (String[] who :
        new String[][] {{"e100001", "alicepw", "alice.pem"}, {"e100002", "bobpw", "bob.pem"}}) {
      JsonObject registered =
          student.run("register", onFirst, "gradecoin.pub", who[0], who[1], who[2]);
      assertThat(registered.getInteger("status")).as(registered.encode()).isEqualTo(201);
    }
    String onLeader = url(leader);
    assertThat(
            student
                .run("transaction", onLeader, "alice.key", alice, bob, "5", "2026-12-05T10:00:00")
                .getInteger("status"))
        .isEqualTo(201);
    assertThat(
            student
                .run(
                    "transaction",
                    onLeader,
                    "alice.key",
                    alice,
                    "StockFish",
                    "3",
                    "2026-12-05T10:00:01")
                .getInteger("status"))
        .isEqualTo(201);

    leader.kill();
    String onThird = url(third);
    // Once a new leader serves the network, the pool holds both acknowledged transactions.
    Awaitility.await()
        .atMost(TAKEOVER)
        .ignoreExceptions()
        .until(
            () -> {
              JsonObject pool = student.run("get", onThird, "transaction");
              return pool.getInteger("status") == 200
                  && new JsonObject(pool.getString("body")).size() == 2;
            });
    JsonObject mined = student.run("mine", onThird, "alice.key", "2", "2", "2026-12-05T10:01:00");
    assertThat(mined.getInteger("status")).as(mined.encode()).isEqualTo(201);

    JsonArray users = users(student, onThird);
    assertThat(balance(users, alice)).isEqualTo(35);
    assertThat(balance(users, bob)).isEqualTo(45);
    assertThat(balance(users, "StockFish")).isEqualTo(67);
    // The other survivor applied the block too.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> balance(users(student, onFirst), alice) == 35);
  }

  private static String url(ClusterProcesses.Member member) {
    return "https://127.0.0.1:" + member.port("network:" + GRADECOIN) + "/";
  }

  private static int coursePort(ClusterProcesses.Member member) {
    return member.port("network:" + COURSE);
  }

  private static JsonArray users(GradecoinStudent student, String url) throws Exception {
    return new JsonArray(student.run("get", url, "user", "application/json").getString("body"));
  }

  private static long balance(JsonArray users, String fingerprint) {
    for (Object row : users) {
      JsonObject user = (JsonObject) row;
      if (user.getString("fingerprint").equals(fingerprint)) {
        return user.getLong("balance");
      }
    }
    return -1;
  }
}
