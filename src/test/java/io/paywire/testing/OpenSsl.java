package io.paywire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the openssl command line, for interoperability tests. The README's test command installs it;
 * where it is missing the tests fail, they never skip.
 */
public final class OpenSsl {

  public static final Path BINARY = Path.of("/usr/bin/openssl");

  public record Result(int exitCode, String output) {}

  private OpenSsl() {}

  public static void requireInstalled() {
    assertThat(BINARY).as("openssl is not installed at %s (see README)", BINARY).isExecutable();
  }

  /** Runs openssl in {@code directory}, failing the test unless it exits 0; returns its output. */
  public static String run(Path directory, String... arguments)
      throws IOException, InterruptedException {
    Result result = attempt(directory, arguments);
    if (result.exitCode != 0) {
      throw new AssertionError(
          "openssl "
              + String.join(" ", arguments)
              + " exited with "
              + result.exitCode
              + ":\n"
              + result.output);
    }
    return result.output;
  }

  /** Runs openssl in {@code directory} and returns its exit code and output, whatever they are. */
  public static Result attempt(Path directory, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    // Read to the end before waiting, so a chatty process cannot block on a full pipe; with stdin
    // at /dev/null openssl never waits for input.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "openssl " + String.join(" ", arguments) + " did not finish in 30 s");
    }
    return new Result(process.exitValue(), output);
  }
}
