package io.paywire.bus;

import io.paywire.ledger.TransferView;
import io.vertx.core.json.JsonObject;

/**
 * Every payment the ledger applies, published (not sent) on {@link #ADDRESS} by the ledger
 * itself once the payment is durable, so every consumer on every node of a cluster hears it,
 * whichever entry point the payment came through and whether or not its requester heard the
 * reply (a payment whose outcome was unknown to its requester is announced all the same). A
 * duplicate (a retry of an id applied before) moved nothing and is not published again.
 * Registration deposits are not payments and are not published. Events leave in the order the
 * ledger applied the payments.
 */
public final class TransferEvents {

  /**
   * Published after each applied payment:
   * {@code {"transfer": <transfer>, "payerBalance": n, "payeeBalance": n}}, the transfer in the
   * ledger's shape (docs/event-bus.md).
   */
  public static final String ADDRESS = "paywire.transfers.events";

  private TransferEvents() {}

  /**
   * One applied payment.
   *
   * @param payerBalance the payer's balance right after it
   * @param payeeBalance the payee's balance right after it
   */
  public record Event(LedgerViews.Transfer transfer, long payerBalance, long payeeBalance) {

    /** The event of a payment the ledger just applied. */
    public static JsonObject of(TransferView t, long payerBalance, long payeeBalance) {
      return new JsonObject().put("transfer", LedgerApi.transfer(t))
          .put("payerBalance", payerBalance).put("payeeBalance", payeeBalance);
    }

    public static Event fromJson(JsonObject json) {
      return new Event(LedgerViews.Transfer.from(json.getJsonObject("transfer")),
          json.getLong("payerBalance"), json.getLong("payeeBalance"));
    }
  }
}
