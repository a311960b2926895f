package io.paywire.session;

import io.paywire.bus.LedgerViews;
import io.paywire.ledger.TransferId;

/**
 * The answer to a payment. Every case names the transfer id, so a client can always retry or look
 * the transfer up.
 */
public sealed interface Payment {

  TransferId id();

  /**
   * Applied and durable.
   *
   * @param duplicate the id had been applied before with the same content: nothing moved now
   */
  record Paid(TransferId id, LedgerViews.Transfer transfer, long payerBalance, boolean duplicate)
      implements Payment {}

  /** Not applied. */
  record Refused(TransferId id, Refusal refusal) implements Payment {}

  /**
   * The node does not know whether it was applied (no answer from the ledger in time). Retrying
   * with the same id is safe: it is applied at most once.
   */
  record Unknown(TransferId id, String reason) implements Payment {}
}
