package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerStatus;
import io.paywire.bus.LedgerViews;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocks and transfer-proof addresses of docs/event-bus.md, through {@link LedgerClient},
 * against a real ledger whose journal spans several segments.
 */
@ExtendWith(VertxExtension.class)
class LedgerVerticleBlocksTest {

  /** Segments of 65 KiB, so a few hundred signed transfers fill several. */
  private static final LedgerOptions SMALL_SEGMENTS =
      new LedgerOptions(new LedgerRules(1_000_000, 3_000), 64, 1 << 16, (1 << 16) + 1024, 0, 2);

  private static final String ZERO_HASH = "0".repeat(64);

  /** Enough signed payments to fill three segments. */
  private static final int PAYMENTS = 1_000;

  @TempDir Path data;
  private final Random random = new Random(17);
  private LedgerClient client;
  private String deploymentId;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    deploymentId =
        await(
            vertx.deployVerticle(
                new LedgerVerticle(
                    new LedgerVerticle.Settings(data, SMALL_SEGMENTS, 1_000, 10_000),
                    Clock.systemUTC())));
    client = new LedgerClient(vertx.eventBus(), 10_000);
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    await(vertx.undeploy(deploymentId));
  }

  @Test
  void blocksChainFromZeroToTheStatusHeadAndProofsCarryTheJournaledSignatures() throws Exception {
    LedgerViews.Registration joanne = ok(client.openAccount("Joanne", 500_000L, null));
    ok(client.openAccount("Lily", 500_000L, null));
    List<Future<LedgerReply<LedgerViews.Receipt>>> payments = new ArrayList<>();
    List<byte[][]> signatures = new ArrayList<>();
    for (int i = 0; i < PAYMENTS; i++) {
      byte[] payerSignature = signature();
      byte[] payeeSignature = i % 2 == 0 ? signature() : null;
      signatures.add(new byte[][] {payerSignature, payeeSignature});
      payments.add(
          client.transfer(
              TransferId.random(random),
              i % 3 == 0 ? "Lily" : "Joanne",
              i % 3 == 0 ? "Joanne" : "Lily",
              1 + i % 7,
              payerSignature,
              payeeSignature));
    }
    await(Future.all(payments));
    LedgerStatus status = ok(client.status());
    long head = status.nextBatchSequence();
    assertThat(segmentFiles()).as("journal segments").isGreaterThanOrEqualTo(3);

    List<LedgerViews.Block> blocks = new ArrayList<>();
    LedgerViews.Blocks page;
    do {
      page = ok(client.blocks(blocks.size(), 100));
      assertThat(page.head()).isEqualTo(head);
      blocks.addAll(page.blocks());
    } while (!page.blocks().isEmpty());
    assertThat(blocks).hasSize((int) head);
    String previous = ZERO_HASH;
    for (int i = 0; i < blocks.size(); i++) {
      assertThat(blocks.get(i).sequence()).isEqualTo(i);
      assertThat(blocks.get(i).previousHash()).isEqualTo(previous);
      assertThat(blocks.get(i).hash()).matches("[0-9a-f]{64}");
      previous = blocks.get(i).hash();
    }
    assertThat(previous).isEqualTo(status.headHash());
    assertThat(blocks.stream().mapToLong(LedgerViews.Block::count).sum())
        .isEqualTo(status.transfers())
        .isEqualTo(2 + PAYMENTS);

    for (int i : List.of(0, PAYMENTS / 2, PAYMENTS - 2, PAYMENTS - 1)) {
      LedgerViews.Transfer paid =
          ((LedgerReply.Ok<LedgerViews.Receipt>) payments.get(i).result()).value().transfer();
      LedgerViews.TransferProof proof = ok(client.transferProof(paid.id()));
      assertThat(proof.transfer()).isEqualTo(paid);
      assertThat(proof.blockHash()).isEqualTo(blocks.get((int) proof.block()).hash());
      assertThat(proof.payerSignature()).isEqualTo(signatures.get(i)[0]);
      assertThat(proof.payeeSignature()).isEqualTo(signatures.get(i)[1]);
    }
    LedgerViews.TransferProof deposit = ok(client.transferProof(joanne.deposit().id()));
    assertThat(deposit.block()).isZero();
    assertThat(deposit.transfer()).isEqualTo(joanne.deposit());
    assertThat(deposit.payerSignature()).isNull();
    assertThat(deposit.payeeSignature()).isNull();
  }

  @Test
  void unknownIdHasTheCodeOfFindTransferAndBadPagesAreBadRequests() throws Exception {
    TransferId unknown = TransferId.random(random);
    LedgerReply<LedgerViews.TransferProof> proof = await(client.transferProof(unknown));
    LedgerReply<LedgerViews.Transfer> found = await(client.findTransfer(unknown));
    assertThat(proof)
        .isInstanceOfSatisfying(
            LedgerReply.Rejected.class,
            rejected -> assertThat(rejected.code()).isEqualTo(LedgerApi.UNKNOWN_TRANSFER));
    assertThat(found)
        .isInstanceOfSatisfying(
            LedgerReply.Rejected.class,
            rejected -> assertThat(rejected.code()).isEqualTo(LedgerApi.UNKNOWN_TRANSFER));

    ok(client.openAccount("Joanne", 2_000L, null));
    assertThat(ok(client.blocks(1, 10))).isEqualTo(new LedgerViews.Blocks(List.of(), 1));
    assertThat(ok(client.blocks(Long.MAX_VALUE, LedgerApi.MAX_BLOCKS_PER_PAGE)).blocks()).isEmpty();
    for (LedgerReply<LedgerViews.Blocks> bad :
        List.of(
            await(client.blocks(0, LedgerApi.MAX_BLOCKS_PER_PAGE + 1)),
            await(client.blocks(0, 0)),
            await(client.blocks(-1, 10)))) {
      assertThat(bad)
          .isInstanceOfSatisfying(
              LedgerReply.Rejected.class,
              rejected -> assertThat(rejected.code()).isEqualTo("BAD_REQUEST"));
    }
  }

  /**
   * A proof asked right behind its payment (each sent before the payment's reply) must wait for the
   * payment's batch to be written and read below the bound after it, finding the very signature
   * that was sent.
   */
  @Test
  void proofAskedRightBehindItsPaymentIsReadOnceThePaymentIsDurable() throws Exception {
    ok(client.openAccount("Joanne", 2_000L, null));
    ok(client.openAccount("Lily", 2_000L, null));
    List<Future<?>> sent = new ArrayList<>();
    List<Future<LedgerReply<LedgerViews.TransferProof>>> proofs = new ArrayList<>();
    List<byte[]> signatures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      TransferId id = TransferId.random(random);
      byte[] signature = signature();
      signatures.add(signature);
      sent.add(client.transfer(id, "Joanne", "Lily", 1, signature, null));
      proofs.add(client.transferProof(id));
    }
    await(Future.all(sent));
    for (int i = 0; i < proofs.size(); i++) {
      LedgerViews.TransferProof value = ok(proofs.get(i));
      assertThat(value.payerSignature()).isEqualTo(signatures.get(i));
    }
  }

  private byte[] signature() {
    byte[] signature = new byte[64];
    random.nextBytes(signature);
    return signature;
  }

  private long segmentFiles() throws Exception {
    try (Stream<Path> files = Files.list(data.resolve("journal"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("segment-")).count();
    }
  }

  private static <T> T ok(Future<LedgerReply<T>> reply) throws Exception {
    LedgerReply<T> answer = await(reply);
    assertThat(answer).isInstanceOf(LedgerReply.Ok.class);
    return ((LedgerReply.Ok<T>) answer).value();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
