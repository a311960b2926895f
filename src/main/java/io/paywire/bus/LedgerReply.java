package io.paywire.bus;

/**
 * What the ledger said to one request, typed. Callers switch on three cases and never read reply
 * JSON by key name.
 *
 * <ul>
 *   <li>{@link Ok}: accepted or found.
 *   <li>{@link Rejected}: the ledger (or the bus, for an overloaded or malformed request) refused
 *       it; nothing was applied.
 *   <li>{@link Unknown}: no answer came (a timeout, no ledger reachable, a ledger that failed while
 *       writing). A write may or may not have been applied: retrying with the same id is safe and
 *       tells.
 * </ul>
 */
public sealed interface LedgerReply<T> {

  record Ok<T>(T value) implements LedgerReply<T> {}

  record Rejected<T>(String code, String reason) implements LedgerReply<T> {}

  record Unknown<T>(String reason) implements LedgerReply<T> {}

  /** The same refusal or unknown, for another value type; only for non-Ok replies. */
  @SuppressWarnings("unchecked")
  default <U> LedgerReply<U> cast() {
    if (this instanceof Ok<T>) {
      throw new IllegalStateException("an Ok reply carries a value of its own type");
    }
    return (LedgerReply<U>) this;
  }
}
