package io.paywire.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock moved forward by what a test asks: time a test would otherwise wait for (a
 * token's expiry, a grace period) passes at once, while everything else keeps going as usual.
 * Thread-safe.
 */
public final class MovableClock extends Clock {

  private final AtomicLong aheadMillis = new AtomicLong();

  /** Moves the clock forward by {@code by}. */
  public void advance(Duration by) {
    aheadMillis.addAndGet(by.toMillis());
  }

  @Override
  public Instant instant() {
    return Instant.now().plusMillis(aheadMillis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock stays in UTC");
  }
}
