package io.paywire.server;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value computed again only once it is older than a bound, so that readers close together (the
 * gauges of one {@code /metrics} scrape) share one computation. Thread-safe; two readers racing
 * past the bound may both compute, and either result is kept.
 */
final class RecentValue<T> implements Supplier<T> {

  private record Taken<T>(long atNanos, T value) {}

  private final Supplier<T> compute;
  private final long boundNanos;
  private final LongSupplier nanoTime;
  private final AtomicReference<Taken<T>> taken = new AtomicReference<>();

  /**
   * @param boundNanos how long a computed value serves, from when it was computed
   * @param nanoTime the clock ({@link System#nanoTime} but in tests)
   */
  RecentValue(Supplier<T> compute, long boundNanos, LongSupplier nanoTime) {
    this.compute = compute;
    this.boundNanos = boundNanos;
    this.nanoTime = nanoTime;
  }

  @Override
  public T get() {
    long now = nanoTime.getAsLong();
    Taken<T> last = taken.get();
    if (last == null || now - last.atNanos() >= boundNanos) {
      last = new Taken<>(now, compute.get());
      taken.set(last);
    }
    return last.value();
  }
}
