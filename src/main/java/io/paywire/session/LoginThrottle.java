package io.paywire.session;

import io.paywire.ledger.AccountName;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Bounds failed logins. Two limits, each over a sliding {@code windowMillis}: per client address
 * and account name ({@code maxPerAddressAndName}), so one user's typos or a guesser aimed at one
 * account do not lock out everyone else behind the same address (a classroom behind one NAT);
 * and a higher one per address alone ({@code maxPerAddress}), which bounds guessing across many
 * names. Past either, every further login of that kind fails the same way a wrong one does,
 * until old failures age out.
 *
 * <p>Remembers at most {@code maxTracked} keys of each kind (the least recently failing are
 * forgotten first), so a flood of addresses or names cannot exhaust memory. Thread-safe; one
 * per node.
 */
public final class LoginThrottle {

  private final Window perAddressAndName;
  private final Window perAddress;
  private final LongSupplier clock;

  public LoginThrottle(int maxPerAddressAndName, int maxPerAddress, long windowMillis,
      int maxTracked, LongSupplier clock) {
    if (maxPerAddressAndName < 1 || maxPerAddress < 1 || windowMillis < 1 || maxTracked < 1) {
      throw new IllegalArgumentException("login throttle limits must be positive");
    }
    this.perAddressAndName = new Window(maxPerAddressAndName, windowMillis, maxTracked);
    this.perAddress = new Window(maxPerAddress, windowMillis, maxTracked);
    this.clock = clock;
  }

  /**
   * Takes one attempt for a login to {@code name} from {@code address}, counted as a failure
   * from now on: false (and nothing taken) while either limit is used up. Checking and counting
   * in one step means logins sent at once on many connections cannot all pass the check before
   * any failure is counted. A login that succeeds gives its attempt back with {@link #refund}.
   */
  public synchronized boolean tryAttempt(String address, String name) {
    long now = clock.getAsLong();
    String pair = key(address, name);
    if (perAddress.full(address, now) || perAddressAndName.full(pair, now)) {
      return false;
    }
    perAddress.add(address, now);
    perAddressAndName.add(pair, now);
    return true;
  }

  /** Gives back the attempt of a login that succeeded. */
  public synchronized void refund(String address, String name) {
    perAddress.removeNewest(address);
    perAddressAndName.removeNewest(key(address, name));
  }

  private static String key(String address, String name) {
    return address + '\n' + AccountName.key(name);
  }

  /** Failure times per key within the window, least recently failing key first. */
  private static final class Window {
    private final int max;
    private final long windowMillis;
    private final Map<String, ArrayDeque<Long>> failures;

    Window(int max, long windowMillis, int maxTracked) {
      this.max = max;
      this.windowMillis = windowMillis;
      this.failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> eldest) {
          return size() > maxTracked;
        }
      };
    }

    boolean full(String key, long now) {
      ArrayDeque<Long> times = failures.get(key);
      if (times == null) {
        return false;
      }
      while (!times.isEmpty() && now - times.peekFirst() >= windowMillis) {
        times.pollFirst();
      }
      return times.size() >= max;
    }

    void removeNewest(String key) {
      ArrayDeque<Long> times = failures.get(key);
      if (times != null) {
        times.pollLast();
      }
    }

    void add(String key, long now) {
      ArrayDeque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
      times.addLast(now);
      while (times.size() > max) {
        times.pollFirst();
      }
    }
  }
}
