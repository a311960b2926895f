package io.paywire.ledger;

/**
 * The configurable rules a new command must pass. They are checked when a command is first
 * executed, never at replay: a journal written under looser rules must still recover after the
 * rules are tightened.
 *
 * @param maxDepositMinor largest initial deposit, in minor units
 * @param maxTransferMinor largest single transfer, in minor units
 * @param maxNameLength longest account name, in characters: {@value AccountName#MAX_LENGTH} on the
 *     main ledger, 64 on a Gradecoin network (a name is a hex SHA-256 fingerprint there)
 * @param distinctNames whether a new name may neither contain another account's name nor be part of
 *     one, case aside ({@code bob} and {@code bobby}): a course network's, whose students' clients
 *     find a payee's row in the list's text with C's {@code strstr()} (docs/dialects.md)
 */
public record LedgerRules(
    long maxDepositMinor, long maxTransferMinor, int maxNameLength, boolean distinctNames) {

  /** The longest name the journal's and the snapshot's formats hold (one length byte). */
  public static final int MAX_NAME_LENGTH = 255;

  public static final LedgerRules DEFAULTS = new LedgerRules(1_000_000_000L, 1_000_000_000L);

  public LedgerRules {
    if (maxDepositMinor < 1) {
      throw new IllegalArgumentException("maxDepositMinor must be at least 1");
    }
    if (maxTransferMinor < 1) {
      throw new IllegalArgumentException("maxTransferMinor must be at least 1");
    }
    if (maxNameLength < 1 || maxNameLength > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("maxNameLength must be 1 to " + MAX_NAME_LENGTH);
    }
  }

  /** Rules under which names need only differ (every ledger but a course network's). */
  public LedgerRules(long maxDepositMinor, long maxTransferMinor, int maxNameLength) {
    this(maxDepositMinor, maxTransferMinor, maxNameLength, false);
  }

  /** The same rules, with names that may not contain one another. */
  public LedgerRules withDistinctNames() {
    return new LedgerRules(maxDepositMinor, maxTransferMinor, maxNameLength, true);
  }

  /** Rules with names of at most {@value AccountName#MAX_LENGTH} characters. */
  public LedgerRules(long maxDepositMinor, long maxTransferMinor) {
    this(maxDepositMinor, maxTransferMinor, AccountName.MAX_LENGTH);
  }
}
