package io.paywire.bus;

import io.paywire.ledger.TransferView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Every payment the ledger applies, published (not sent) on {@link #ADDRESS} by the ledger itself
 * once the payment is durable, one message per durable batch holding the batch's payments in order
 * (so a cluster member's bus carries one message per batch, not one per payment), and every
 * consumer on every node of a cluster hears it, whichever entry point the payment came through and
 * whether or not its requester heard the reply (a payment whose outcome was unknown to its
 * requester is announced all the same). A duplicate (a retry of an id applied before) moved nothing
 * and is not published again. Registration deposits are not payments and are not published. Events
 * leave in the order the ledger applied the payments.
 */
public final class TransferEvents {

  /**
   * Published after each durable batch that applied payments, once its requesters have their
   * replies: {@code {"events": [<event>, ...]}}, each event {@code {"transfer": <transfer>,
   * "payerBalance": n, "payeeBalance": n}}, the transfer in the ledger's shape (docs/event-bus.md),
   * in the order the ledger applied them.
   */
  public static final String ADDRESS = "paywire.transfers.events";

  private TransferEvents() {}

  /** The body that announces {@code events} (not empty), in the order given. */
  public static JsonObject batch(List<JsonObject> events) {
    return new JsonObject().put("events", new JsonArray(events));
  }

  /**
   * What the ledger publishes: the {@link #batch} body of {@code events}, in a wrapper whose codec
   * ({@link BatchCodecs}) hands every local consumer that body as it is and encodes it once for all
   * the remote members of a cluster. Consumers receive the {@link JsonObject} body.
   */
  public static Published publication(List<JsonObject> events) {
    return new Published(batch(events));
  }

  /**
   * A {@link #batch} body being published. Its consumers receive {@link #body} itself, shared, and
   * must only read it; the sender never touches it after publishing. On a clustered bus its JSON
   * form is encoded once, on the first remote member's turn, and copied to the others.
   */
  public static final class Published {
    private final JsonObject body;
    private volatile byte[] json;

    Published(JsonObject body) {
      this.body = body;
    }

    /** The body every consumer receives. */
    public JsonObject body() {
      return body;
    }

    /** The body's JSON form (UTF-8), encoded on the first call. */
    byte[] json() {
      byte[] encoded = json;
      if (encoded == null) {
        // Two remote members' turns on two threads may both encode: the same bytes either way.
        encoded = body.toBuffer().getBytes();
        json = encoded;
      }
      return encoded;
    }
  }

  /** The events a body published on {@link #ADDRESS} carries, in order. */
  public static List<JsonObject> events(JsonObject body) {
    JsonArray events = body.getJsonArray("events");
    List<JsonObject> list = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      list.add(events.getJsonObject(i));
    }
    return list;
  }

  /**
   * One applied payment.
   *
   * @param payerBalance the payer's balance right after it
   * @param payeeBalance the payee's balance right after it
   */
  public record Event(LedgerViews.Transfer transfer, long payerBalance, long payeeBalance) {

    /** The event of a payment the ledger just applied. */
    public static JsonObject of(TransferView t, long payerBalance, long payeeBalance) {
      return new JsonObject()
          .put("transfer", LedgerApi.transfer(t))
          .put("payerBalance", payerBalance)
          .put("payeeBalance", payeeBalance);
    }

    public static Event fromJson(JsonObject json) {
      return new Event(
          LedgerViews.Transfer.from(json.getJsonObject("transfer")),
          json.getLong("payerBalance"),
          json.getLong("payeeBalance"));
    }
  }
}
