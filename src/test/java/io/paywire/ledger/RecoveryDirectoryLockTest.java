package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import io.paywire.ledger.JournalRoundTripTest.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One data directory, one open ledger: the LOCK file keeps a second open out, whether it comes from
 * another process or from the same one, and a refused open leaves the first ledger's lock and data
 * as they were.
 */
class RecoveryDirectoryLockTest {

  @TempDir Path dir;

  @Test
  void secondOpenInTheSameProcessFailsWithAClearIOException() throws IOException {
    try (Ledger first = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThatThrownBy(() -> Ledger.open(dir, LedgerOptions.DEFAULTS).close())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dir.toString());
      assertThat(first.failed()).isFalse();
    }
  }

  @Test
  void directoryOpensAgainOnceTheFirstLedgerIsClosed() throws IOException {
    Workload workload = new Workload(51);
    Picture written;
    try (Ledger first = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      workload.batch(first, 3, 5);
      try {
        Ledger.open(dir, LedgerOptions.DEFAULTS).close();
      } catch (IOException | RuntimeException refused) {
        // refused as it must be; how is the concern of the test above
      }
      workload.batch(first, 0, 5);
      written = Picture.of(first);
    }
    try (Ledger again = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(Picture.of(again)).isEqualTo(written);
    }
  }

  @Test
  void openFromAnotherProcessIsRefusedWhileTheLedgerIsOpen() throws Exception {
    try (Ledger first = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      String child = openInChildProcess(dir);
      assertThat(child).startsWith("refused java.io.IOException").contains("in use");
      assertThat(first.failed()).isFalse();
    }
    assertThat(openInChildProcess(dir)).isEqualTo("opened with 0 transfers");
  }

  /**
   * On Linux a process's POSIX lock on a file is dropped when any of its descriptors for that file
   * is closed, so a refused second open must not leave (or close) a channel to the LOCK file:
   * otherwise another process can open the directory while the first ledger still writes to it.
   */
  @Test
  void refusedSecondOpenInTheSameProcessKeepsTheLockAgainstOtherProcesses() throws Exception {
    try (Ledger first = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      try {
        Ledger.open(dir, LedgerOptions.DEFAULTS).close();
      } catch (IOException | RuntimeException refused) {
        // refused as it must be
      }
      // The refused open left no descriptor of its own on the lock file behind: exactly one,
      // the first ledger's, is open (closing a second one would drop the process's lock).
      assertThat(descriptorsOn(dir.resolve("LOCK").toRealPath()))
          .as("descriptors on LOCK")
          .isEqualTo(1);

      assertThat(openInChildProcess(dir))
          .as("a second process opening the same directory")
          .startsWith("refused java.io.IOException");
      assertThat(first.failed()).isFalse();
    }
  }

  /** How many of this process's open descriptors (Linux /proc/self/fd) point at {@code file}. */
  private static long descriptorsOn(Path file) throws IOException {
    try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException gone) {
                  return false; // closed while listing
                }
              })
          .count();
    }
  }

  /** Runs {@link ChildOpen} in a new JVM on the test class path and returns its one-line report. */
  private static String openInChildProcess(Path directory) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-Djava.util.logging.config.file=/dev/null",
                "-cp",
                System.getProperty("java.class.path"),
                ChildOpen.class.getName(),
                directory.toString())
            .redirectErrorStream(true)
            .start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child process did not finish");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  /** The child process: tries to open the directory and prints what happened. */
  public static final class ChildOpen {
    public static void main(String[] args) {
      try (Ledger ledger = Ledger.open(Paths.get(args[0]), LedgerOptions.DEFAULTS)) {
        System.out.println("opened with " + ledger.state().transferCount() + " transfers");
      } catch (Exception e) {
        System.out.println("refused " + e.getClass().getName() + ": " + e.getMessage());
      }
    }
  }
}
