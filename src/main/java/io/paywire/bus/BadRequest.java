package io.paywire.bus;

/** A request body the ledger cannot read; answered with {@link LedgerApi#FAILURE_BAD_REQUEST}. */
final class BadRequest extends RuntimeException {
  BadRequest(String message) {
    super(message, null, false, false);
  }
}
