package io.paywire.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * The event-bus codecs of {@link RequestBatch} and {@link ReplyBatch}. On local delivery a batch is
 * handed over as it is, without the copy Vert.x makes of a JsonObject body: its sender never
 * touches it after sending (the ledger's side builds fresh reply bodies, the client fresh request
 * bodies). On a clustered bus it travels as its JSON form (docs/event-bus.md), so the contract
 * stays JSON on the wire.
 *
 * <p>Each node registers them once on its event bus before it sends or serves a batch: both the
 * sender ({@link LedgerClient}) and the ledger ({@link LedgerRequests#serve}) call {@link
 * #register}, which does it once per bus (Vert.x refuses a second registration).
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
      }
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
