package io.paywire.session;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A budget of {@code perWindow} events per key, refilled at {@code perWindow} per {@code
 * windowMillis} (one event every {@code windowMillis / perWindow}), for a bounded number of keys:
 * the one limiter behind every per-address and per-name limit of the session core (registrations,
 * login challenges, logins, failed logins). A key that used its whole budget at once waits one
 * refill interval for its next event.
 *
 * <p>Each key costs one {@code long}: the generic cell rate algorithm keeps the time at which the
 * key's budget would be whole again. A key whose budget is whole is forgotten, so the table holds
 * only keys that are using some of theirs. When {@code maxKeys} are in use, a new key is refused
 * ({@link Admission#FULL}) rather than evicting another: a client that cycles through many
 * addresses cannot reset anyone's limit, its own included. The table is swept for whole budgets at
 * most once per {@link #SWEEP_INTERVAL_MILLIS}, so a full table costs a refused key nothing.
 * Thread-safe; one per limit per node.
 */
public final class RateLimiter {

  /** Whether an event may happen now. */
  public enum Admission {
    ADMITTED,
    /** The key has used its budget for the window. */
    LIMITED,
    /** The key is new and the table is full of keys in use. */
    FULL
  }

  /** How often a full table is swept for keys whose budget is whole again. */
  static final long SWEEP_INTERVAL_MILLIS = 1_000;

  /** Times are kept in microseconds, so even a million events a minute have an interval. */
  private final long intervalMicros;

  private final long windowMicros;
  private final int maxKeys;
  private final LongSupplier clock;

  /** Per key: when its budget is whole again (the "theoretical arrival time"). */
  private final Map<String, Long> wholeAt = new HashMap<>();

  private long nextSweepMicros = Long.MIN_VALUE;

  /**
   * @param perWindow events a key may have within any window
   * @param windowMillis the window
   * @param maxKeys keys remembered at once; beyond, new keys are refused
   */
  public RateLimiter(int perWindow, long windowMillis, int maxKeys, LongSupplier clock) {
    if (perWindow < 1 || windowMillis * 1000 < perWindow || maxKeys < 1) {
      throw new IllegalArgumentException(
          "rate limits must be positive, and the window at least "
              + "a microsecond per event: "
              + perWindow
              + " per "
              + windowMillis
              + " ms, "
              + maxKeys
              + " keys");
    }
    this.intervalMicros = windowMillis * 1000 / perWindow;
    this.windowMicros = intervalMicros * perWindow;
    this.maxKeys = maxKeys;
    this.clock = clock;
  }

  /** Takes one event of {@code key}'s budget; nothing is taken unless admitted. */
  public synchronized Admission tryAcquire(String key) {
    long now = nowMicros();
    Long current = wholeAt.get(key);
    long start = current == null || current < now ? now : current;
    if (start + intervalMicros - now > windowMicros) {
      return Admission.LIMITED;
    }
    if (current == null && wholeAt.size() >= maxKeys && !sweep(now)) {
      return Admission.FULL;
    }
    wholeAt.put(key, start + intervalMicros);
    assert wholeAt.size() <= maxKeys : "the table outgrew its bound";
    return Admission.ADMITTED;
  }

  /** Whether {@code key} could take an event now, without taking it. */
  public synchronized boolean wouldAdmit(String key) {
    long now = nowMicros();
    Long current = wholeAt.get(key);
    if (current == null) {
      return wholeAt.size() < maxKeys || nextSweepMicros <= now;
    }
    return Math.max(current, now) + intervalMicros - now <= windowMicros;
  }

  /** Gives back one event taken by {@link #tryAcquire} (e.g. a login that succeeded). */
  public synchronized void refund(String key) {
    Long current = wholeAt.get(key);
    if (current == null) {
      return;
    }
    long back = current - intervalMicros;
    if (back <= nowMicros()) {
      wholeAt.remove(key);
    } else {
      wholeAt.put(key, back);
    }
  }

  /** Milliseconds until {@code key} may take an event again; 0 when it may now. */
  public synchronized long retryAfterMillis(String key) {
    long now = nowMicros();
    Long current = wholeAt.get(key);
    if (current == null) {
      return wholeAt.size() < maxKeys ? 0 : SWEEP_INTERVAL_MILLIS;
    }
    return (Math.max(0, current + intervalMicros - windowMicros - now) + 999) / 1000;
  }

  private long nowMicros() {
    return Math.multiplyExact(clock.getAsLong(), 1000L);
  }

  /** Keys remembered now (for tests and metrics). */
  public synchronized int size() {
    return wholeAt.size();
  }

  /** Forgets keys whose budget is whole; true if that made room. At most once an interval. */
  private boolean sweep(long now) {
    if (now < nextSweepMicros) {
      return false;
    }
    nextSweepMicros = now + SWEEP_INTERVAL_MILLIS * 1000;
    for (Iterator<Long> it = wholeAt.values().iterator(); it.hasNext(); ) {
      if (it.next() <= now) {
        it.remove();
      }
    }
    return wholeAt.size() < maxKeys;
  }
}
