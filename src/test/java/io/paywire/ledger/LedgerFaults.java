package io.paywire.ledger;

/**
 * Faults injected into a real ledger, for tests outside this package (the node's) that must see the
 * ledger fail closed. Test code only: the seams it reaches are package-private.
 */
public final class LedgerFaults {

  /** The rows the transfer columns start with; growing past them is what the seam refuses. */
  public static final int INITIAL_TRANSFER_ROWS = TransferTable.INITIAL_CAPACITY;

  private LedgerFaults() {}

  /** Any apply that would grow the transfer columns past {@code rows} fails as if out of memory. */
  public static Ledger refuseColumnGrowthPast(Ledger ledger, int rows) {
    ledger.limitTransferColumns(rows);
    return ledger;
  }
}
