package io.paywire.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every log record of this JVM (System.Logger, Vert.x and Netty all end in java.util.logging) from
 * creation to close, formatted as the node would print its message.
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private static final SimpleFormatter FORMAT = new SimpleFormatter();
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger root = Logger.getLogger("");

  public LogCapture() {
    setLevel(Level.ALL);
    root.addHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  /** The messages at {@code level} or above, formatted, with any thrown exception's class. */
  public List<String> lines(Level level) {
    return records.stream()
        .filter(r -> r.getLevel().intValue() >= level.intValue())
        .map(
            r ->
                FORMAT.formatMessage(r)
                    + (r.getThrown() == null
                        ? ""
                        : " thrown=" + r.getThrown().getClass().getName()))
        .toList();
  }

  /** Whether any record carries a stack trace. */
  public boolean anyThrown() {
    return records.stream().anyMatch(r -> r.getThrown() != null);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    root.removeHandler(this);
  }
}
