package io.paywire.net;

/**
 * A token bucket for one connection's commands: up to {@code perSecond} at once, refilled at
 * {@code perSecond} a second. Used from the connection's event loop only.
 */
public final class CommandRate {
  private final int perSecond;
  private double tokens;
  private long lastNanos;

  public CommandRate(int perSecond, long nowNanos) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.lastNanos = nowNanos;
  }

  public boolean tryTake(long nowNanos) {
    tokens = Math.min(perSecond, tokens + (nowNanos - lastNanos) * perSecond / 1e9);
    lastNanos = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
