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
