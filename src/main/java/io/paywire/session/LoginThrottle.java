package io.paywire.session;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Bounds failed logins per client address: more than {@code maxFailures} within
 * {@code windowMillis} and every further login from that address fails the same way a wrong one
 * does, until old failures age out. Remembers at most {@code maxAddresses} addresses (the least
 * recently failing are forgotten first), so a flood of addresses cannot exhaust memory.
 * Thread-safe; one per node.
 */
public final class LoginThrottle {

  private final int maxFailures;
  private final long windowMillis;
  private final int maxAddresses;
  private final LongSupplier clock;
  private final Map<String, ArrayDeque<Long>> failures;

  public LoginThrottle(int maxFailures, long windowMillis, int maxAddresses, LongSupplier clock) {
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
    this.maxAddresses = maxAddresses;
    this.clock = clock;
    this.failures = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> eldest) {
        return size() > LoginThrottle.this.maxAddresses;
      }
    };
  }

  /** True while the address has used up its failed logins. */
  public synchronized boolean blocked(String address) {
    ArrayDeque<Long> times = failures.get(address);
    if (times == null) {
      return false;
    }
    long now = clock.getAsLong();
    while (!times.isEmpty() && now - times.peekFirst() >= windowMillis) {
      times.pollFirst();
    }
    return times.size() >= maxFailures;
  }

  public synchronized void failed(String address) {
    ArrayDeque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    times.addLast(clock.getAsLong());
    while (times.size() > maxFailures) {
      times.pollFirst();
    }
  }
}
