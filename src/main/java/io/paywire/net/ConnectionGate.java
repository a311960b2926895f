package io.paywire.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections across all instances of a listener, so the limit holds per node and a
 * connection over it is refused at once instead of waiting for a slot.
 */
public final class ConnectionGate {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionGate(int max) {
    this.max = max;
  }

  /** Takes a slot; false (and nothing taken) when all are in use. */
  public boolean tryEnter() {
    while (true) {
      int current = open.get();
      if (current >= max) {
        return false;
      }
      if (open.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void leave() {
    int after = open.decrementAndGet();
    assert after >= 0 : "more leaves than entries";
  }
}
