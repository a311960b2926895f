import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summary of one flight recording of a Paywire server over a window (docs/benchmarks.md, "Profile
 * per member (JFR)"): CPU by thread group (from jdk.ThreadCPULoad), execution samples by thread
 * group, top methods by self samples (per group and overall), top stacks of the busiest groups,
 * allocation per PAY (jdk.ObjectAllocationSample weights), GC pauses, JIT compilations and
 * deoptimizations in the window. Run with the JDK's single-file launcher:
 *
 * <pre>
 * java docs/bench/JfrSummary.java c2.jfr FROM_MS TO_MS PAYS [TOP]
 * </pre>
 *
 * FROM_MS and TO_MS are the window's ends in ms since the epoch (the lines of
 * {@code <label>.window} written by cpu-per-pay.sh), PAYS the durable PAYs of the window.
 */
public final class JfrSummary {

  private JfrSummary() {}

  /** Thread group of a thread by its name: the pools a Paywire server runs. */
  static String group(RecordedThread t) {
    if (t == null) {
      return "?";
    }
    String n = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    if (n == null) {
      return "?";
    }
    if (n.startsWith("vert.x-eventloop")) {
      return "vertx-eventloop";
    }
    if (n.startsWith("vert.x-worker") || n.startsWith("vert.x-internal-blocking")) {
      return "vertx-worker";
    }
    if (n.startsWith("C2 ") || n.startsWith("C1 ")) {
      return "JIT " + n.substring(0, 2);
    }
    if (n.startsWith("GC ") || n.startsWith("G1 ") || n.startsWith("VM Thread")) {
      return "GC/VM";
    }
    if (n.contains("hz.")) {
      return "hazelcast";
    }
    if (n.contains("StateMachineUpdater")) {
      return "ratis-apply";
    }
    if (n.contains("SegmentedRaftLogWorker") || n.contains("RaftLogWorker")) {
      return "ratis-log-worker";
    }
    if (n.contains("LogAppender") || n.contains("GrpcLogAppender")) {
      return "ratis-appender";
    }
    if (n.startsWith("grpc-") || n.contains("grpc")) {
      return "grpc";
    }
    if (n.contains("@group-") || n.contains("RaftServer") || n.contains("raft")) {
      return "ratis-other";
    }
    if (n.startsWith("ForkJoinPool")) {
      return "forkjoin";
    }
    if (n.startsWith("JFR") || n.startsWith("JDK Flight")) {
      return "JFR";
    }
    return "other:" + n.replaceAll("[0-9]+", "#");
  }

  static String frame(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  static <K> void add(Map<K, Long> m, K k, long v) {
    m.merge(k, v, Long::sum);
  }

  static <K> String top(Map<K, Long> m, int n, long total, String unit) {
    List<Map.Entry<K, Long>> l = new ArrayList<>(m.entrySet());
    l.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, l.size()); i++) {
      Map.Entry<K, Long> e = l.get(i);
      sb.append(
          String.format(
              Locale.ROOT,
              "  %7d %s %5.1f%%  %s%n",
              e.getValue(),
              unit,
              100.0 * e.getValue() / Math.max(1, total),
              e.getKey()));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Instant from = Instant.ofEpochMilli(Long.parseLong(args[1]));
    Instant to = Instant.ofEpochMilli(Long.parseLong(args[2]));
    double pays = Double.parseDouble(args[3]);
    int topN = args.length > 4 ? Integer.parseInt(args[4]) : 15;
    double seconds = (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;

    Map<String, Long> samplesByGroup = new TreeMap<>();
    Map<String, Map<String, Long>> selfByGroup = new HashMap<>();
    Map<String, Long> selfAll = new HashMap<>();
    Map<String, Map<String, Long>> stackByGroup = new HashMap<>();
    Map<Long, double[]> cpuByThread = new HashMap<>();
    Map<String, Long> allocByClass = new HashMap<>();
    Map<String, Long> allocBySite = new HashMap<>();
    Map<String, Long> allocByGroup = new TreeMap<>();
    Map<String, Long> compiled = new HashMap<>();
    Map<String, Long> deopt = new HashMap<>();
    long samples = 0;
    long allocTotal = 0;
    long gcCount = 0;
    long gcPauseNanos = 0;
    long gcLongestNanos = 0;
    long compilations = 0;
    long compileNanos = 0;
    long deopts = 0;
    double jvmUser = 0;
    double jvmSystem = 0;
    int jvmCpuEvents = 0;
    Map<Long, String> threadGroupById = new HashMap<>();
    // FOCUS=a,b: the deepest 14 frames of samples and allocations whose stack names a or b.
    String[] focus =
        System.getenv("FOCUS") == null ? new String[0] : System.getenv("FOCUS").split(",");
    Map<String, Long> focusStacks = new HashMap<>();
    Map<String, Long> focusAlloc = new HashMap<>();
    Map<String, Long> focusTotal = new TreeMap<>();
    Map<String, Long> focusAllocTotal = new TreeMap<>();
    try (RecordingFile r = new RecordingFile(file)) {
      while (r.hasMoreEvents()) {
        RecordedEvent e = r.readEvent();
        Instant t = e.getStartTime();
        if (t.isBefore(from) || t.isAfter(to)) {
          continue;
        }
        String type = e.getEventType().getName();
        switch (type) {
          case "jdk.ExecutionSample" -> {
            RecordedThread th = e.getThread("sampledThread");
            String g = group(th);
            RecordedStackTrace st = e.getStackTrace();
            samples++;
            add(samplesByGroup, g, 1);
            if (st != null && !st.getFrames().isEmpty()) {
              String self = frame(st.getFrames().get(0));
              add(selfByGroup.computeIfAbsent(g, k -> new HashMap<>()), self, 1);
              add(selfAll, self, 1);
              StringBuilder s = new StringBuilder();
              List<RecordedFrame> fr = st.getFrames();
              for (int i = 0; i < Math.min(6, fr.size()); i++) {
                s.append(i == 0 ? "" : " < ").append(frame(fr.get(i)));
              }
              add(stackByGroup.computeIfAbsent(g, k -> new HashMap<>()), s.toString(), 1);
              String f = focused(fr, focus);
              if (f != null) {
                add(focusStacks, f, 1);
              }
              countFocus(fr, focus, focusTotal, 1);
            }
          }
          case "jdk.ThreadCPULoad" -> {
            RecordedThread th = e.getThread("eventThread");
            threadGroupById.put(th.getId(), group(th));
            double[] sc = cpuByThread.computeIfAbsent(th.getId(), k -> new double[2]);
            sc[0] += e.getFloat("user") + e.getFloat("system");
            sc[1]++;
          }
          case "jdk.CPULoad" -> {
            jvmUser += e.getFloat("jvmUser");
            jvmSystem += e.getFloat("jvmSystem");
            jvmCpuEvents++;
          }
          case "jdk.ObjectAllocationSample" -> {
            long w = e.getLong("weight");
            allocTotal += w;
            add(allocByClass, e.getClass("objectClass").getName(), w);
            add(allocByGroup, group(e.getThread("eventThread")), w);
            RecordedStackTrace st = e.getStackTrace();
            if (st != null) {
              StringBuilder s = new StringBuilder();
              List<RecordedFrame> fr = st.getFrames();
              for (int i = 0; i < Math.min(3, fr.size()); i++) {
                s.append(i == 0 ? "" : " < ").append(frame(fr.get(i)));
              }
              add(allocBySite, s.toString(), w);
              String f = focused(fr, focus);
              if (f != null) {
                add(focusAlloc, f, w);
              }
              countFocus(fr, focus, focusAllocTotal, w);
            }
          }
          case "jdk.GarbageCollection" -> {
            gcCount++;
            long p = e.getLong("sumOfPauses");
            gcPauseNanos += p;
            gcLongestNanos = Math.max(gcLongestNanos, e.getLong("longestPause"));
          }
          case "jdk.Compilation" -> {
            compilations++;
            compileNanos += e.getDuration().toNanos();
            String m =
                e.getValue("method") == null
                    ? "?"
                    : ((jdk.jfr.consumer.RecordedMethod) e.getValue("method")).getType().getName()
                        + "."
                        + ((jdk.jfr.consumer.RecordedMethod) e.getValue("method")).getName()
                        + " L"
                        + e.getValue("compileLevel");
            add(compiled, m, 1);
          }
          case "jdk.Deoptimization" -> {
            deopts++;
            String m =
                ((jdk.jfr.consumer.RecordedMethod) e.getValue("method")).getType().getName()
                    + "."
                    + ((jdk.jfr.consumer.RecordedMethod) e.getValue("method")).getName()
                    + " reason="
                    + e.getValue("reason")
                    + " action="
                    + e.getValue("action");
            add(deopt, m, 1);
          }
          default -> {}
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "== %s: window %.1f s, %.0f PAYs (%.0f PAY/s)%n",
        file.getFileName(),
        seconds,
        pays,
        pays / seconds);
    if (jvmCpuEvents > 0) {
      double cores = (jvmUser + jvmSystem) / jvmCpuEvents * Runtime.getRuntime().availableProcessors();
      System.out.printf(
          Locale.ROOT,
          "JVM CPU (jdk.CPULoad, mean of %d): %.2f cores = %.1f us/PAY%n",
          jvmCpuEvents,
          cores,
          cores * seconds * 1e6 / pays);
    }
    // jdk.ThreadCPULoad gives a thread's load as a fraction of all the machine's processors, one
    // event per period (10 s in settings=profile): a thread's cores are the mean of its events
    // times the processors; a group's, the sum over its threads.
    int nProc = Runtime.getRuntime().availableProcessors();
    Map<String, Double> cores = new TreeMap<>();
    for (Map.Entry<Long, double[]> c : cpuByThread.entrySet()) {
      double[] sc = c.getValue();
      cores.merge(threadGroupById.get(c.getKey()), sc[0] / sc[1] * nProc, Double::sum);
    }
    double coresTotal = cores.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.println("\nCPU by thread group (jdk.ThreadCPULoad, mean per thread, summed)");
    List<Map.Entry<String, Double>> cl = new ArrayList<>(cores.entrySet());
    cl.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    for (Map.Entry<String, Double> c : cl) {
      System.out.printf(
          Locale.ROOT,
          "  %-28s %5.2f cores %6.1f us/PAY %5.1f%%%n",
          c.getKey(),
          c.getValue(),
          c.getValue() * seconds * 1e6 / pays,
          100 * c.getValue() / Math.max(1e-9, coresTotal));
    }
    System.out.printf(
        Locale.ROOT,
        "  %-28s %5.2f cores %6.1f us/PAY%n",
        "(all threads)",
        coresTotal,
        coresTotal * seconds * 1e6 / pays);
    System.out.println("\nExecution samples by thread group (Java frames only; JIT/GC not sampled)");
    System.out.print(top(samplesByGroup, 30, samples, "samples"));
    System.out.println("\nTop " + topN + " methods by self samples, all threads");
    System.out.print(top(selfAll, topN, samples, "samples"));
    for (Map.Entry<String, Long> g : sortByValue(samplesByGroup)) {
      if (g.getValue() < samples / 20) {
        continue;
      }
      System.out.println("\nTop " + topN + " self, group " + g.getKey());
      System.out.print(top(selfByGroup.get(g.getKey()), topN, g.getValue(), "samples"));
      System.out.println("Top 8 stacks (6 frames), group " + g.getKey());
      System.out.print(top(stackByGroup.get(g.getKey()), 8, g.getValue(), "samples"));
    }
    System.out.printf(
        Locale.ROOT,
        "%nAllocation (jdk.ObjectAllocationSample weights): %.1f MB/s, %.0f bytes/PAY%n",
        allocTotal / seconds / 1e6,
        allocTotal / pays);
    System.out.println("By thread group (bytes):");
    System.out.print(top(allocByGroup, 12, allocTotal, "B"));
    System.out.println("Top classes (bytes):");
    System.out.print(top(allocByClass, 12, allocTotal, "B"));
    System.out.println("Top sites (3 frames, bytes):");
    System.out.print(top(allocBySite, 15, allocTotal, "B"));
    System.out.printf(
        Locale.ROOT,
        "%nGC: %d collections in the window, pauses %.1f ms in all (%.2f%% of the window),"
            + " longest %.1f ms%n",
        gcCount,
        gcPauseNanos / 1e6,
        100 * gcPauseNanos / 1e9 / seconds,
        gcLongestNanos / 1e6);
    System.out.printf(
        Locale.ROOT,
        "JIT: %d compilations in the window (%.0f ms of compile time), %d deoptimizations%n",
        compilations,
        compileNanos / 1e6,
        deopts);
    System.out.println("Compiled most often in the window (method, level):");
    System.out.print(top(compiled, 12, compilations, "x"));
    System.out.println("Deoptimized most often in the window:");
    System.out.print(top(deopt, 12, deopts, "x"));
    if (focus.length > 0) {
      System.out.println("\nSamples (all threads) whose stack names each:");
      System.out.print(top(focusTotal, focus.length, samples, "samples"));
      System.out.println("Allocated bytes whose stack names each:");
      System.out.print(top(focusAllocTotal, focus.length, allocTotal, "B"));
      System.out.println("\nStacks naming " + String.join(" or ", focus) + " (samples):");
      System.out.print(top(focusStacks, 6, samples, "samples"));
      System.out.println("Allocation stacks naming them (bytes):");
      System.out.print(top(focusAlloc, 6, allocTotal, "B"));
    }
  }

  /** Adds {@code w} under each of {@code focus} that a frame of the stack names. */
  static void countFocus(List<RecordedFrame> frames, String[] focus, Map<String, Long> m, long w) {
    for (String f : focus) {
      for (RecordedFrame fr : frames) {
        if (frame(fr).contains(f)) {
          add(m, f, w);
          break;
        }
      }
    }
  }

  /** The first 14 frames of a stack naming one of {@code focus}, one per line; else null. */
  static String focused(List<RecordedFrame> frames, String[] focus) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(14, frames.size()); i++) {
      s.append("\n      ").append(frame(frames.get(i)));
    }
    for (String f : focus) {
      if (s.indexOf(f) >= 0) {
        return s.toString();
      }
    }
    return null;
  }

  static <K> List<Map.Entry<K, Long>> sortByValue(Map<K, Long> m) {
    List<Map.Entry<K, Long>> l = new ArrayList<>(m.entrySet());
    l.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    return l;
  }
}
