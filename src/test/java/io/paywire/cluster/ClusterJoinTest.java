package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.hazelcast.cluster.Member;
import io.paywire.bus.BatchCodecs;
import io.paywire.bus.TransferEvents;
import io.paywire.testing.FreePorts;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members on a real Hazelcast cluster with a mutual-TLS event bus, in one JVM: a message
 * crosses members, and so do published transfer events; a process with another cluster key neither
 * joins their cluster nor, even when it forces its way into Hazelcast, gets a message onto their
 * event bus.
 */
class ClusterJoinTest {

  private static final Path CLUSTER_XML = Path.of("conf", "cluster.xml");

  @TempDir Path dir;
  private final List<ClusterJoin.Joined> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ClusterJoin.Joined joined : started) {
      joined.vertx().close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private ClusterJoin.Joined join(ClusterOptions options) throws Exception {
    ClusterJoin.Joined joined =
        ClusterJoin.start(new VertxOptions(), null, options)
            .toCompletionStage()
            .toCompletableFuture()
            .get(120, TimeUnit.SECONDS);
    started.add(joined);
    return joined;
  }

  @Test
  void membersTalkOverTheEventBusAndAnotherKeyCannot() throws Exception {
    Path keys = dir.resolve("keys");
    ClusterKeys.generate(keys);
    List<ClusterOptions.HostPort> members =
        List.of(
            new ClusterOptions.HostPort("127.0.0.1", FreePorts.one()),
            new ClusterOptions.HostPort("127.0.0.1", FreePorts.one()),
            new ClusterOptions.HostPort("127.0.0.1", FreePorts.one()));
    List<ClusterOptions> options = new ArrayList<>();
    List<ClusterJoin.Joined> nodes = new ArrayList<>();
    for (ClusterOptions.HostPort member : members) {
      // Raft ports picked free, not the listed port + 1: the group can only find them announced.
      options.add(
          new ClusterOptions(
              "127.0.0.1",
              member.port(),
              FreePorts.one(),
              FreePorts.one(),
              members,
              keys,
              CLUSTER_XML));
      nodes.add(join(options.get(options.size() - 1)));
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> nodes.get(0).hazelcast().getCluster().getMembers().size() == 3);
    AtomicInteger received = new AtomicInteger();
    nodes
        .get(0)
        .vertx()
        .eventBus()
        .<String>consumer(
            "test.echo",
            m -> {
              received.incrementAndGet();
              m.reply("echo " + m.body());
            })
        .completion()
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                "echo hi"
                    .equals(
                        nodes
                            .get(2)
                            .vertx()
                            .eventBus()
                            .<String>request("test.echo", "hi")
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS)
                            .body()));

    // Transfer events cross in their own codec's frame (BatchCodecs): a member that registered the
    // codecs, as the live channel does, hears the body the publisher built.
    BatchCodecs.register(nodes.get(0).vertx().eventBus());
    BatchCodecs.register(nodes.get(1).vertx().eventBus());
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    nodes
        .get(1)
        .vertx()
        .eventBus()
        .<JsonObject>consumer(TransferEvents.ADDRESS, m -> heard.add(m.body()))
        .completion()
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    List<JsonObject> events =
        List.of(new JsonObject().put("transfer", new JsonObject().put("sequence", 7)));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              nodes
                  .get(0)
                  .vertx()
                  .eventBus()
                  .publish(TransferEvents.ADDRESS, TransferEvents.publication(events));
              return !heard.isEmpty();
            });
    assertThat(TransferEvents.events(heard.get(0))).isEqualTo(events);

    // The Raft group is the listed members, at the Raft ports they announce: each member's
    // attribute carries its Raft host:port, and the group (as member 1 sees it) has them.
    for (Member member : nodes.get(1).hazelcast().getCluster().getMembers()) {
      ClusterOptions own =
          options.get(
              members.indexOf(
                  new ClusterOptions.HostPort(
                      member.getAddress().getHost(), member.getAddress().getPort())));
      assertThat(member.getAttribute(ClusterJoin.RAFT_ATTRIBUTE))
          .isEqualTo("127.0.0.1:" + own.raftPort());
    }
    List<RaftLedger.Member> group = ClusterJoin.raftGroup(nodes.get(1).hazelcast(), options.get(1));
    assertThat(group)
        .extracting(RaftLedger.Member::id, RaftLedger.Member::host, RaftLedger.Member::port)
        .containsExactly(
            tuple(members.get(0).raftId(), "127.0.0.1", options.get(0).raftPort()),
            tuple(members.get(1).raftId(), "127.0.0.1", options.get(1).raftPort()),
            tuple(members.get(2).raftId(), "127.0.0.1", options.get(2).raftPort()));
    // A member's node id (its presence entries' owner, its start-up line) is the id the others'
    // membership events name when it leaves, so they remove its users and log who left.
    for (ClusterJoin.Joined node : nodes) {
      assertThat(nodes.get(1).hazelcast().getCluster().getMembers())
          .extracting(m -> m.getUuid().toString())
          .contains(node.nodeId());
    }

    // Another key: another cluster name, so it never joins theirs.
    Path otherKeys = dir.resolve("other");
    ClusterKeys.generate(otherKeys);
    ClusterOptions.HostPort intruder = new ClusterOptions.HostPort("127.0.0.1", FreePorts.one());
    List<ClusterOptions.HostPort> withIntruder = List.of(members.get(0), members.get(1), intruder);
    ClusterJoin.Joined outsider =
        join(
            new ClusterOptions(
                "127.0.0.1",
                intruder.port(),
                FreePorts.one(),
                FreePorts.one(),
                withIntruder,
                otherKeys,
                CLUSTER_XML));
    assertThat(outsider.hazelcast().getCluster().getMembers()).hasSize(1);
    assertThat(nodes.get(0).hazelcast().getCluster().getMembers()).hasSize(3);
    assertThatThrownBy(
            () ->
                outsider
                    .vertx()
                    .eventBus()
                    .request("test.echo", "hi", new DeliveryOptions().setSendTimeout(5_000))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ReplyException.class);

    // Forced into their Hazelcast cluster (its name copied), but with another key on the event
    // bus: it is a Hazelcast member and sees the consumer, and still cannot deliver to it.
    int seen = received.get();
    ClusterOptions.HostPort forced = new ClusterOptions.HostPort("127.0.0.1", FreePorts.one());
    List<ClusterOptions.HostPort> withForced = List.of(members.get(0), members.get(1), forced);
    ClusterOptions rightName =
        new ClusterOptions(
            "127.0.0.1",
            forced.port(),
            FreePorts.one(),
            FreePorts.one(),
            withForced,
            keys,
            CLUSTER_XML);
    ClusterOptions wrongKey =
        new ClusterOptions(
            "127.0.0.1",
            forced.port(),
            FreePorts.one(),
            FreePorts.one(),
            withForced,
            otherKeys,
            CLUSTER_XML);
    Vertx intruderVertx =
        Vertx.builder()
            .with(new VertxOptions().setEventBusOptions(ClusterJoin.eventBus(wrongKey)))
            .withClusterManager(new HazelcastClusterManager(ClusterJoin.hazelcastConfig(rightName)))
            .buildClustered()
            .toCompletionStage()
            .toCompletableFuture()
            .get(120, TimeUnit.SECONDS);
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> nodes.get(0).hazelcast().getCluster().getMembers().size() == 4);
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(
                () ->
                    intruderVertx
                        .eventBus()
                        .request("test.echo", "pay me", new DeliveryOptions().setSendTimeout(3_000))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(ReplyException.class);
      }
      assertThat(received.get()).isEqualTo(seen);
    } finally {
      intruderVertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
