package io.paywire.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.impl.codecs.JsonObjectMessageCodec;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Published transfer events: shared by local consumers, JSON on the wire, encoded once. */
@ExtendWith(VertxExtension.class)
class BatchCodecsTest {

  private static final List<JsonObject> EVENTS =
      List.of(
          new JsonObject()
              .put("transfer", new JsonObject().put("sequence", 41).put("payer", "Joanne"))
              .put("payerBalance", 9000L)
              .put("payeeBalance", 3000L));

  @Test
  void localConsumersShareThePublishedBodyWithoutACopy(Vertx vertx) {
    BatchCodecs.register(vertx.eventBus());
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer("test.events", m -> heard.add(m.body()));
    vertx.eventBus().<JsonObject>consumer("test.events", m -> heard.add(m.body()));
    TransferEvents.Published published = TransferEvents.publication(EVENTS);

    vertx.eventBus().publish("test.events", published);

    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> heard.size() == 2);
    assertThat(heard).allSatisfy(body -> assertThat(body).isSameAs(published.body()));
    assertThat(TransferEvents.events(heard.get(0))).isEqualTo(EVENTS);
  }

  @Test
  void onTheWireItIsVertxsJsonObjectFormEncodedOnce() {
    MessageCodec<TransferEvents.Published, JsonObject> codec = new BatchCodecs.PublishedEvents();
    TransferEvents.Published published = TransferEvents.publication(EVENTS);
    Buffer first = Buffer.buffer();
    Buffer second = Buffer.buffer();
    Buffer vertxForm = Buffer.buffer();

    codec.encodeToWire(first, published);
    codec.encodeToWire(second, published);
    new JsonObjectMessageCodec().encodeToWire(vertxForm, published.body());

    assertThat(first).isEqualTo(vertxForm).isEqualTo(second);
    assertThat(published.json()).isSameAs(published.json());
    assertThat(codec.decodeFromWire(0, first)).isEqualTo(published.body());
  }
}
