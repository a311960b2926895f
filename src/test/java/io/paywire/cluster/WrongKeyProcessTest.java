package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.bus.LedgerApi;
import io.paywire.cluster.ClusterProcessTest.User;
import io.paywire.ledger.TransferId;
import io.paywire.testing.ClusterProcesses;
import io.paywire.testing.FreePorts;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process with the wrong cluster key cannot join: three {@code server --cluster} processes
 * form the cluster; a fourth lists them (and itself) in {@code --members} but has another cluster
 * key. It stays alone in its own Hazelcast cluster, the three still see three members, and what its
 * users send it (REGISTER, a login, PAY) gets no success and does not reach the ledger. Then a
 * clustered Vert.x in this JVM forces its way into the members' Hazelcast cluster (their cluster
 * name) with another key on its event bus: it sees the ledger's consumers but cannot deliver to
 * them, while the same client with the right key can (so the refusal is the key's doing).
 */
@Tag("slow")
class WrongKeyProcessTest {

  private static final Duration TAKEOVER = ClusterProcessTest.TAKEOVER;
  private static final Path CLUSTER_XML = Path.of("conf", "cluster.xml").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void aProcessWithAnotherClusterKeyCannotJoinOrReachTheLedger() throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3).startAll()) {
      Awaitility.await().atMost(TAKEOVER).until(() -> cluster.leader().isPresent());
      User alice = User.create("alice");
      User bob = User.create("bob");
      try (TlsLineClient onA =
              ClusterProcessTest.registeredAndLoggedIn(alice, cluster.member(0), 1_000);
          TlsLineClient onB =
              ClusterProcessTest.registeredAndLoggedIn(bob, cluster.member(1), 500)) {
        Awaitility.await().atMost(TAKEOVER).until(() -> threeMembersEach(cluster));

        Path otherKeys = dir.resolve("other-cluster-key");
        ClusterKeys.generate(otherKeys);
        ClusterProcesses.Member intruder = cluster.outsider(otherKeys).start().awaitReady();
        // Alone: its own one-member Hazelcast cluster (the name carries the key's fingerprint),
        // and no Raft leader (the three do not count it in their group).
        JsonObject intruderView = intruder.clusterView().orElseThrow();
        assertThat(intruderView.getInteger("members")).as("intruder %s", intruderView).isEqualTo(1);
        assertThat(intruderView.getBoolean("leading")).isFalse();
        for (ClusterProcesses.Member member : cluster.members()) {
          assertThat(member.clusterView().orElseThrow().getString("node"))
              .isNotEqualTo(intruderView.getString("node"));
        }

        User mallory = User.create("mallory");
        try (TlsLineClient toIntruder = mallory.connect(intruder)) {
          String reply = toIntruder.ask("REGISTER#mallory#500");
          assertThat(reply)
              .as("REGISTER at the intruder")
              .isNotEqualTo("100 OK")
              .contains("UNAVAILABLE");
        }
        try (TlsLineClient aliceAtIntruder = alice.connect(intruder)) {
          List<String> login = aliceAtIntruder.askList("alice#0");
          assertThat(login).as("alice's login at the intruder").hasSize(1);
          assertThat(login.get(0)).contains("UNAVAILABLE");
          TransferId id = TransferId.parseOrNull("d4".repeat(16));
          assertThat(aliceAtIntruder.ask("PAY#bob#100#" + id)).doesNotStartWith("TRANS OK");
        }

        // Still three members each, the intruder never among them, for a while after its tries.
        Awaitility.await()
            .during(Duration.ofSeconds(10))
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    threeMembersEach(cluster)
                        && intruder.running()
                        && intruder
                            .clusterView()
                            .map(v -> v.getInteger("members") == 1)
                            .orElse(false));
        // Their metrics agree: three members each, one of them leading.
        Awaitility.await()
            .atMost(TAKEOVER)
            .until(
                () ->
                    cluster.members().stream()
                            .allMatch(m -> m.metric("paywire_cluster_members") == 3)
                        && cluster.members().stream()
                                .mapToDouble(m -> m.metric("paywire_raft_leading"))
                                .sum()
                            == 1);
        intruder.kill();

        // Raw: a clustered Vert.x forced into their Hazelcast cluster (their key's cluster name),
        // its event bus on another key, sees the ledger's consumers and cannot deliver to them.
        Path clusterKeys = dir.resolve("certs").resolve("cluster");
        Vertx forced = forcedIntoCluster(cluster, clusterKeys, otherKeys);
        try {
          Awaitility.await()
              .atMost(TAKEOVER)
              .until(
                  () ->
                      cluster.members().stream()
                          .allMatch(
                              m ->
                                  m.clusterView()
                                      .map(v -> v.getInteger("members") == 4)
                                      .orElse(false)));
          JsonObject register = new JsonObject().put("name", "eve").put("deposit", 500);
          for (String address : List.of(LedgerApi.OPEN_ACCOUNT, LedgerApi.ACCOUNT)) {
            assertThatThrownBy(
                    () ->
                        forced
                            .eventBus()
                            .request(address, register, new DeliveryOptions().setSendTimeout(5_000))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(60, TimeUnit.SECONDS))
                .as("wrong key to %s", address)
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ReplyException.class);
          }
        } finally {
          forced.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        Awaitility.await().atMost(TAKEOVER).until(() -> threeMembersEach(cluster));

        // The control: the same client with the right key reaches the ledger, which holds alice
        // and bob as they were and neither mallory nor eve.
        Vertx rightKey = forcedIntoCluster(cluster, clusterKeys, clusterKeys);
        try {
          Awaitility.await()
              .atMost(TAKEOVER)
              .ignoreExceptions()
              .until(() -> account(rightKey, "alice").getBoolean("ok"));
          assertThat(account(rightKey, "alice").getJsonObject("account").getLong("balance"))
              .isEqualTo(1_000);
          assertThat(account(rightKey, "bob").getJsonObject("account").getLong("balance"))
              .isEqualTo(500);
          for (String name : List.of("mallory", "eve")) {
            assertThat(account(rightKey, name).getString("code"))
                .as(name)
                .isEqualTo("UNKNOWN_ACCOUNT");
          }
        } finally {
          rightKey.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        // And the members' own clients still see the same balances.
        assertThat(onA.askList("LIST").get(0)).isEqualTo("1000");
        assertThat(onB.askList("LIST").get(0)).isEqualTo("500");
      }
    }
  }

  /** Every member answers, and each sees exactly three Hazelcast members. */
  private static boolean threeMembersEach(ClusterProcesses cluster) {
    return cluster.members().stream()
        .allMatch(m -> m.clusterView().map(v -> v.getInteger("members") == 3).orElse(false));
  }

  /**
   * A clustered Vert.x in this JVM: Hazelcast configured as a member with {@code hazelcastKeys} (so
   * with that key's cluster name), its event bus with {@code busKeys}.
   */
  private static Vertx forcedIntoCluster(ClusterProcesses cluster, Path hazelcastKeys, Path busKeys)
      throws Exception {
    ClusterOptions.HostPort self = new ClusterOptions.HostPort("127.0.0.1", FreePorts.one());
    List<ClusterOptions.HostPort> members = new ArrayList<>();
    cluster
        .members()
        .forEach(m -> members.add(new ClusterOptions.HostPort("127.0.0.1", m.clusterPort)));
    members.add(self);
    int raftPort = FreePorts.one();
    int busPort = FreePorts.one();
    ClusterOptions name =
        new ClusterOptions(
            "127.0.0.1", self.port(), raftPort, busPort, members, hazelcastKeys, CLUSTER_XML);
    ClusterOptions bus =
        new ClusterOptions(
            "127.0.0.1", self.port(), raftPort, busPort, members, busKeys, CLUSTER_XML);
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(ClusterJoin.eventBus(bus)))
        .withClusterManager(new HazelcastClusterManager(ClusterJoin.hazelcastConfig(name)))
        .buildClustered()
        .toCompletionStage()
        .toCompletableFuture()
        .get(120, TimeUnit.SECONDS);
  }

  private static JsonObject account(Vertx vertx, String name) throws Exception {
    return vertx
        .eventBus()
        .<JsonObject>request(
            LedgerApi.ACCOUNT,
            new JsonObject().put("name", name),
            new DeliveryOptions().setSendTimeout(10_000))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS)
        .body();
  }
}
