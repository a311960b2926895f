package io.paywire.session;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerViews;
import io.paywire.ledger.TransferView;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Every payment the ledger applies, as the session core learns of it: published (not sent) on
 * {@link #ADDRESS} with a JSON body, so every consumer on every node of a cluster hears it. The
 * session core publishes once per applied transfer, in {@code Session}, whatever entry point the
 * payment came through; a duplicate (a retry of an id applied before) moved nothing and is not
 * published again. Registration deposits are not payments and are not published.
 */
public final class TransferEvents {

  /**
   * Published after each applied payment: {@code {"transfer": <transfer>, "payerBalance": n}},
   * the transfer in the ledger's shape (docs/event-bus.md).
   */
  public static final String ADDRESS = "paywire.transfers.events";

  private TransferEvents() {}

  /**
   * One applied payment.
   *
   * @param payerBalance the payer's balance right after it
   */
  public record Event(LedgerViews.Transfer transfer, long payerBalance) {

    public JsonObject toJson() {
      LedgerViews.Transfer t = transfer;
      return new JsonObject()
          .put("transfer", LedgerApi.transfer(new TransferView(t.sequence(), t.id(), t.payer(),
              t.payee(), t.amount(), t.timeMillis())))
          .put("payerBalance", payerBalance);
    }

    public static Event fromJson(JsonObject json) {
      return new Event(LedgerViews.Transfer.from(json.getJsonObject("transfer")),
          json.getLong("payerBalance"));
    }
  }

  /** Publishes an applied payment; nothing for a duplicate, which moved nothing. */
  static void publish(EventBus bus, Payment.Paid paid) {
    if (!paid.duplicate()) {
      bus.publish(ADDRESS, new Event(paid.transfer(), paid.payerBalance()).toJson());
    }
  }
}
