package io.paywire.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real child JVM running a main class from the test classpath, with its output lines collected as
 * they arrive, and optionally appended to a log file that outlives the test (so a failed run can be
 * read afterwards). Always {@link #close} it: that kills the process if it is still running.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());

  private final List<Thread> pumps;

  private ChildJvm(Process process, LogFile log) {
    this.process = process;
    this.pumps =
        List.of(
            pump(process.getInputStream(), log.tee("out", stdout::add), log),
            pump(process.getErrorStream(), log.tee("err", stderr::add), log));
  }

  /** Where a child's lines are appended, each as it arrives, prefixed with its stream. */
  private record LogFile(Writer writer, AtomicInteger open) {

    static final LogFile NONE = new LogFile(null, null);

    static LogFile appendingTo(Path file, String header) throws IOException {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Writer writer =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      LogFile log = new LogFile(writer, new AtomicInteger(2));
      log.write("--- " + Instant.now() + " " + header);
      return log;
    }

    Consumer<String> tee(String stream, Consumer<String> sink) {
      return writer == null
          ? sink
          : line -> {
            write(stream + " " + line);
            sink.accept(line);
          };
    }

    /** Closes the file once both of the child's streams have ended. */
    void streamEnded() {
      if (writer != null && open.decrementAndGet() == 0) {
        synchronized (writer) {
          try {
            writer.close();
          } catch (IOException ignored) {
            // nothing more will be written
          }
        }
      }
    }

    /** One line, flushed at once: the test may be killed, and the child's last words matter. */
    private void write(String line) {
      synchronized (writer) {
        try {
          writer.write(line);
          writer.write('\n');
          writer.flush();
        } catch (IOException full) {
          // a log that cannot be written must not fail the test it documents
        }
      }
    }
  }

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public static ChildJvm start(Path workingDirectory, String mainClass, String... args)
      throws IOException {
    return new ChildJvm(process(workingDirectory, List.of(), mainClass, args), LogFile.NONE);
  }

  /**
   * As {@link #start}, with {@code jvmOptions} before the class path, and every output line also
   * appended to {@code log} (created if absent).
   */
  public static ChildJvm startLogged(
      Path workingDirectory, Path log, List<String> jvmOptions, String mainClass, String... args)
      throws IOException {
    LogFile file = LogFile.appendingTo(log, mainClass + " " + String.join(" ", args));
    return new ChildJvm(process(workingDirectory, jvmOptions, mainClass, args), file);
  }

  private static Process process(
      Path workingDirectory, List<String> jvmOptions, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
  }

  private static Thread pump(InputStream stream, Consumer<String> sink, LogFile log) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  sink.accept(line);
                }
              } catch (IOException closed) {
                // the process ended; nothing more to read
              } finally {
                log.streamEnded();
              }
            },
            "child-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Waits for a stdout line containing {@code text}; returns every line read up to it. */
  public List<String> awaitLine(String text, long timeoutMillis) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      String line = left > 0 ? stdout.poll(left, TimeUnit.MILLISECONDS) : null;
      if (line == null) {
        throw new AssertionError(
            "no line with '"
                + text
                + "' within "
                + timeoutMillis
                + " ms; stdout so far "
                + seen
                + ", stderr "
                + stderr());
      }
      seen.add(line);
      if (line.contains(text)) {
        return seen;
      }
    }
  }

  /** Every stdout line not yet taken by {@link #awaitLine}. */
  public List<String> remainingStdout() {
    List<String> lines = new ArrayList<>();
    stdout.drainTo(lines);
    return lines;
  }

  public List<String> stderr() {
    synchronized (stderr) {
      return List.copyOf(stderr);
    }
  }

  /**
   * Sends SIGTERM. Through the process handle, because {@link Process#destroy} also closes our ends
   * of its pipes and the child's last lines would be lost.
   */
  public void sigterm() {
    process.toHandle().destroy();
  }

  public Process process() {
    return process;
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "process still running after " + timeoutMillis + " ms; stderr " + stderr());
    }
    for (Thread pump : pumps) {
      pump.join(timeoutMillis); // the last lines may still be in flight
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
