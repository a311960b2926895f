package io.paywire.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.TransferId;
import io.paywire.node.LedgerVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each ledger of a node is served at addresses of its own; the main ledger keeps today's. */
@ExtendWith(VertxExtension.class)
class LedgerAddressesTest {

  @Test
  void mainLedgerKeepsItsAddressesExactly() {
    LedgerAddresses main = LedgerAddresses.MAIN;
    for (String address : LedgerRequests.ADDRESSES) {
      assertThat(main.of(address)).isEqualTo(address);
    }
    assertThat(main.requests()).isEqualTo("paywire.ledger.requests");
    assertThat(main.status()).isEqualTo("paywire.ledger.status");
    assertThat(main.leaderChanged()).isEqualTo("paywire.ledger.leader-changed");
    assertThat(main.transferEvents()).isEqualTo("paywire.transfers.events");
  }

  @Test
  void networkAddressesCarryTheNetworksName() {
    LedgerAddresses net = LedgerAddresses.network("ceng489");
    assertThat(net.of(LedgerApi.TRANSFER)).isEqualTo("paywire.network.ceng489.ledger.transfer");
    assertThat(net.requests()).isEqualTo("paywire.network.ceng489.ledger.requests");
    assertThat(net.transferEvents()).isEqualTo("paywire.network.ceng489.ledger.transfer-events");
    assertThat(net.operation("paywire.network.ceng489.ledger.account"))
        .isEqualTo(LedgerApi.ACCOUNT);
    assertThat(net.operation(LedgerApi.ACCOUNT)).isNull();
    assertThat(LedgerAddresses.MAIN.operation(net.of(LedgerApi.ACCOUNT))).isNull();
    assertThatThrownBy(() -> LedgerAddresses.network("a.b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> net.of("paywire.transfers.events"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoLedgersOnOneBusKeepTheirMoneyApart(Vertx vertx, @TempDir Path data) throws Exception {
    LedgerAddresses net = LedgerAddresses.network("phase1");
    await(
        vertx.deployVerticle(
            new LedgerVerticle(
                new LedgerVerticle.Settings(
                    data.resolve("main"), LedgerOptions.DEFAULTS, 1_000, 10_000),
                Clock.systemUTC())));
    await(
        vertx.deployVerticle(
            new LedgerVerticle(
                new LedgerVerticle.Settings(
                    data.resolve("net"), LedgerOptions.DEFAULTS, 1_000, 10_000, net),
                Clock.systemUTC())));
    LedgerClient main = new LedgerClient(vertx.eventBus(), 10_000);
    LedgerClient network = new LedgerClient(vertx.eventBus(), net, 10_000);
    List<JsonObject> mainEvents = new CopyOnWriteArrayList<>();
    List<JsonObject> networkEvents = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(TransferEvents.ADDRESS, m -> mainEvents.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(net.transferEvents(), m -> networkEvents.add(m.body()));

    assertThat(await(network.openAccount("Joanne", 500L, null))).isInstanceOf(LedgerReply.Ok.class);
    assertThat(await(network.openAccount("Lily", 100L, null))).isInstanceOf(LedgerReply.Ok.class);
    // Through one batch message of an event loop's turn, to the network's batch address.
    Context loop = vertx.getOrCreateContext();
    CompletableFuture<LedgerReply<LedgerViews.Receipt>> paid = new CompletableFuture<>();
    loop.runOnContext(
        v ->
            network
                .transfer(TransferId.random(new Random(1)), "Joanne", "Lily", 42, null, null)
                .onComplete(done -> paid.complete(done.result())));
    assertThat(paid.get(10, TimeUnit.SECONDS)).isInstanceOf(LedgerReply.Ok.class);

    assertThat(await(main.account("Joanne"))).isInstanceOf(LedgerReply.Rejected.class);
    LedgerStatus mainStatus = ((LedgerReply.Ok<LedgerStatus>) await(main.status())).value();
    LedgerStatus netStatus = ((LedgerReply.Ok<LedgerStatus>) await(network.status())).value();
    assertThat(mainStatus.accounts()).isEqualTo(1); // the issuer alone
    assertThat(netStatus.accounts()).isEqualTo(3);
    LedgerViews.Account lily =
        ((LedgerReply.Ok<LedgerViews.Account>) await(network.account("lily"))).value();
    assertThat(lily.balance()).isEqualTo(142);
    assertThat(networkEvents).hasSize(1);
    assertThat(mainEvents).isEmpty();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
