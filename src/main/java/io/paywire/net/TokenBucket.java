package io.paywire.net;

/**
 * One connection's command rate: up to {@code burst} commands at once, refilled at {@code
 * perSecond}. A listener that finds it empty stops reading until {@link #nanosUntilToken} has
 * passed, so a fast client is paced rather than refused. Used from the connection's event loop
 * only; time is passed in, so tests control it.
 */
public final class TokenBucket {

  private final double perNano;
  private final int burst;
  private double tokens;
  private long lastNanos;

  public TokenBucket(int perSecond, int burst, long nowNanos) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("rate and burst must be at least 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  public boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** How long until one token is there (0 if one is). */
  public long nanosUntilToken(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
  }

  private void refill(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
    lastNanos = nowNanos;
  }
}
