package io.paywire.ledger;

/**
 * The ledger failed closed: a batch could not be applied, checked or made durable. Nothing of that
 * batch may be acknowledged, and the ledger takes no further batch until it is reopened.
 */
public final class LedgerFailedException extends IllegalStateException {
  public LedgerFailedException(String message) {
    super(message);
  }

  public LedgerFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
