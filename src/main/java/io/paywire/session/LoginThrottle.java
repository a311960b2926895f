package io.paywire.session;

import io.paywire.ledger.AccountName;
import java.util.function.LongSupplier;

/**
 * Bounds failed logins. Two budgets, each refilled over {@code windowMillis}: per client address
 * and account name ({@code maxPerAddressAndName}), so one user's typos or a guesser aimed at one
 * account do not lock out everyone else behind the same address (a classroom behind one NAT); and a
 * higher one per address alone ({@code maxPerAddress}), which bounds guessing across many names.
 * Past either, every further login of that kind fails the same way a wrong one does, until the
 * budget refills.
 *
 * <p>Remembers at most {@code maxTracked} keys of each kind ({@link RateLimiter}); when that many
 * are in use, logins from new addresses or names are refused like throttled ones until some budget
 * is whole again, so a flood of addresses can neither exhaust memory nor reset anyone's limit.
 * Thread-safe; one per node.
 */
public final class LoginThrottle {

  private final RateLimiter perAddressAndName;
  private final RateLimiter perAddress;

  public LoginThrottle(
      int maxPerAddressAndName,
      int maxPerAddress,
      long windowMillis,
      int maxTracked,
      LongSupplier clock) {
    if (maxPerAddressAndName < 1 || maxPerAddress < 1 || windowMillis < 1 || maxTracked < 1) {
      throw new IllegalArgumentException("login throttle limits must be positive");
    }
    this.perAddressAndName = new RateLimiter(maxPerAddressAndName, windowMillis, maxTracked, clock);
    this.perAddress = new RateLimiter(maxPerAddress, windowMillis, maxTracked, clock);
  }

  /**
   * Takes one attempt for a login to {@code name} from {@code address}, counted as a failure from
   * now on: false (and nothing taken) while either budget is used up. Checking and counting in one
   * step means logins sent at once on many connections cannot all pass the check before any failure
   * is counted. A login that succeeds gives its attempt back with {@link #refund}.
   */
  public synchronized boolean tryAttempt(String address, String name) {
    String pair = key(address, name);
    if (!perAddress.wouldAdmit(address)) {
      return false;
    }
    if (perAddressAndName.tryAcquire(pair) != RateLimiter.Admission.ADMITTED) {
      return false;
    }
    if (perAddress.tryAcquire(address) != RateLimiter.Admission.ADMITTED) {
      perAddressAndName.refund(pair);
      return false;
    }
    return true;
  }

  /** Gives back the attempt of a login that succeeded. */
  public synchronized void refund(String address, String name) {
    perAddress.refund(address);
    perAddressAndName.refund(key(address, name));
  }

  private static String key(String address, String name) {
    return address + '\n' + AccountName.key(name);
  }
}
