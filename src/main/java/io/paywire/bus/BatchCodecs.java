package io.paywire.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * The event-bus codecs of {@link RequestBatch}, {@link ReplyBatch} and {@link
 * TransferEvents.Published}. On local delivery a batch is handed over as it is, without the copy
 * Vert.x makes of a JsonObject body: its sender never touches it after sending (the ledger's side
 * builds fresh reply bodies, the client fresh request bodies, the ledger a fresh event body per
 * batch). On a clustered bus it travels as its JSON form (docs/event-bus.md), so the contract stays
 * JSON on the wire; a published event body is encoded once for all remote members.
 *
 * <p>Each node registers them once on its event bus before it sends, serves or consumes a batch:
 * the sender ({@link LedgerClient}), the ledger ({@link LedgerRequests#serve}) and the consumers of
 * transfer events call {@link #register}, which does it once per bus (Vert.x refuses a second
 * registration).
 */
public final class BatchCodecs {

  private static final Set<EventBus> REGISTERED = Collections.newSetFromMap(new WeakHashMap<>());

  private BatchCodecs() {}

  /** Registers both codecs on {@code bus} as the default codecs of their classes, once. */
  public static void register(EventBus bus) {
    synchronized (REGISTERED) {
      if (REGISTERED.add(bus)) {
        bus.registerDefaultCodec(
            RequestBatch.class,
            new JsonArrayForm<>(
                "paywire.ledger.request-batch", RequestBatch::toJson, RequestBatch::fromJson));
        bus.registerDefaultCodec(
            ReplyBatch.class,
            new JsonArrayForm<>(
                "paywire.ledger.reply-batch", ReplyBatch::toJson, ReplyBatch::fromJson));
        bus.registerDefaultCodec(TransferEvents.Published.class, new PublishedEvents());
      }
    }
  }

  /**
   * Transfer events: the same body to every local consumer (Vert.x's JSON codec would deep-copy it
   * for each); on the wire a length-prefixed JSON object, as Vert.x's own JSON object codec,
   * encoded once per publication however many members hear it; received as a JsonObject.
   */
  static final class PublishedEvents implements MessageCodec<TransferEvents.Published, JsonObject> {

    @Override
    public void encodeToWire(Buffer buffer, TransferEvents.Published value) {
      byte[] json = value.json();
      buffer.appendInt(json.length).appendBytes(json);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(TransferEvents.Published value) {
      return value.body();
    }

    @Override
    public String name() {
      return "paywire.ledger.transfer-events";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  /** Same object locally; a length-prefixed JSON array on the wire, as Vert.x's own JSON codecs. */
  private record JsonArrayForm<T>(
      String name, Function<T, JsonArray> toJson, Function<JsonArray, T> fromJson)
      implements MessageCodec<T, T> {

    @Override
    public void encodeToWire(Buffer buffer, T value) {
      Buffer json = toJson.apply(value).toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return fromJson.apply(new JsonArray(buffer.getBuffer(pos + 4, pos + 4 + length)));
    }

    @Override
    public T transform(T value) {
      return value;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
