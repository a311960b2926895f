package io.paywire.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reply to one {@link LedgerApi#REQUESTS} message: one slot per request of its {@link
 * RequestBatch}, in the same order, each the reply body the request would have got as a message of
 * its own or the failure its message would have failed with. JSON form (a clustered bus): an array
 * of {@code {"reply": {...}}} or {@code {"failure": 503, "message": "..."}}.
 */
public record ReplyBatch(List<Slot> slots) {

  /** One request's answer: {@code reply} non-null, or a failure code and message. */
  public record Slot(JsonObject reply, int failureCode, String failureMessage) {

    static Slot replied(JsonObject body) {
      return new Slot(body, 0, null);
    }

    static Slot failed(int code, String message) {
      return new Slot(null, code, message);
    }

    /**
     * The slot as a lone message's reply would have been: its body, or the {@link ReplyException}
     * its failure would have raised.
     */
    public ReplyException failure() {
      return reply != null
          ? null
          : new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failureCode, failureMessage);
    }
  }

  public ReplyBatch {
    slots = List.copyOf(slots);
  }

  public JsonArray toJson() {
    JsonArray array = new JsonArray(new ArrayList<>(slots.size()));
    for (Slot slot : slots) {
      array.add(
          slot.reply() != null
              ? new JsonObject().put("reply", slot.reply())
              : new JsonObject()
                  .put("failure", slot.failureCode())
                  .put("message", slot.failureMessage()));
    }
    return array;
  }

  public static ReplyBatch fromJson(JsonArray array) {
    List<Slot> slots = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject slot = array.getJsonObject(i);
      JsonObject reply = slot.getJsonObject("reply");
      slots.add(
          reply != null
              ? Slot.replied(reply)
              : Slot.failed(slot.getInteger("failure"), slot.getString("message")));
    }
    return new ReplyBatch(slots);
  }

  /**
   * Gathers the answers to a batch message's requests, one {@link Responder} per slot, and replies
   * to the message once every slot has its answer. Used on the ledger's context only.
   */
  static final class Collector {
    private final Message<?> message;
    private final Slot[] slots;
    private int missing;

    Collector(Message<?> message, int size) {
      this.message = message;
      this.slots = new Slot[size];
      this.missing = size;
    }

    Responder slot(int index) {
      return new Responder() {
        @Override
        public void reply(JsonObject body) {
          answer(index, Slot.replied(body));
        }

        @Override
        public void fail(int failureCode, String reason) {
          answer(index, Slot.failed(failureCode, reason));
        }
      };
    }

    /** A second answer to a slot is dropped, as a lone message's second reply would be. */
    private void answer(int index, Slot slot) {
      if (slots[index] != null) {
        return;
      }
      slots[index] = slot;
      if (--missing == 0) {
        message.reply(new ReplyBatch(Arrays.asList(slots)));
      }
    }
  }
}
