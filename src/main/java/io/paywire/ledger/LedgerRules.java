package io.paywire.ledger;

/**
 * The configurable rules a new command must pass. They are checked when a command is first
 * executed, never at replay: a journal written under looser rules must still recover after the
 * rules are tightened.
 *
 * @param maxDepositMinor largest initial deposit, in minor units
 * @param maxTransferMinor largest single transfer, in minor units
 */
public record LedgerRules(long maxDepositMinor, long maxTransferMinor) {

  public static final LedgerRules DEFAULTS = new LedgerRules(1_000_000_000L, 1_000_000_000L);

  public LedgerRules {
    if (maxDepositMinor < 1) {
      throw new IllegalArgumentException("maxDepositMinor must be at least 1");
    }
    if (maxTransferMinor < 1) {
      throw new IllegalArgumentException("maxTransferMinor must be at least 1");
    }
  }
}
