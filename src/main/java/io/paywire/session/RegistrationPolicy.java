package io.paywire.session;

/**
 * Who may open an account and with what opening balance, the same on every entry point
 * (docs/security.md, "Registration").
 *
 * @param enrollment who may register (an enrollment file), or null for anyone; with enrollment,
 *     only entry points that carry the enrollment password (the HTTPS API and the browser console)
 *     can register, and the others answer {@link Refusal#ENROLLMENT_REQUIRED}
 * @param deposits how the opening balance is chosen
 * @param openingDepositMinor the opening balance under {@link Deposits#FIXED}, and under {@link
 *     Deposits#STATED} when the client states none (ledger.defaultDepositMinor)
 */
public record RegistrationPolicy(
    Enrollment enrollment, Deposits deposits, long openingDepositMinor) {

  /** How a new account's opening balance is chosen (session.openingDeposit). */
  public enum Deposits {
    /**
     * Every account opens with {@code openingDepositMinor}, whatever the client states: nobody
     * mints money by registering. The default.
     */
    FIXED,
    /**
     * As the client states, up to ledger.maxDepositMinor (the original course program's behaviour,
     * for a classroom where balances are play money).
     */
    STATED
  }

  public RegistrationPolicy {
    if (deposits == null || openingDepositMinor < 1) {
      throw new IllegalArgumentException("a deposit policy and a positive opening deposit");
    }
  }

  /** The deposit to open an account with, given what the client stated (null: none). */
  public long depositFor(Long stated) {
    return deposits == Deposits.STATED && stated != null ? stated : openingDepositMinor;
  }
}
