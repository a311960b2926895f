package io.paywire.net;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections across all instances of the node's line listeners, per node and per
 * client address, so each limit holds per node and a connection over one is refused at once instead
 * of waiting for a slot.
 */
public final class ConnectionGate {

  /** Whether a connection may stay, and if not, which limit it met. */
  public enum Admission {
    ADMITTED,
    NODE_FULL,
    ADDRESS_FULL
  }

  private final int max;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();

  /** Open connections per address; an address leaves the map with its last connection. */
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  public ConnectionGate(int max, int maxPerAddress) {
    if (max < 1 || maxPerAddress < 1) {
      throw new IllegalArgumentException("limits must be positive: " + max + ", " + maxPerAddress);
    }
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Takes a slot for a connection from {@code address}; nothing is taken unless admitted. Every
   * admitted connection calls {@link #leave} once with the same address.
   */
  public Admission tryEnter(String address) {
    if (!takeNodeSlot()) {
      return Admission.NODE_FULL;
    }
    boolean[] admitted = {false};
    perAddress.compute(
        address,
        (a, count) -> {
          int current = count == null ? 0 : count;
          if (current >= maxPerAddress) {
            return count;
          }
          admitted[0] = true;
          return current + 1;
        });
    if (!admitted[0]) {
      open.decrementAndGet();
      return Admission.ADDRESS_FULL;
    }
    return Admission.ADMITTED;
  }

  public void leave(String address) {
    perAddress.compute(
        address,
        (a, count) -> {
          if (count == null) {
            throw new IllegalStateException("a connection from " + a + " left without entering");
          }
          return count == 1 ? null : count - 1;
        });
    if (open.decrementAndGet() < 0) {
      throw new IllegalStateException("more connections left than entered");
    }
  }

  private boolean takeNodeSlot() {
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
}
