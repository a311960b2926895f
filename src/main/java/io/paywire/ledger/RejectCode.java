package io.paywire.ledger;

/**
 * Why the ledger refused a command. Each code is stable: clients and the event bus use the name.
 */
public enum RejectCode {
  UNKNOWN_ACCOUNT,
  INSUFFICIENT_FUNDS,
  SELF_TRANSFER,
  AMOUNT_NOT_POSITIVE,
  AMOUNT_ABOVE_MAXIMUM,
  ID_REUSED,
  NAME_TAKEN,
  BAD_NAME,
  DEPOSIT_OUT_OF_RANGE,
  BAD_PUBLIC_KEY,
  /** The key already belongs to another account: a key's fingerprint is an address. */
  KEY_TAKEN,
  /** Issuing the deposit would overflow the issuer's 64-bit balance. */
  SUPPLY_EXHAUSTED,
  /** A field is longer than the journal's record format holds (a signature over 1,024 bytes). */
  MALFORMED,
  /** The ledger holds as many transfers as its tables can index. */
  LEDGER_FULL,

  // ---- Gradecoin networks (Command.PoolTransaction, Command.MineBlock) ----

  /** A Gradecoin command sent to a ledger without Gradecoin rules. */
  NOT_GRADECOIN,
  /** The source of a transaction is a bot (a keyless account): bots do not send. */
  BOT_SOURCE,
  /** The source's balance is below the gas fee. */
  GAS_UNAFFORDABLE,
  /** The target of a transaction is no account (the source's absence is UNKNOWN_ACCOUNT). */
  UNKNOWN_TARGET,
  /** The source already has a pending transaction to this target. */
  PENDING_PAIR,
  /** The amount lies outside the network's [txLowerLimit, txUpperLimit]. */
  AMOUNT_OUT_OF_BOUNDS,
  /** A block holds fewer transactions than blockTransactionCount. */
  BLOCK_TOO_SMALL,
  /** A block's first transaction is not pending (also: a block already mined). */
  FIRST_NOT_PENDING,
  /** A block names one transaction twice. */
  DUPLICATE_TRANSACTION,
  /** A block names a transaction that is not pending. */
  UNKNOWN_TRANSACTION
}
