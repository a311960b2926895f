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
  LEDGER_FULL
}
