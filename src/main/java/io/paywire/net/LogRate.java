package io.paywire.net;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Log lines an outsider can cause at will (a refused connection, a refused handshake, a refused
 * forward), aggregated so that a flood cannot flood the log (issue 21, finding 9): the first
 * occurrence of a kind is logged as it is, the rest of its interval only counted, and once the
 * interval has passed one line says how many were suppressed: {@code event=connection_refused
 * reason=... suppressed=N intervalSeconds=S}. The count is told by the next occurrence after the
 * interval or by {@link #flushAll} (the node calls it once per interval), whichever comes first.
 * Thread-safe; kinds are the caller's constants, bounded.
 */
public final class LogRate {

  /** The default of {@code node.logSummaryIntervalSeconds}. */
  public static final int DEFAULT_INTERVAL_SECONDS = 60;

  /** Kinds beyond this many (a bug: kinds are constants) are logged without aggregation. */
  static final int MAX_KINDS = 1_024;

  /** The node-wide interval, set once at start from the configuration. */
  private static volatile long nodeIntervalMillis = DEFAULT_INTERVAL_SECONDS * 1000L;

  private static final List<LogRate> NODE_WIDE = new CopyOnWriteArrayList<>();

  private final System.Logger log;
  private final LongSupplier clockMillis;
  private final LongSupplier intervalMillis;
  private final Map<String, Window> windows = new HashMap<>();

  /** One kind's current interval. */
  private static final class Window {
    long startMillis;
    long suppressed;
    Level level;
  }

  /** For tests: a clock and an interval of one's own. */
  public LogRate(System.Logger log, LongSupplier clockMillis, long intervalMillis) {
    this(log, clockMillis, () -> intervalMillis);
  }

  private LogRate(System.Logger log, LongSupplier clockMillis, LongSupplier intervalMillis) {
    this.log = log;
    this.clockMillis = clockMillis;
    this.intervalMillis = intervalMillis;
  }

  /** A rate on the wall clock with the node-wide interval, flushed by {@link #flushAll}. */
  public static LogRate nodeWide(System.Logger log) {
    LogRate rate = new LogRate(log, System::currentTimeMillis, () -> nodeIntervalMillis);
    NODE_WIDE.add(rate);
    return rate;
  }

  /**
   * A node starts: sets the node-wide interval ({@code node.logSummaryIntervalSeconds}) and forgets
   * every kind seen so far, so that the first of each is logged again.
   */
  public static void nodeStarting(int intervalSeconds) {
    if (intervalSeconds < 1) {
      throw new IllegalArgumentException("intervalSeconds must be at least 1: " + intervalSeconds);
    }
    nodeIntervalMillis = intervalSeconds * 1000L;
    NODE_WIDE.forEach(LogRate::forget);
  }

  private synchronized void forget() {
    windows.clear();
  }

  /** Tells the counts of every node-wide rate whose interval has passed. */
  public static void flushAll() {
    NODE_WIDE.forEach(LogRate::flush);
  }

  /**
   * Logs {@code line} if it is the first of {@code kind} in its interval, else counts it.
   *
   * @param kind the aggregation key, as it starts the summary line: {@code event=... reason=...}
   * @param line the whole line, {@code kind} plus whatever details this occurrence has
   */
  public void log(Level level, String kind, String line) {
    if (!log.isLoggable(level)) {
      return;
    }
    long now = clockMillis.getAsLong();
    String summary = null;
    synchronized (this) {
      Window window = windows.get(kind);
      if (window == null && windows.size() >= MAX_KINDS) {
        window = null; // fall through: logged as it is
      } else if (window == null) {
        window = new Window();
        window.startMillis = now;
        window.level = level;
        windows.put(kind, window);
      } else if (now - window.startMillis < intervalMillis.getAsLong()) {
        window.suppressed++;
        return;
      } else {
        summary = summary(kind, window);
        window.startMillis = now;
        window.suppressed = 0;
      }
    }
    if (summary != null) {
      log.log(level, summary);
    }
    log.log(level, line);
  }

  /** Tells the counts of kinds whose interval has passed, and forgets kinds that went quiet. */
  public void flush() {
    long now = clockMillis.getAsLong();
    long interval = intervalMillis.getAsLong();
    List<Map.Entry<Level, String>> lines = new ArrayList<>();
    synchronized (this) {
      windows
          .entrySet()
          .removeIf(
              entry -> {
                Window window = entry.getValue();
                if (now - window.startMillis < interval) {
                  return false;
                }
                if (window.suppressed > 0) {
                  lines.add(Map.entry(window.level, summary(entry.getKey(), window)));
                }
                // Quiet for a whole interval: the next occurrence is a first again.
                return true;
              });
    }
    lines.forEach(l -> log.log(l.getKey(), l.getValue()));
  }

  private String summary(String kind, Window window) {
    return kind
        + " suppressed="
        + window.suppressed
        + " intervalSeconds="
        + intervalMillis.getAsLong() / 1000;
  }
}
