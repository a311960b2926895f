package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member needs no conf/cluster.xml of its own: the jar carries it; a file still overrides. */
class HazelcastConfigTest {

  @TempDir Path dir;

  private ClusterOptions options(Path hazelcastConfig) throws Exception {
    Path keys = dir.resolve("keys");
    if (!Files.exists(keys)) {
      ClusterKeys.generate(keys);
    }
    List<ClusterOptions.HostPort> members =
        List.of(
            new ClusterOptions.HostPort("127.0.0.1", 5701),
            new ClusterOptions.HostPort("127.0.0.1", 5711),
            new ClusterOptions.HostPort("127.0.0.1", 5721));
    return new ClusterOptions("127.0.0.1", 5701, 5702, 5703, members, keys, hazelcastConfig);
  }

  @Test
  void withoutAFileTheBuiltInConfigurationIsTheCheckoutsClusterXml() throws Exception {
    Config builtIn = ClusterJoin.hazelcastConfig(options(null));
    Config checkout = ClusterJoin.hazelcastConfig(options(Path.of("conf", "cluster.xml")));
    assertThat(builtIn.getClusterName())
        .startsWith("paywire-")
        .isEqualTo(checkout.getClusterName());
    assertThat(builtIn.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("6");
    assertThat(builtIn.getProperties()).isEqualTo(checkout.getProperties());
    assertThat(builtIn.getMapConfigs().keySet()).isEqualTo(checkout.getMapConfigs().keySet());
  }

  @Test
  void aTakenMemberPortIsNamedWithTheOptionToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      List<ClusterOptions.HostPort> members =
          List.of(
              new ClusterOptions.HostPort("127.0.0.1", port),
              new ClusterOptions.HostPort("127.0.0.1", 5711),
              new ClusterOptions.HostPort("127.0.0.1", 5721));
      options(null); // makes the keys
      ClusterOptions member =
          new ClusterOptions("127.0.0.1", port, 5702, 5703, members, dir.resolve("keys"), null);
      assertThatThrownBy(
              () ->
                  ClusterJoin.start(new VertxOptions(), null, member)
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class)
          .hasMessageContaining(
              "listener hazelcast (cluster membership) 127.0.0.1:"
                  + port
                  + ": Address already in use")
          .hasMessageContaining("--cluster-port");
    }
  }

  @Test
  void aGivenFileOverridesTheBuiltInOneAndAMissingOneIsNamed() throws Exception {
    Path own = dir.resolve("own.xml");
    Files.writeString(
        own,
        Files.readString(Path.of("conf", "cluster.xml"))
            .replace("<cluster-name>paywire</cluster-name>", "<cluster-name>mine</cluster-name>"));
    assertThat(ClusterJoin.hazelcastConfig(options(own)).getClusterName()).startsWith("mine-");
    Path missing = dir.resolve("missing.xml");
    assertThatThrownBy(() -> ClusterJoin.hazelcastConfig(options(missing)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString());
  }
}
