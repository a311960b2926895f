package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.TransferEvents;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.BusDelay;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger publishes every applied payment on {@link TransferEvents#ADDRESS}, whichever entry
 * point it came through, once: a retry of the same id publishes nothing more; and a payment whose
 * requester never heard the outcome is published all the same.
 */
class TransferEventsTest {

  @TempDir Path dir;

  @Test
  void everyEntryPointsPaymentIsPublishedOnceAndRetriesAreNot() throws Exception {
    try (TestNode node =
        TestNode.start(
            dir, new JsonObject(), null, new JsonObject().put("requestTimeoutMillis", 1_000))) {
      List<JsonObject> events = new CopyOnWriteArrayList<>();
      MessageConsumer<JsonObject> consumer =
          node.node()
              .vertx()
              .eventBus()
              .<JsonObject>consumer(
                  TransferEvents.ADDRESS, m -> events.addAll(TransferEvents.events(m.body())));
      consumer.completion().toCompletionStage().toCompletableFuture().get();
      ApiClient api = ApiClient.of(node, dir);
      ApiUser web = ApiUser.of(api, "web", KeyType.EC);
      assertThat(web.register(1_000L, null).status()).isEqualTo(201);
      KeyPair keys = KeyType.EC.generate();
      try (TlsLineClient text =
          TlsLineClient.connect(
              node.tlsPort(),
              node.fingerprint(),
              keys,
              Certificates.selfSigned(keys, "texter", Duration.ofDays(1)))) {
        assertThat(text.ask("REGISTER#texter#500")).isEqualTo("100 OK");
        text.askList("texter#0");
        assertThat(web.pay("texter", 250, id(1)).status()).isEqualTo(201);
        assertThat(web.pay("texter", 250, id(1)).status()).as("a retry").isEqualTo(200);
        assertThat(text.ask("PAY#web#40#" + id(2))).startsWith("TRANS OK " + id(2));
        assertThat(text.ask("PAY#web#40#" + id(2))).startsWith("TRANS OK " + id(2));
        assertThat(text.ask("PAY#web#999999#" + id(3))).startsWith("TRANS FAIL");
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
      // The ledger's answer comes after the entry point stopped waiting: unknown to the payer,
      // announced all the same.
      BusDelay.first(node.node().vertx(), LedgerApi.TRANSFER, 2_000);
      assertThat(web.pay("texter", 5, id(5)).json().getString("error"))
          .isEqualTo("UNKNOWN_OUTCOME");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
      // A last payment after the retries: once it is heard, nothing else is coming.
      assertThat(web.pay("texter", 1, id(4)).status()).isEqualTo(201);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 4);

      assertThat(events).hasSize(4);
      TransferEvents.Event http = TransferEvents.Event.fromJson(events.get(0));
      assertThat(http.transfer().id().toString()).isEqualTo(id(1));
      assertThat(http.transfer().payer()).isEqualTo("web");
      assertThat(http.transfer().payee()).isEqualTo("texter");
      assertThat(http.transfer().amount()).isEqualTo(250);
      assertThat(http.payerBalance()).isEqualTo(750);
      assertThat(http.payeeBalance()).isEqualTo(750);
      TransferEvents.Event tls = TransferEvents.Event.fromJson(events.get(1));
      assertThat(tls.transfer().id().toString()).isEqualTo(id(2));
      assertThat(tls.transfer().payer()).isEqualTo("texter");
      assertThat(tls.payerBalance()).isEqualTo(500 + 250 - 40);
      assertThat(tls.payeeBalance()).isEqualTo(750 + 40);
      assertThat(events.get(1).getJsonObject("transfer").fieldNames())
          .containsExactlyInAnyOrder("sequence", "id", "payer", "payee", "amount", "timeMillis");
      TransferEvents.Event unknown = TransferEvents.Event.fromJson(events.get(2));
      assertThat(unknown.transfer().id().toString()).isEqualTo(id(5));
      assertThat(unknown.payerBalance()).isEqualTo(790 - 5);
      assertThat(TransferEvents.Event.fromJson(events.get(3)).transfer().id().toString())
          .isEqualTo(id(4));
    }
  }

  private static String id(int n) {
    return HexFormat.of().formatHex(new byte[15]) + String.format("%02x", n);
  }
}
