package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerView;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.TransferView;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger node under load is killed with SIGKILL at a random moment, again and again on the same
 * data directory. After every kill the directory recovers (torn tail truncated, newest snapshot
 * plus journal replayed), keeps every transfer the node ever acknowledged exactly as acknowledged,
 * holds every invariant, and passes the real {@code paywire verify}. The check is one-directional:
 * the ledger may hold transfers whose acknowledgement never reached us, never the reverse.
 */
class CrashRecoveryTest {

  private static final int ROUNDS = 12;
  private static final int MIN_RUN_MILLIS = 200;
  private static final int MAX_RUN_MILLIS = 1_500;
  private static final long READY_TIMEOUT_MILLIS = 30_000;
  private static final long EXIT_TIMEOUT_MILLIS = 10_000;
  private static final long VERIFY_TIMEOUT_MILLIS = 60_000;

  /** How the JVM reports a child that SIGKILL ended: 128 + signal 9. */
  private static final int SIGKILL_EXIT_CODE = 137;

  /** Enough examples of lost or changed transfers to diagnose, few enough to read. */
  private static final int MAX_REPORTED_MISMATCHES = 20;

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();
  private String classPath;

  /** One transfer the node acknowledged, as the child printed it. */
  record Ack(TransferId id, String payer, String payee, long amount) {

    /** Parses {@code ACK <id> <payer> <payee> <amount>}; null if the line is anything else. */
    static Ack parseOrNull(String line) {
      String[] parts = line.split(" ");
      if (parts.length != 5 || !parts[0].equals("ACK")) {
        return null;
      }
      TransferId id = TransferId.parseOrNull(parts[1]);
      if (id == null) {
        return null;
      }
      try {
        return new Ack(id, parts[2], parts[3], Long.parseLong(parts[4]));
      } catch (NumberFormatException e) {
        return null;
      }
    }

    boolean matches(TransferView transfer) {
      return transfer.payer().equals(payer)
          && transfer.payee().equals(payee)
          && transfer.amount() == amount;
    }
  }

  /** What one round of load and kill left: the acknowledgements and anything unexpected. */
  record Killed(List<Ack> acks, List<String> unexpectedLines, long readyMillis) {}

  @AfterEach
  void killEveryChild() throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(EXIT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void everyAcknowledgedTransferSurvivesRepeatedSigkillUnderLoad() throws Exception {
    Path data = dir.resolve("data");
    classPath = copyOfClassPath(dir.resolve("classpath"));
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    System.out.println(
        "event=crash_test_start seed="
            + seed
            + " rounds="
            + ROUNDS
            + " class_path_entries="
            + classPath.split(File.pathSeparator).length);
    Map<TransferId, Ack> acknowledged = new HashMap<>();

    for (int round = 1; round <= ROUNDS; round++) {
      int runMillis = MIN_RUN_MILLIS + random.nextInt(MAX_RUN_MILLIS - MIN_RUN_MILLIS + 1);
      Killed killed = runAndKill(data, round, runMillis);
      assertThat(killed.unexpectedLines())
          .as("round %d: lines the child printed besides READY and ACK", round)
          .isEmpty();
      for (Ack ack : killed.acks()) {
        assertThat(acknowledged.put(ack.id(), ack))
            .as("round %d: transfer %s acknowledged twice", round, ack.id())
            .isNull();
      }

      long checkStarted = System.nanoTime();
      long transfers;
      Ledger.Recovery recovery;
      try (Ledger ledger = Ledger.open(data, CrashChild.OPTIONS)) {
        recovery = ledger.recovery();
        LedgerView state = ledger.state();
        assertEveryAcknowledgedTransferIsHeld(round, state, acknowledged);
        for (int i = 0; i < CrashChild.ACCOUNTS; i++) {
          assertThat(state.account(CrashChild.accountName(i)))
              .as("round %d: account %s", round, CrashChild.accountName(i))
              .isPresent();
        }
        state.checkInvariants();
        transfers = state.transferCount();
        // Deposits count as transfers from the issuer.
        assertThat(transfers).isGreaterThanOrEqualTo(acknowledged.size() + CrashChild.ACCOUNTS);
      }
      long checkMillis = (System.nanoTime() - checkStarted) / 1_000_000;
      assertThat(countFiles(data.resolve("snapshots"), ".tmp"))
          .as("round %d: temporaries of interrupted snapshot writes are removed at open", round)
          .isZero();

      long verifyStarted = System.nanoTime();
      verifyWithTheRealCommand(data, round, transfers);
      long verifyMillis = (System.nanoTime() - verifyStarted) / 1_000_000;

      System.out.println(
          "event=crash_round round="
              + round
              + " ready_millis="
              + killed.readyMillis()
              + " run_millis="
              + runMillis
              + " acks="
              + killed.acks().size()
              + " acks_total="
              + acknowledged.size()
              + " transfers="
              + transfers
              + " snapshot="
              + recovery.snapshot().map(p -> p.getFileName().toString()).orElse("none")
              + " batches_replayed="
              + recovery.batchesReplayed()
              + " torn_bytes="
              + recovery.tornBytesTruncated()
              + " snapshot_temporaries="
              + countFiles(data.resolve("snapshots"), ".tmp")
              + " recovery_millis="
              + recovery.millis()
              + " check_millis="
              + checkMillis
              + " verify_millis="
              + verifyMillis);
    }
  }

  private static void assertEveryAcknowledgedTransferIsHeld(
      int round, LedgerView state, Map<TransferId, Ack> acknowledged) {
    List<String> mismatches = new ArrayList<>();
    long wrong = 0;
    for (Ack ack : acknowledged.values()) {
      Optional<TransferView> held = state.transfer(ack.id());
      if (held.isPresent() && ack.matches(held.get())) {
        continue;
      }
      wrong++;
      if (mismatches.size() < MAX_REPORTED_MISMATCHES) {
        mismatches.add(held.map(t -> "changed " + ack + " -> " + t).orElse("lost " + ack));
      }
    }
    assertThat(wrong)
        .as(
            "round %d: %d of %d acknowledged transfers lost or changed after recovery; first: %s",
            round, wrong, acknowledged.size(), mismatches)
        .isZero();
  }

  /**
   * Starts a node on {@code data}, waits for READY, lets it work {@code runMillis}, SIGKILLs it.
   * Every complete line it wrote before it died counts, including lines still in the pipe at the
   * kill; a line cut short by the kill is dropped.
   */
  private Killed runAndKill(Path data, int round, int runMillis) throws Exception {
    Path log = dir.resolve("child-" + round + ".log");
    long launched = System.nanoTime();
    // C1 only: the child lives about a second, so a quick start matters more than peak speed.
    Process child =
        start(
            new ProcessBuilder(
                    javaCommand(),
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    classPath,
                    CrashChild.class.getName(),
                    data.toString())
                .redirectError(log.toFile()));
    LineCollector lines = new LineCollector(child.getInputStream());
    Thread reader = new Thread(lines, "crash-child-" + round + "-stdout");
    reader.setDaemon(true);
    reader.start();
    long readyMillis;
    try {
      boolean ready;
      try {
        ready = lines.ready.get(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        ready = false;
      }
      assertThat(ready)
          .as(
              "round %d: child should print READY; alive=%s; its stderr:%n%s",
              round, child.isAlive(), readQuietly(log))
          .isTrue();
      readyMillis = (System.nanoTime() - launched) / 1_000_000;
      Thread.sleep(runMillis);
      assertThat(child.isAlive())
          .as(
              "round %d: child should still run before the kill; stderr:%n%s",
              round, readQuietly(log))
          .isTrue();
    } finally {
      // SIGKILL through the handle: Process.destroyForcibly would also close our end of stdout
      // and throw away the acknowledgements still in the pipe.
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor(EXIT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
          .as("round %d: child should die of SIGKILL", round)
          .isTrue();
      child.getOutputStream().close();
    }
    assertThat(child.exitValue())
        .as("round %d: exit code of a SIGKILLed JVM", round)
        .isEqualTo(SIGKILL_EXIT_CODE);
    reader.join(EXIT_TIMEOUT_MILLIS);
    assertThat(reader.isAlive())
        .as("round %d: stdout reader should reach end of input", round)
        .isFalse();
    assertThat(lines.failure).as("round %d: error reading the child's stdout", round).isNull();
    return new Killed(List.copyOf(lines.acks), List.copyOf(lines.unexpected), readyMillis);
  }

  private void verifyWithTheRealCommand(Path data, int round, long transfers) throws Exception {
    Path output = dir.resolve("verify-" + round + ".log");
    Process verify =
        start(
            new ProcessBuilder(
                    javaCommand(),
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    classPath,
                    "io.paywire.Paywire",
                    "verify",
                    "--data-dir",
                    data.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile()));
    assertThat(verify.waitFor(VERIFY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
        .as("round %d: verify finished", round)
        .isTrue();
    String printed = Files.readString(output);
    assertThat(verify.exitValue())
        .as("round %d: verify exit code; it printed:%n%s", round, printed)
        .isZero();
    assertThat(printed).contains("verify: OK").contains("transfers " + transfers + "\n");
  }

  private Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This JVM's classpath (test classes and every dependency: surefire runs with {@code
   * useManifestOnlyJar=false}, so {@code java.class.path} lists the real entries), with its
   * directories copied under {@code into}. The children start over a minute, and a build running
   * meanwhile in the same tree can empty {@code target/classes} or {@code target/test-classes}.
   */
  private static String copyOfClassPath(Path into) throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.isDirectory(source)) {
        entries.add(entry);
        continue;
      }
      Path copy = into.resolve(Integer.toString(entries.size()));
      try (Stream<Path> tree = Files.walk(source)) {
        for (Path path : (Iterable<Path>) tree::iterator) {
          Path target = copy.resolve(source.relativize(path).toString());
          if (Files.isDirectory(path)) {
            Files.createDirectories(target);
          } else {
            Files.copy(path, target);
          }
        }
      }
      entries.add(copy.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Files in {@code directory} whose name ends with {@code suffix}. */
  private static long countFiles(Path directory, String suffix) throws IOException {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "(none)";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * Reads the child's stdout to its end, line by line. Only lines ended by a newline count: the
   * kill can cut the last one anywhere, and a cut {@code ACK} line could still parse (an amount of
   * {@code 12} instead of {@code 125}).
   */
  private static final class LineCollector implements Runnable {
    final CompletableFuture<Boolean> ready = new CompletableFuture<>();
    final List<Ack> acks = new ArrayList<>();
    final List<String> unexpected = new ArrayList<>();
    IOException failure;
    private final InputStream in;

    LineCollector(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[1 << 16];
      StringBuilder line = new StringBuilder();
      try (in) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          for (int i = 0; i < read; i++) {
            if (buffer[i] == '\n') {
              accept(line.toString());
              line.setLength(0);
            } else {
              line.append((char) (buffer[i] & 0xff));
            }
          }
        }
      } catch (IOException e) {
        failure = e;
      } finally {
        ready.complete(false);
      }
    }

    private void accept(String line) {
      if (line.equals("READY")) {
        ready.complete(true);
        return;
      }
      Ack ack = Ack.parseOrNull(line);
      if (ack != null) {
        acks.add(ack);
      } else if (unexpected.size() < MAX_REPORTED_MISMATCHES) {
        unexpected.add(
            new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
      }
    }
  }
}
