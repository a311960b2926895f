package io.paywire.bus;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends the ledger requests an event loop makes in one turn as one {@link LedgerApi#REQUESTS}
 * message, instead of a message each: one delivery, one reply, and in a cluster one frame on the
 * clustered bus, for all of them. Each request still gets its own answer, exactly as a message of
 * its own would have had it (a reply body, or the failure its message would have failed with).
 *
 * <p>The first request of a turn opens the context's outbox and schedules its flush at the end of
 * the turn ({@link Context#runOnContext}); an outbox that reaches {@link
 * LedgerApi#MAX_REQUESTS_PER_MESSAGE} is sent at once. Requests keep their order: they are queued
 * in the order made, batches leave in that order, and the ledger takes a batch's requests in order.
 * A request made off an event loop (a test's thread, a worker) is sent at once as a message of its
 * own, to its own address.
 */
final class RequestCoalescer {

  /** A request waiting in an outbox for its turn to end. */
  private record Pending(RequestBatch.Item item, Promise<JsonObject> answer) {}

  private final EventBus bus;
  private final String batchAddress;
  private final DeliveryOptions delivery;
  private final int maxPerMessage;

  /** This coalescer's outbox in a context's data; one per context, so per event loop turn. */
  private final Object outboxKey = new Object();

  /**
   * @param batchAddress the ledger's {@link LedgerApi#REQUESTS} ({@link LedgerAddresses#requests})
   */
  RequestCoalescer(EventBus bus, String batchAddress, DeliveryOptions delivery, int maxPerMessage) {
    if (maxPerMessage < 1 || maxPerMessage > LedgerApi.MAX_REQUESTS_PER_MESSAGE) {
      throw new IllegalArgumentException(
          "maxPerMessage must be 1 to " + LedgerApi.MAX_REQUESTS_PER_MESSAGE);
    }
    BatchCodecs.register(bus);
    this.bus = bus;
    this.batchAddress = batchAddress;
    this.delivery = delivery;
    this.maxPerMessage = maxPerMessage;
  }

  /**
   * The reply body to {@code body} at {@code address}, or the failure its message would have failed
   * with (a {@code ReplyException}: timeout, no handlers, a failure code).
   */
  Future<JsonObject> request(String address, JsonObject body) {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext() || !Context.isOnEventLoopThread()) {
      return bus.<JsonObject>request(address, body, delivery).map(Message::body);
    }
    List<Pending> outbox = context.get(outboxKey);
    if (outbox == null) {
      outbox = new ArrayList<>();
      context.put(outboxKey, outbox);
      context.runOnContext(v -> flush(context));
    }
    Promise<JsonObject> answer = Promise.promise();
    outbox.add(new Pending(new RequestBatch.Item(address, body), answer));
    if (outbox.size() >= maxPerMessage) {
      flush(context); // a later request of the turn opens a new outbox
    }
    return answer.future();
  }

  private void flush(Context context) {
    List<Pending> outbox = context.get(outboxKey);
    if (outbox == null) {
      return; // sent when it filled up, and nothing came after
    }
    context.remove(outboxKey);
    send(outbox);
  }

  private void send(List<Pending> outbox) {
    List<RequestBatch.Item> items = new ArrayList<>(outbox.size());
    outbox.forEach(p -> items.add(p.item()));
    bus.<ReplyBatch>request(batchAddress, new RequestBatch(items), delivery)
        .onComplete(
            done -> {
              if (done.failed()) {
                outbox.forEach(p -> p.answer().tryFail(done.cause()));
                return;
              }
              List<ReplyBatch.Slot> slots = done.result().body().slots();
              if (slots.size() != outbox.size()) {
                IllegalStateException broken =
                    new IllegalStateException(
                        "the ledger answered "
                            + slots.size()
                            + " of a batch of "
                            + outbox.size()
                            + " requests");
                outbox.forEach(p -> p.answer().tryFail(broken));
                return;
              }
              for (int i = 0; i < slots.size(); i++) {
                ReplyBatch.Slot slot = slots.get(i);
                if (slot.reply() != null) {
                  outbox.get(i).answer().tryComplete(slot.reply());
                } else {
                  outbox.get(i).answer().tryFail(slot.failure());
                }
              }
            });
  }
}
