package io.paywire.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of one {@link LedgerApi#REQUESTS} message: ledger requests an entry point made in one
 * event-loop turn, in the order it made them. Handed over without a copy on local delivery ({@link
 * BatchCodecs}); on a clustered bus it travels as its JSON form, an array of {@code {"address":
 * "<one of LedgerApi's request addresses>", "body": {<that address's request>}}}
 * (docs/event-bus.md). The sender never touches a batch or its bodies after sending it.
 */
public record RequestBatch(List<Item> items) {

  /** One request: the address it would have been sent to on its own, and its body. */
  public record Item(String address, Object body) {}

  public RequestBatch {
    items = List.copyOf(items);
  }

  public JsonArray toJson() {
    JsonArray array = new JsonArray(new ArrayList<>(items.size()));
    for (Item item : items) {
      array.add(new JsonObject().put("address", item.address()).put("body", item.body()));
    }
    return array;
  }

  /**
   * Reads the JSON form without judging it: an element that is not an object, or has no string
   * {@code address}, gives an item with a null address, which the ledger refuses with the whole
   * message ({@link LedgerRequests#serve}).
   */
  public static RequestBatch fromJson(JsonArray array) {
    List<Item> items = new ArrayList<>(array.size());
    for (Object element : array) {
      if (element instanceof JsonObject item && item.getValue("address") instanceof String a) {
        items.add(new Item(a, item.getValue("body")));
      } else {
        items.add(new Item(null, element));
      }
    }
    return new RequestBatch(items);
  }

  /** Whether the batch carries a request to {@code address}. */
  public boolean carries(String address) {
    return items.stream().anyMatch(item -> address.equals(item.address()));
  }
}
