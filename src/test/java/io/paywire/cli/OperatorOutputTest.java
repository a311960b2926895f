package io.paywire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.ChildJvm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees from {@code paywire.jar} (docs/operations.md): a quiet start, errors that
 * name what failed, usage when the subcommand is missing. Real child JVMs.
 */
class OperatorOutputTest {

  private static final long TIMEOUT_MILLIS = 30_000;
  private static final String MAIN = "io.paywire.Paywire";

  /**
   * A single node's start and stop on standard error: the ledger's recovery line and little else
   * (no library's lines); a few to spare for a first start's key generation.
   */
  private static final int MAX_LOG_LINES = 5;

  @TempDir Path work;

  @Test
  void noSubcommandPrintsUsageAndExitsTwo() throws Exception {
    try (ChildJvm paywire = ChildJvm.start(work, MAIN)) {
      assertThat(paywire.awaitExit(TIMEOUT_MILLIS)).isEqualTo(2);
      List<String> output = new ArrayList<>(paywire.remainingStdout());
      output.addAll(paywire.stderr());
      assertThat(String.join("\n", output)).contains("Usage: paywire").contains("server");
    }
  }

  @Test
  void singleNodeStartsAndStopsWithoutWarningsInAFewLines() throws Exception {
    try (ChildJvm server =
        ChildJvm.start(
            work,
            MAIN,
            "server",
            "--data-dir",
            "data",
            "--http-port",
            "0",
            "--tls-port",
            "0",
            "--compat-port",
            "0",
            "--conf",
            "missing.json")) {
      server.awaitLine("ready", TIMEOUT_MILLIS);
      server.sigterm();
      assertThat(server.awaitExit(TIMEOUT_MILLIS)).isEqualTo(0);
      List<String> log = server.stderr();
      assertThat(log)
          .as("log lines of a start and stop")
          .hasSizeLessThanOrEqualTo(MAX_LOG_LINES)
          .noneMatch(line -> line.contains(" WARNING ") || line.contains(" SEVERE "))
          .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by"));
    }
  }

  @Test
  void portClashNamesTheListenerItsAddressAndTheOptionToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      try (ChildJvm server =
          ChildJvm.start(
              work,
              MAIN,
              "server",
              "--data-dir",
              "data",
              "--http-port",
              "0",
              "--tls-port",
              Integer.toString(port),
              "--compat-port",
              "-1",
              "--conf",
              "missing.json")) {
        assertThat(server.awaitExit(TIMEOUT_MILLIS)).isEqualTo(1);
        String error = String.join("\n", server.stderr());
        assertThat(error)
            .contains(
                "cannot start: listener tls (text protocol) 127.0.0.1:"
                    + port
                    + ": Address already in use")
            .contains("--tls-port")
            .doesNotContain("\tat ");
      }
    }
  }
}
