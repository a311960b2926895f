package io.paywire.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request in flight when the node hears of a new Raft leader ({@link LedgerApi#LEADER_CHANGED})
 * is answered unknown at once, not after its timeout; requests sent after the change wait for their
 * own answer.
 */
@ExtendWith(VertxExtension.class)
class LedgerClientLeaderChangeTest {

  /** Far longer than the test waits: an answer within it can only come from the change. */
  private static final long REQUEST_TIMEOUT_MILLIS = 600_000;

  @Test
  void aLeaderChangeAnswersTheRequestsInFlightUnknown(Vertx vertx) {
    // A "former leader" that takes requests and never answers them, as a dead node's would.
    List<Message<JsonObject>> swallowed = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(LedgerApi.TRANSFER, swallowed::add);
    LedgerClient client = new LedgerClient(vertx.eventBus(), REQUEST_TIMEOUT_MILLIS);
    Random random = new Random(5);
    TransferId first = TransferId.random(random);
    Future<LedgerReply<LedgerViews.Receipt>> inFlight =
        client.transfer(first, "alice", "bob", 5, null, null);
    Awaitility.await().until(() -> swallowed.size() == 1);
    assertThat(inFlight.isComplete()).isFalse();

    vertx
        .eventBus()
        .publish(
            LedgerApi.LEADER_CHANGED,
            new JsonObject().put("leader", "m2").put("term", 7),
            new DeliveryOptions().setLocalOnly(true));

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(inFlight::isComplete);
    assertThat(inFlight.result())
        .isInstanceOfSatisfying(
            LedgerReply.Unknown.class,
            unknown ->
                assertThat(unknown.reason())
                    .contains("leader changed")
                    .contains("m2")
                    .contains("term 7")
                    .contains("same id"));

    // A request sent after the change waits for, and gets, its own answer.
    Future<LedgerReply<LedgerViews.Receipt>> after =
        client.transfer(TransferId.random(random), "alice", "bob", 5, null, null);
    Awaitility.await().until(() -> swallowed.size() == 2);
    swallowed.get(1).fail(LedgerApi.FAILURE_OVERLOADED, "busy");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(after::isComplete);
    assertThat(after.result()).isInstanceOf(LedgerReply.Rejected.class);
    // The late answer to the first request changes nothing: it was already answered.
    swallowed.get(0).fail(LedgerApi.FAILURE_OVERLOADED, "late");
    assertThat(inFlight.result()).isInstanceOf(LedgerReply.Unknown.class);
  }
}
