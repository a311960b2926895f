package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A Gradecoin network on three real member processes, driven by a Node student client: a student
 * registers through one member, pays through another (the network's leader), the leader is
 * SIGKILLed, and the block is mined through the third. Every acknowledged write survives, and each
 * member's network ledger passes the verifier.
 */
@Tag("slow")
class GradecoinClusterProcessTest {

  static final Duration TAKEOVER = Duration.ofSeconds(60);
  static final String NETWORK = "testnet";

  @TempDir Path dir;

  @Test
  void registerOnOnePayOnAnotherKillTheLeaderMineOnTheThird() throws Exception {
    Files.writeString(dir.resolve("config.yaml"), GradecoinStudent.TESTNET_CONFIG);
    Files.writeString(dir.resolve("students.csv"), GradecoinStudent.TESTNET_STUDENTS);
    JsonObject networks =
        new JsonObject()
            .put(
                "networks",
                new JsonObject()
                    .put(
                        NETWORK,
                        new JsonObject()
                            .put("kind", "gradecoin")
                            .put("port", 0)
                            .put("gradecoinConfig", dir.resolve("config.yaml").toString())
                            .put("students", dir.resolve("students.csv").toString())));
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3, networks).startAll()) {
      Awaitility.await().atMost(TAKEOVER).until(() -> cluster.leaderOf(NETWORK).isPresent());
      ClusterProcesses.Member leader = cluster.leaderOf(NETWORK).orElseThrow();
      List<ClusterProcesses.Member> others = new ArrayList<>(cluster.members());
      others.remove(leader);
      ClusterProcesses.Member first = others.get(0);
      ClusterProcesses.Member third = others.get(1);
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

      for (ClusterProcesses.Member member : List.of(first, third)) {
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

  private static String url(ClusterProcesses.Member member) {
    return "https://127.0.0.1:" + member.port("network:" + NETWORK) + "/";
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
