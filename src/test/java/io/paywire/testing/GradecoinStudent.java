package io.paywire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/resources/gradecoin/student.mjs}, a Gradecoin student client written with
 * Node's own crypto and https only, in a test's directory against a network's listener: the
 * independent side of every Gradecoin test. Each run prints one JSON line.
 */
public final class GradecoinStudent {

  public static final Path SCRIPT = Path.of("src/test/resources/gradecoin/student.mjs");
  static final int TIMEOUT_SECONDS = 60;

  /**
   * A config.yaml for tests: 2 transactions a block, 2 hash zeros, register bonus 40, block reward
   * 3, gas fee 1, amounts 1 to 10, traffic reward 1, one bot (StockFish, 64).
   */
  public static final String TESTNET_CONFIG =
      String.join(
          "\n",
          "name: testnet",
          "url_prefix: \"\"",
          "preapproved_users: students.csv",
          "block_transaction_count: 2",
          "hash_zeros: 2",
          "register_bonus: 40",
          "block_reward: 3",
          "tx_gas_fee: 1",
          "tx_upper_limit: 10",
          "tx_lower_limit: 1",
          "tx_traffic_reward: 1",
          "bots:",
          "  StockFish:",
          "    starting_balance: 64",
          "");

  /** A students.csv for tests: e100001/alicepw, e100002/bobpw, e100003/carolpw. */
  public static final String TESTNET_STUDENTS =
      "User ID, Password\ne100001,alicepw\ne100002,bobpw\ne100003,carolpw\n";

  private final Path node;
  private final Path dir;
  private final Path ca;

  /**
   * @param dir where key files are written and read
   * @param ca the node's CA certificate, which the client trusts
   */
  public GradecoinStudent(Path node, Path dir, Path ca) {
    this.node = node;
    this.dir = dir;
    this.ca = ca;
  }

  /** Starts one run; {@link Run#result} waits for it. */
  public Run start(Map<String, String> environment, String... arguments) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(node.toString(), SCRIPT.toAbsolutePath().toString()));
    command.addAll(List.of(arguments));
    Path out = Files.createTempFile(dir, "student", ".out");
    Path err = Files.createTempFile(dir, "student", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("GRADECOIN_CA", ca.toString());
    builder.environment().putAll(environment);
    return new Run(command, builder.start(), out, err);
  }

  /** Runs once and returns its JSON line. */
  public JsonObject run(String... arguments) throws Exception {
    return start(Map.of(), arguments).result();
  }

  public JsonObject run(Map<String, String> environment, String... arguments) throws Exception {
    return start(environment, arguments).result();
  }

  /** One run of the client. */
  public record Run(List<String> command, Process process, Path out, Path err) {
    public JsonObject result() throws Exception {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish");
      }
      String printed = Files.readString(out, StandardCharsets.UTF_8).strip();
      assertThat(process.exitValue())
          .as("%s printed %s %s", command, printed, Files.readString(err))
          .isZero();
      return new JsonObject(printed);
    }
  }
}
