package io.paywire.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.GradecoinRules;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.TransferId;
import io.paywire.node.LedgerVerticle;
import io.paywire.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gradecoin network's ledger over the event bus (docs/event-bus.md, "Gradecoin"): a real ledger
 * in a temporary directory behind the real ledger verticle, reached through {@link LedgerClient}
 * and with raw JSON bodies.
 */
@ExtendWith(VertxExtension.class)
class GradecoinBusTest {

  private static final long NOW = 1_649_710_800_000L; // 2022-04-11T21:00:00Z
  private static final GradecoinRules RULES = new GradecoinRules(2, 1, 4, 2, 3, 1);
  private static final LedgerOptions OPTIONS =
      new LedgerOptions(new LedgerRules(5_000, 3_000, 64), 64, 1 << 16, 1 << 20, 0, 2)
          .withGradecoin(RULES);

  private static final String ALICE = sha256("alice");
  private static final String BOB = sha256("bob");
  private static final String BOT = sha256("bot");

  @TempDir Path data;
  private String deploymentId;
  private LedgerClient client;
  private long nextId = 1;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    deploymentId =
        await(
            vertx.deployVerticle(
                new LedgerVerticle(new LedgerVerticle.Settings(data, OPTIONS, 20, 1_000), clock)));
    client = new LedgerClient(vertx.eventBus(), 10_000);
    assertThat(await(client.openAccount(ALICE, 20L, TestKeys.generateEc("secp256r1"))))
        .isInstanceOf(LedgerReply.Ok.class);
    assertThat(await(client.openAccount(BOB, 20L, TestKeys.generateEc("secp256r1"))))
        .isInstanceOf(LedgerReply.Ok.class);
    assertThat(await(client.openAccount(BOT, 50L, null))).isInstanceOf(LedgerReply.Ok.class);
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    await(vertx.undeploy(deploymentId));
  }

  @Test
  void transactionsPoolBlockLastBlockAndUsersTravelTheBus() throws Exception {
    TransferId token = id();
    LedgerViews.PoolReceipt receipt =
        ok(
            client.gradecoinTransaction(
                token, ALICE, BOT, 4, 2, sha256("tx1"), "2022-04-11T20:45:00"));
    assertThat(receipt.txId()).isEqualTo(sha256("tx1"));
    assertThat(receipt.sourceBalance()).isEqualTo(18);
    assertThat(receipt.gasFee().amount()).isEqualTo(2);
    assertThat(receipt.duplicate()).isFalse();
    ok(client.gradecoinTransaction(id(), BOB, ALICE, 1, 2, sha256("tx2"), "2022-04-11T20:45:01"));

    LedgerViews.Pool pool = ok(client.gradecoinPool(0, 10));
    assertThat(pool.total()).isEqualTo(2);
    assertThat(pool.entries())
        .containsExactly(
            new LedgerViews.PoolEntry(sha256("tx1"), ALICE, BOT, 4, "2022-04-11T20:45:00"),
            new LedgerViews.PoolEntry(sha256("tx2"), BOB, ALICE, 1, "2022-04-11T20:45:01"));
    assertThat(ok(client.gradecoinLastBlock())).isEqualTo(new LedgerViews.LastBlock(0, null));

    LedgerViews.BlockReceipt mined =
        ok(
            client.gradecoinBlock(
                id(),
                List.of(sha256("tx1"), sha256("tx2")),
                42,
                "2022-04-11T21:00:00",
                sha256("b")));
    assertThat(mined.duplicate()).isFalse();
    LedgerViews.GradecoinBlock block = mined.block();
    assertThat(block)
        .isEqualTo(
            new LedgerViews.GradecoinBlock(
                List.of(sha256("tx1"), sha256("tx2")),
                42,
                "2022-04-11T21:00:00",
                sha256("b"),
                "",
                1));
    assertThat(ok(client.gradecoinLastBlock())).isEqualTo(new LedgerViews.LastBlock(1, block));

    // The bot answered with a pending transaction stamped with the batch time.
    LedgerViews.Pool after = ok(client.gradecoinPool(0, 10));
    assertThat(after.entries()).hasSize(1);
    assertThat(after.entries().get(0).source()).isEqualTo(BOT);
    assertThat(after.entries().get(0).timestamp()).isEqualTo("2022-04-11T21:00:00");

    LedgerViews.GradecoinUsers users = ok(client.gradecoinUsers(0, 10));
    assertThat(users.total()).isEqualTo(3);
    assertThat(users.users())
        .containsExactly(
            new LedgerViews.GradecoinUser(1, ALICE, 18 + 3 - 3 + 1, false),
            new LedgerViews.GradecoinUser(2, BOB, 18, false),
            new LedgerViews.GradecoinUser(3, BOT, 54, true));
  }

  @Test
  void aRepeatedTokenIsADuplicateAndRefusalsCarryTheirCodes() throws Exception {
    TransferId token = id();
    ok(client.gradecoinTransaction(token, ALICE, BOB, 1, 2, sha256("tx1"), "t"));

    LedgerViews.PoolReceipt again =
        ok(client.gradecoinTransaction(token, ALICE, BOB, 1, 2, sha256("tx1"), "t"));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.sourceBalance()).isEqualTo(18);

    assertThat(await(client.gradecoinTransaction(id(), ALICE, BOB, 1, 2, sha256("tx9"), "t")))
        .isEqualTo(new LedgerReply.Rejected<>("PENDING_PAIR", reason(ALICE, BOB)));
    assertThat(await(client.gradecoinBlock(id(), List.of(sha256("tx1")), 1, "t", sha256("b"))))
        .isInstanceOf(LedgerReply.Rejected.class)
        .extracting(r -> ((LedgerReply.Rejected<?>) r).code())
        .isEqualTo("BLOCK_TOO_SMALL");
  }

  @Test
  void malformedBodiesFailWithBadRequestAndChangeNothing(Vertx vertx) throws Exception {
    JsonObject tooMany =
        new JsonObject()
            .put("id", id().toString())
            .put("txIds", new JsonArray(Collections.nCopies(1_001, "x")))
            .put("nonce", 1)
            .put("timestamp", "t")
            .put("hash", sha256("b"));
    Throwable failure = awaitFailure(ask(vertx, LedgerApi.GRADECOIN_BLOCK, tooMany));
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(LedgerApi.FAILURE_BAD_REQUEST);

    JsonObject noSource =
        new JsonObject().put("id", id().toString()).put("target", BOB).put("amount", 1);
    failure = awaitFailure(ask(vertx, LedgerApi.GRADECOIN_TRANSACTION, noSource));
    assertThat(failure.getMessage()).contains("source");

    assertThat(ok(client.gradecoinPool(0, 10)).total()).isZero();
  }

  @Test
  void transferProofsAreRefusedOnAGradecoinLedger() throws Exception {
    LedgerViews.PoolReceipt receipt =
        ok(client.gradecoinTransaction(id(), ALICE, BOB, 1, 2, sha256("tx1"), "t"));

    assertThat(await(client.transferProof(receipt.gasFee().id())))
        .isInstanceOf(LedgerReply.Rejected.class)
        .extracting(r -> ((LedgerReply.Rejected<?>) r).code())
        .isEqualTo(LedgerApi.UNSUPPORTED);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String reason(String source, String target) {
    return source + " already has a pending transaction to " + target;
  }

  private TransferId id() {
    return new TransferId(0xb5, nextId++);
  }

  private static <T> T ok(Future<LedgerReply<T>> reply) throws Exception {
    LedgerReply<T> answer = await(reply);
    assertThat(answer).isInstanceOf(LedgerReply.Ok.class);
    return ((LedgerReply.Ok<T>) answer).value();
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable awaitFailure(Future<?> future) throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    future.onComplete(done -> failure.complete(done.failed() ? done.cause() : null));
    return failure.get(30, TimeUnit.SECONDS);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
