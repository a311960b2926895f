package io.paywire.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ChildJvm;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged commands as an operator runs them: real child JVMs, real signals, real files. */
class ServerProcessTest {

  private static final long START_TIMEOUT_MILLIS = 30_000;

  @TempDir Path work;

  /** A node on {@code dataDir}, every port picked free, built-in defaults. */
  private ChildJvm startServer(String dataDir) throws Exception {
    return ChildJvm.start(
        work,
        "io.paywire.Paywire",
        "server",
        "--data-dir",
        dataDir,
        "--http-port",
        "0",
        "--tls-port",
        "0",
        "--compat-port",
        "0",
        "--conf",
        "missing.json");
  }

  @Test
  void serverPrintsEndpointsAndReadyServesHealthAndStopsCleanlyOnSigterm() throws Exception {
    Path data = work.resolve("data");
    try (ChildJvm server = startServer(data.toString())) {
      List<String> lines = server.awaitLine("ready", START_TIMEOUT_MILLIS);
      String endpoint =
          lines.stream().filter(l -> l.startsWith("endpoint http ")).findFirst().orElseThrow();
      String hostPort = endpoint.substring("endpoint http ".length());
      assertThat(lines)
          .anyMatch(l -> l.startsWith("endpoint tls 127.0.0.1:"))
          .anyMatch(l -> l.startsWith("endpoint compat 127.0.0.1:"))
          .anyMatch(l -> l.matches("tls-fingerprint sha256 [0-9a-f]{64}.*"));

      int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
      ApiClient.Reply health =
          new ApiClient(port, work.resolve("certs").resolve("ca.crt")).get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.text()).contains("\"outcome\":\"UP\"").contains("\"accounts\":1");

      server.sigterm();
      assertThat(server.awaitExit(START_TIMEOUT_MILLIS)).isEqualTo(0);
      assertThat(server.remainingStdout()).as("stderr %s", server.stderr()).contains("stopped");
    }
    assertThat(data.resolve("journal")).isDirectory();
  }

  @Test
  void secondServerOnTheSameDataDirectoryRefusesToStart() throws Exception {
    Path data = work.resolve("data");
    try (ChildJvm first = startServer(data.toString())) {
      first.awaitLine("ready", START_TIMEOUT_MILLIS);
      try (ChildJvm second = startServer(data.toString())) {
        assertThat(second.awaitExit(START_TIMEOUT_MILLIS)).isEqualTo(1);
        assertThat(String.join("\n", second.stderr())).contains("in use by another process");
      }
    }
  }

  @Test
  void aSingleNodeRefusesAClusterMembersDirectoryNamingTheLedgerInIt() throws Exception {
    // A member's layout (or its backup's): the ledger one level down, in ledger/.
    Path memberLedger = work.resolve("member").resolve("ledger");
    try (Ledger ledger = Ledger.open(memberLedger, LedgerOptions.DEFAULTS)) {
      assertThat(ledger.position().nextBatchSequence()).isZero();
    }
    try (ChildJvm server = startServer(work.resolve("member").toString())) {
      assertThat(server.awaitExit(START_TIMEOUT_MILLIS)).isEqualTo(1);
      assertThat(String.join("\n", server.stderr()))
          .contains("cannot start a single node on")
          .contains("--data-dir " + memberLedger);
    }
    assertThat(work.resolve("member").resolve("journal")).doesNotExist();
  }

  @Test
  void invalidConfigurationStopsTheStartNamingTheKey() throws Exception {
    Files.writeString(work.resolve("bad.json"), "{\"ledger\": {\"maxBatchCommands\": 0}}");
    try (ChildJvm server =
        ChildJvm.start(
            work, "io.paywire.Paywire", "server", "--conf", "bad.json", "--data-dir", "data")) {
      assertThat(server.awaitExit(START_TIMEOUT_MILLIS)).isEqualTo(2);
      assertThat(String.join("\n", server.stderr())).contains("ledger.maxBatchCommands");
    }
  }

  @Test
  void environmentVariablesSetOptions() throws Exception {
    Path data = work.resolve("from-env");
    ProcessBuilder builder =
        new ProcessBuilder(
                ChildJvm.javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.paywire.Paywire",
                "server",
                "--help")
            .directory(work.toFile())
            .redirectErrorStream(true);
    builder.environment().put("PAYWIRE_DATA_DIR", data.toString());
    Process process = builder.start();
    String help = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor()).isEqualTo(0);
    // Help text wraps at spaces; compare with whitespace folded.
    assertThat(help.replaceAll("\\s+", " ")).contains("--data-dir").contains("Default: " + data);
  }

  @Test
  void verifyPassesOnAGoodJournalAndNamesTheOffsetOfAFlippedByte() throws Exception {
    Path data = work.resolve("data");
    try (ChildJvm bench =
        ChildJvm.start(
            work,
            "io.paywire.Paywire",
            "bench",
            "--data-dir",
            data.toString(),
            "--seconds",
            "1",
            "--accounts",
            "20",
            "--in-memory-transfers",
            "1000",
            "--concurrency",
            "50")) {
      assertThat(bench.awaitExit(120_000)).isEqualTo(0);
    }
    try (ChildJvm verify =
        ChildJvm.start(work, "io.paywire.Paywire", "verify", "--data-dir", data.toString())) {
      assertThat(verify.awaitExit(START_TIMEOUT_MILLIS)).isEqualTo(0);
      assertThat(verify.remainingStdout())
          .contains("verify: OK " + data, "accounts 21 (issuer included)");
    }
    Path segment;
    try (var files = Files.list(data.resolve("journal"))) {
      segment = files.sorted().findFirst().orElseThrow();
    }
    long middle = Files.size(segment) / 2;
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.seek(middle);
      int b = file.read();
      file.seek(middle);
      file.write(b ^ 0x40);
    }
    try (ChildJvm verify =
        ChildJvm.start(work, "io.paywire.Paywire", "verify", "--data-dir", data.toString())) {
      assertThat(verify.awaitExit(START_TIMEOUT_MILLIS)).isEqualTo(1);
      String error = String.join("\n", verify.stderr());
      assertThat(error).contains("verify: FAILED").contains(segment.getFileName().toString());
      long reported = Long.parseLong(error.replaceAll("(?s).*at offset (\\d+).*", "$1"));
      assertThat(reported).isLessThanOrEqualTo(middle).isGreaterThan(middle - (4 << 20));
    }
  }
}
