package io.paywire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Node.js, which the tests that run independent JavaScript clients need. */
public final class NodeJs {

  static final int VERSION_TIMEOUT_SECONDS = 60;

  private NodeJs() {}

  /**
   * The {@code node} executable on the PATH; fails (never skips) without it.
   *
   * @param script what the test runs with it, for the message
   */
  public static Path onPath(String script) throws Exception {
    String path = System.getenv().getOrDefault("PATH", "");
    Path found =
        Arrays.stream(path.split(File.pathSeparator))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "node"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "Node.js (the `node` command, version 18.11 or "
                            + "newer; written for 20) is not on the PATH ("
                            + path
                            + "): this test runs "
                            + script
                            + " with it and fails rather than skip. Install it, e.g. apt-get install "
                            + "-y nodejs"));
    Process version =
        new ProcessBuilder(found.toString(), "--version").redirectErrorStream(true).start();
    String text =
        new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(version.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Matcher major = Pattern.compile("v(\\d+)\\.(\\d+)").matcher(text);
    assertThat(major.lookingAt()).as("%s --version printed %s", found, text).isTrue();
    int[] release = {Integer.parseInt(major.group(1)), Integer.parseInt(major.group(2))};
    assertThat(release[0] > 18 || (release[0] == 18 && release[1] >= 11))
        .as("%s is Node.js %s; %s needs 18.11 or newer (util.parseArgs)", found, text, script)
        .isTrue();
    return found;
  }
}
