package io.paywire.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running a main class from the test classpath, with its output lines collected
 * as they arrive. Always {@link #close} it: that kills the process if it is still running.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stderr = java.util.Collections.synchronizedList(new ArrayList<>());

  private final List<Thread> pumps;

  private ChildJvm(Process process) {
    this.process = process;
    this.pumps = List.of(pump(process.getInputStream(), stdout::add),
        pump(process.getErrorStream(), stderr::add));
  }

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public static ChildJvm start(Path workingDirectory, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).directory(workingDirectory.toFile()).start());
  }

  private static Thread pump(java.io.InputStream stream,
      java.util.function.Consumer<String> sink) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          sink.accept(line);
        }
      } catch (IOException closed) {
        // the process ended; nothing more to read
      }
    }, "child-output");
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
        throw new AssertionError("no line with '" + text + "' within " + timeoutMillis
            + " ms; stdout so far " + seen + ", stderr " + stderr());
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
   * Sends SIGTERM. Through the process handle, because {@link Process#destroy} also closes our
   * ends of its pipes and the child's last lines would be lost.
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
      throw new AssertionError("process still running after " + timeoutMillis + " ms; stderr "
          + stderr());
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
