package io.paywire.ledger;

/**
 * The rules of a Gradecoin network's ledger (its {@code config.yaml}, less what the HTTPS listener
 * checks itself: hash zeros, register bonus, bots). Like {@link LedgerRules} they are checked when
 * a command is first executed, never at replay: what a pool transaction or a block moved is in its
 * journal record (the gas fee, the block and traffic rewards applied), so a changed configuration
 * never rewrites history.
 *
 * @param blockTransactionCount fewest transactions a block must hold (Gradecoin's
 *     block_transaction_count); a block may hold more, up to {@link #MAX_BLOCK_TRANSACTIONS}
 * @param txLowerLimit smallest amount of a transaction, at least 1
 * @param txUpperLimit largest amount of a transaction
 * @param txGasFee what the source pays the issuer for a transaction accepted into the pool
 * @param blockReward what the issuer pays the proposer of an accepted block
 * @param txTrafficReward the part of each mined transaction's amount the issuer pays instead of the
 *     source
 */
public record GradecoinRules(
    int blockTransactionCount,
    long txLowerLimit,
    long txUpperLimit,
    long txGasFee,
    long blockReward,
    long txTrafficReward) {

  /**
   * Most transactions one block may hold: bounds a block's journal record ({@link
   * LedgerOptions#MAX_RECORD_BYTES}) and the work of applying it.
   */
  public static final int MAX_BLOCK_TRANSACTIONS = 1_000;

  public GradecoinRules {
    require(
        blockTransactionCount >= 1 && blockTransactionCount <= MAX_BLOCK_TRANSACTIONS,
        "blockTransactionCount must be 1 to " + MAX_BLOCK_TRANSACTIONS);
    require(txLowerLimit >= 1, "txLowerLimit must be at least 1");
    require(txUpperLimit >= txLowerLimit, "txUpperLimit must not be below txLowerLimit");
    require(txGasFee >= 0, "txGasFee must be 0 or more");
    require(blockReward >= 0, "blockReward must be 0 or more");
    require(txTrafficReward >= 0, "txTrafficReward must be 0 or more");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
