package io.paywire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.cluster.RaftSettings;
import io.paywire.config.ConfigException;
import io.paywire.config.PaywireConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code cluster} section of the configuration is what a member's Raft replica runs with. */
class ClusterSettingsTest {

  @Test
  void defaultsAreRaftSettingsDefaults() {
    assertThat(ClusterLedger.raftSettings(PaywireConfig.defaults().cluster()))
        .isEqualTo(RaftSettings.DEFAULTS);
  }

  @Test
  void everyKeyReachesTheRaftSettings() throws Exception {
    PaywireConfig config =
        PaywireConfig.fromJson(
            new JsonObject(
                """
        {"cluster": {"electionTimeoutMinMillis": 3000, "electionTimeoutMaxMillis": 6000,
          "raftRequestTimeoutMillis": 4000, "raftRequestAttempts": 5,
          "snapshotEveryEntries": 123, "logSegmentBytes": 1048576, "maxEntriesInFlight": 2}}
        """));
    RaftSettings raft = ClusterLedger.raftSettings(config.cluster());
    assertThat(raft.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(3));
    assertThat(raft.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(6));
    assertThat(raft.requestTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(raft.requestAttempts()).isEqualTo(5);
    assertThat(raft.snapshotEveryEntries()).isEqualTo(123);
    assertThat(raft.logSegmentBytes()).isEqualTo(1 << 20);
    assertThat(raft.maxEntriesInFlight()).isEqualTo(2);
  }

  @Test
  void refusesWhatRaftWouldRefuseNamingTheKey() {
    assertThatThrownBy(
            () ->
                PaywireConfig.fromJson(
                    new JsonObject(
                        "{\"cluster\": {\"electionTimeoutMinMillis\": 2000, \"electionTimeoutMaxMillis\": 2000}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.electionTimeoutMaxMillis");
    assertThatThrownBy(
            () ->
                PaywireConfig.fromJson(
                    new JsonObject("{\"cluster\": {\"maxEntriesInFlight\": 17}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.maxEntriesInFlight must be from 1 to 16");
    assertThatThrownBy(
            () -> PaywireConfig.fromJson(new JsonObject("{\"cluster\": {\"raftPort\": 1}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.raftPort is not a known setting");
  }
}
