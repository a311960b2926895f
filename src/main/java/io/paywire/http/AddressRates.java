package io.paywire.http;

import io.paywire.session.ClientAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requests per client address per minute, for one kind of request (register, challenge, login):
 * a fixed one-minute window per address (IPv6 counted by /64). At most {@code maxAddresses} are
 * remembered; the least recently seen are forgotten first, so a flood of addresses costs bounded
 * memory. Thread-safe; one per kind per node.
 */
final class AddressRates {

  static final long WINDOW_MILLIS = 60_000;

  private static final class Window {
    long startMillis;
    int count;
  }

  private final int perMinute;
  private final LongSupplier clock;
  private final Map<String, Window> windows;

  AddressRates(int perMinute, int maxAddresses, LongSupplier clock) {
    this.perMinute = perMinute;
    this.clock = clock;
    this.windows = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
        return size() > maxAddresses;
      }
    };
  }

  /** Counts a request from {@code ip}; false when its address is over the rate. */
  synchronized boolean tryAcquire(String ip) {
    long now = clock.getAsLong();
    Window window = windows.computeIfAbsent(ClientAddress.key(ip), k -> new Window());
    if (now - window.startMillis >= WINDOW_MILLIS) {
      window.startMillis = now;
      window.count = 0;
    }
    if (window.count >= perMinute) {
      return false;
    }
    window.count++;
    return true;
  }

  /** Seconds until {@code ip}'s window ends, for a Retry-After header. */
  synchronized long retryAfterSeconds(String ip) {
    Window window = windows.get(ClientAddress.key(ip));
    long left = window == null ? 0 : WINDOW_MILLIS - (clock.getAsLong() - window.startMillis);
    return Math.max(1, (left + 999) / 1000);
  }
}
