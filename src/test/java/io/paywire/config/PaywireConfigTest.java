package io.paywire.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.net.DescriptorBudget;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaywireConfigTest {

  @Test
  void shippedConfigurationFileIsValidAndMatchesTheDefaults() throws Exception {
    PaywireConfig shipped = PaywireConfig.load(Path.of("conf/paywire.json"));
    assertThat(shipped).isEqualTo(PaywireConfig.defaults());
    assertThat(shipped.ledger().defaultDepositMinor()).isEqualTo(10_000);
  }

  @Test
  void missingFileMeansDefaults(@TempDir Path dir) throws Exception {
    assertThat(PaywireConfig.load(dir.resolve("none.json"))).isEqualTo(PaywireConfig.defaults());
  }

  @Test
  void readsEverySetting() throws Exception {
    PaywireConfig config =
        PaywireConfig.fromJson(
            new JsonObject(
                """
        {"node": {"host": "0.0.0.0", "tlsPort": 1, "httpPort": 2},
         "ledger": {"defaultDepositMinor": 5, "maxDepositMinor": 6, "maxTransferMinor": 7,
                    "maxBatchCommands": 8, "maxBatchBytes": 65536, "segmentBytes": 100000,
                    "snapshotEveryTransfers": 9, "snapshotsKept": 3, "maxPendingRequests": 11}}
        """));
    assertThat(config.node())
        .isEqualTo(new PaywireConfig.Node("0.0.0.0", 1, 2, 16001, -1, 16, 1_024, 60));
    assertThat(config.ledger().defaultDepositMinor()).isEqualTo(5);
    assertThat(config.ledger().maxPendingRequests()).isEqualTo(11);
    var options = config.ledger().options();
    assertThat(options.rules().maxDepositMinor()).isEqualTo(6);
    assertThat(options.rules().maxTransferMinor()).isEqualTo(7);
    assertThat(options.maxBatchCommands()).isEqualTo(8);
    assertThat(options.maxBatchBytes()).isEqualTo(65536);
    assertThat(options.segmentBytes()).isEqualTo(100000);
    assertThat(options.snapshotEveryTransfers()).isEqualTo(9);
    assertThat(options.snapshotsKept()).isEqualTo(3);
  }

  @Test
  void allowedOriginsAreReadInLowerCaseAndEmptyByDefault() throws Exception {
    assertThat(PaywireConfig.defaults().http().allowedOrigins()).isEmpty();
    PaywireConfig config =
        PaywireConfig.fromJson(
            new JsonObject(
                "{\"http\": {\"allowedOrigins\": [\"https://Pay.Example:8443\", \"http://[::1]:80\"]}}"));
    assertThat(config.http().allowedOrigins())
        .containsExactly("https://pay.example:8443", "http://[::1]:80");
  }

  @Test
  void errorsNameTheKey() {
    assertRefused("{\"ledger\": {\"maxBatchCommands\": 0}}", "ledger.maxBatchCommands");
    assertRefused("{\"ledger\": {\"maxTransferMinor\": 1.5}}", "ledger.maxTransferMinor");
    assertRefused("{\"ledger\": {\"maxDepositMinor\": \"lots\"}}", "ledger.maxDepositMinor");
    assertRefused("{\"node\": {\"tlsPort\": 70000}}", "node.tlsPort");
    assertRefused("{\"node\": {\"tlsPrt\": 1}}", "node.tlsPrt is not a known setting");
    assertRefused(
        "{\"ledger\": {\"defaultDepositMinor\": 20, \"maxDepositMinor\": 10}}",
        "ledger.defaultDepositMinor");
    assertRefused(
        "{\"ledger\": {\"maxBatchBytes\": 1000000, \"segmentBytes\": 1000}}",
        "ledger.segmentBytes");
    assertRefused("{\"node\": []}", "node must be an object");
    assertRefused(
        "{\"http\": {\"allowedOrigins\": \"https://a.example\"}}",
        "http.allowedOrigins must be a list");
    assertRefused(
        "{\"http\": {\"allowedOrigins\": [\"https://a.example/console\"]}}",
        "http.allowedOrigins must hold origins");
    assertRefused(
        "{\"http\": {\"webSocketAuthTimeoutSeconds\": 0}}", "http.webSocketAuthTimeoutSeconds");
    assertRefused(
        "{\"http\": {\"maxWebSockets\": 20, \"maxConnections\": 10}}",
        "http.maxWebSockets (20) must not exceed http.maxConnections (10)");
    assertRefused(
        "{\"http\": {\"requestHeadTimeoutSeconds\": 0}}", "http.requestHeadTimeoutSeconds");
    assertRefused("{\"node\": {\"reservedFileDescriptors\": 10}}", "node.reservedFileDescriptors");
  }

  @Test
  void descriptorBudgetNamesTheCapsThatDoNotFit() throws Exception {
    PaywireConfig defaults = PaywireConfig.defaults();
    DescriptorBudget.check(defaults, 20_000); // the machine: fits
    assertThatThrownBy(() -> DescriptorBudget.check(defaults, 16_000))
        .hasMessageContaining("need 16024 file descriptors, but this process may open 16000");
    DescriptorBudget.check(defaults, -1); // no limit reported: nothing to check
  }

  @Test
  void invalidJsonIsReported(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> PaywireConfig.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid JSON");
  }

  private static void assertRefused(String json, String expected) {
    assertThatThrownBy(() -> PaywireConfig.fromJson(new JsonObject(json)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(expected);
  }
}
