package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The aggregation of outsider-triggered log lines, on a clock the test moves. */
class LogRateTest {

  /** A logger that keeps what it is asked to log. */
  private static final class Lines implements System.Logger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= Level.INFO.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(format);
    }
  }

  private final Lines log = new Lines();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LogRate rate = new LogRate(log, now::get, 60_000);

  private void refuse(int times, String reason) {
    for (int i = 0; i < times; i++) {
      rate.log(
          Level.WARNING,
          "event=connection_refused reason=" + reason,
          "event=connection_refused reason=" + reason + " remote=127.0.0.1:" + (40_000 + i));
    }
  }

  @Test
  void logsTheFirstOfAKindThenCountsTheRestOfItsInterval() {
    refuse(50, "full");
    assertThat(log.lines)
        .containsExactly("event=connection_refused reason=full remote=127.0.0.1:40000");
  }

  @Test
  void theNextOccurrenceAfterTheIntervalTellsTheCountAndIsLogged() {
    refuse(50, "full");
    now.addAndGet(60_000);
    refuse(1, "full");
    assertThat(log.lines)
        .containsExactly(
            "event=connection_refused reason=full remote=127.0.0.1:40000",
            "event=connection_refused reason=full suppressed=49 intervalSeconds=60",
            "event=connection_refused reason=full remote=127.0.0.1:40000");
  }

  @Test
  void aFlushAfterTheIntervalTellsTheCountOnceAndAQuietKindStartsAfresh() {
    refuse(10, "full");
    now.addAndGet(59_999);
    rate.flush();
    assertThat(log.lines).hasSize(1);
    now.addAndGet(1);
    rate.flush();
    rate.flush();
    assertThat(log.lines)
        .containsExactly(
            "event=connection_refused reason=full remote=127.0.0.1:40000",
            "event=connection_refused reason=full suppressed=9 intervalSeconds=60");
    refuse(1, "full");
    assertThat(log.lines).hasSize(3);
  }

  @Test
  void kindsAreCountedApart() {
    refuse(5, "full");
    refuse(5, "per_address");
    assertThat(log.lines).hasSize(2);
  }

  @Test
  void linesBelowTheLoggersLevelAreNeitherLoggedNorCounted() {
    rate.log(Level.DEBUG, "event=x", "event=x detail=1");
    now.addAndGet(60_000);
    rate.flush();
    assertThat(log.lines).isEmpty();
  }

  @Test
  void manyThreadsLoseNoCount() throws Exception {
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> refuse(1_000, "full"));
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    now.addAndGet(60_000);
    rate.flush();
    assertThat(log.lines)
        .containsExactly(
            "event=connection_refused reason=full remote=127.0.0.1:40000",
            "event=connection_refused reason=full suppressed=3999 intervalSeconds=60");
  }
}
