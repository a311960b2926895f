package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import io.paywire.ledger.JournalRoundTripTest.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer columns live in fixed-size chunks, and a snapshot shares the full ones instead of
 * copying them. These tests cross chunk boundaries (small chunks through the package-private
 * constructors, and the real size where it is cheap) and check that a captured image never changes
 * afterwards, whatever the ledger does next: appends, or a batch undone after a failure.
 */
class TransferChunksTest {

  /** 16 rows a chunk: a few hundred transfers cross many boundaries. */
  private static final int SMALL_SHIFT = 4;

  private static final int SMALL_ROWS = 1 << SMALL_SHIFT;

  @TempDir Path dir;
  private int written;

  @Test
  void tableReadsAndFindsEveryRowAcrossChunkBoundaries() {
    TransferTable table = new TransferTable(SMALL_SHIFT);
    int rows = 40 * SMALL_ROWS + 3;
    for (int i = 0; i < rows; i++) {
      assertThat(table.find(7, i)).isEqualTo(-1);
      table.reserveOne();
      assertThat(table.append(7, i, i % 5, i % 7, 1000 + i, 2000 + i)).isEqualTo(i);
    }
    for (int i = 0; i < rows; i++) {
      assertThat(table.find(7, i)).isEqualTo(i);
      assertThat(table.idLow(i)).isEqualTo(i);
      assertThat(table.payer(i)).isEqualTo(i % 5);
      assertThat(table.payee(i)).isEqualTo(i % 7);
      assertThat(table.amount(i)).isEqualTo(1000 + i);
      assertThat(table.timeMillis(i)).isEqualTo(2000 + i);
    }
    assertThat(table.find(8, 0)).isEqualTo(-1);
  }

  @Test
  void firstChunkGrowsToFullSizeAndLaterOnesAreAddedWhole() {
    TransferTable table = new TransferTable();
    int rows = 2 * TransferTable.CHUNK_ROWS + 5;
    for (int i = 0; i < rows; i++) {
      table.reserveOne();
      table.append(i, -i, 1, 2, i + 1L, i);
    }
    for (int i = 0; i < rows; i += 97) {
      assertThat(table.find(i, -i)).isEqualTo(i);
      assertThat(table.amount(i)).isEqualTo(i + 1L);
    }
    for (int i = TransferTable.CHUNK_ROWS - 2; i < TransferTable.CHUNK_ROWS + 2; i++) {
      assertThat(table.find(i, -i)).isEqualTo(i);
      assertThat(table.timeMillis(i)).isEqualTo(i);
    }
  }

  /**
   * The index grows by moving its entries a few per append: every id must be found at every step of
   * a move, in the moved part or the old one, and an undo in the middle of a move still leaves a
   * complete index.
   */
  @Test
  void indexFindsEveryIdWhileItGrowsStepByStep() {
    TransferTable table = new TransferTable(SMALL_SHIFT);
    Random random = new Random(11);
    int rows = 20_000;
    long[] high = new long[rows];
    long[] low = new long[rows];
    for (int i = 0; i < rows; i++) {
      high[i] = random.nextLong();
      low[i] = random.nextLong();
      assertThat(table.find(high[i], low[i])).isEqualTo(-1);
      table.reserveOne();
      table.append(high[i], low[i], 1, 2, 1, 0);
      for (int k = 0; k < 8; k++) {
        int earlier = random.nextInt(i + 1);
        assertThat(table.find(high[earlier], low[earlier])).isEqualTo(earlier);
      }
      if (i % 1_009 == 0 || i == 16_384 + 100) {
        for (int j = 0; j <= i; j++) {
          assertThat(table.find(high[j], low[j]))
              .as("id %d after %d appends", j, i + 1)
              .isEqualTo(j);
        }
      }
    }
    // 16,384 rows grew the index to 65,536 slots; 2,000 appends later it is still moving.
    int cut = 16_384 + 2_000;
    for (int i = cut; i < rows; i++) {
      high[i] = random.nextLong();
    }
    table.truncate(cut - 500);
    for (int i = cut - 500; i < cut; i++) {
      assertThat(table.find(high[i], low[i])).isEqualTo(-1);
      table.reserveOne();
      table.append(high[i], low[i], 1, 2, 1, 0);
    }
    for (int j = 0; j < cut; j++) {
      assertThat(table.find(high[j], low[j])).isEqualTo(j);
    }
  }

  @Test
  void columnGrowthPastTheSeamLimitFailsWithoutChangingAnything() {
    TransferTable table = new TransferTable(SMALL_SHIFT);
    table.columnCapacityLimit = 2 * SMALL_ROWS;
    for (int i = 0; i < 2 * SMALL_ROWS; i++) {
      table.reserveOne();
      table.append(1, i, 1, 2, 1, 0);
    }
    assertThatThrownBy(table::reserveOne).isInstanceOf(OutOfMemoryError.class);
    assertThat(table.size()).isEqualTo(2 * SMALL_ROWS);
    assertThat(table.find(1, 2 * SMALL_ROWS - 1)).isEqualTo(2 * SMALL_ROWS - 1);
  }

  @Test
  void snapshotBytesAreTheSameWhateverTheChunkSize() throws IOException {
    LedgerState small = new LedgerState(LedgerRules.DEFAULTS, SMALL_SHIFT);
    LedgerState tiny = new LedgerState(LedgerRules.DEFAULTS, 1);
    LedgerState real = new LedgerState(LedgerRules.DEFAULTS);
    Commands commands = new Commands(3);
    for (int i = 0; i < 700; i++) {
      Command command = commands.next(i < 8);
      for (LedgerState state : new LedgerState[] {small, tiny, real}) {
        assertThat(state.execute(command, 1_700_000_000_000L + i))
            .isInstanceOf(Outcome.Accepted.class);
      }
    }
    byte[] expected = bytesOf(Snapshot.capture(real, JournalPosition.START));
    assertThat(bytesOf(Snapshot.capture(small, JournalPosition.START))).isEqualTo(expected);
    assertThat(bytesOf(Snapshot.capture(tiny, JournalPosition.START))).isEqualTo(expected);

    Snapshot.Image read = readBack(Snapshot.capture(small, JournalPosition.START));
    LedgerState restored = LedgerState.restore(LedgerRules.DEFAULTS, read);
    assertThat(restored.transferCount()).isEqualTo(700);
    assertThat(bytesOf(Snapshot.capture(restored, JournalPosition.START))).isEqualTo(expected);
  }

  @Test
  void capturedImageIsUnchangedByLaterAppends() throws IOException {
    LedgerState state = new LedgerState(LedgerRules.DEFAULTS, SMALL_SHIFT);
    Commands commands = new Commands(5);
    apply(state, commands, 5, 0);
    apply(state, commands, 0, 5 * SMALL_ROWS + 7 - 5); // ends inside a chunk
    Snapshot.Image partial = Snapshot.capture(state, JournalPosition.START);
    byte[] partialBytes = bytesOf(partial);
    apply(state, commands, 0, SMALL_ROWS - 7); // ends on a chunk boundary
    assertThat(state.transferCount() % SMALL_ROWS).isZero();
    Snapshot.Image boundary = Snapshot.capture(state, JournalPosition.START);
    byte[] boundaryBytes = bytesOf(boundary);

    apply(state, commands, 2, 10 * SMALL_ROWS + 3);

    assertThat(bytesOf(partial)).isEqualTo(partialBytes);
    assertThat(bytesOf(boundary)).isEqualTo(boundaryBytes);
    assertThat(partial.transferCount()).isEqualTo(5 * SMALL_ROWS + 7);
    state.checkInvariants();
  }

  /**
   * A ledger captures between batches, so a failed batch only ever undoes rows after the image.
   * This test captures in the middle of a batch to reach the harder case: the undo reaches into
   * chunks the image shares, and the rows written after it must land in the ledger's own copies.
   */
  @Test
  void rolledBackBatchReachingIntoSharedChunksLeavesTheImageUnchanged() throws IOException {
    LedgerState state = new LedgerState(LedgerRules.DEFAULTS, SMALL_SHIFT);
    Commands commands = new Commands(9);
    apply(state, commands, 6, 2 * SMALL_ROWS + 5 - 6);
    LedgerState.Mark mark = state.mark();
    Commands undone = new Commands(10, commands);
    apply(state, undone, 0, 3 * SMALL_ROWS + 9);
    Snapshot.Image image = Snapshot.capture(state, JournalPosition.START);
    byte[] before = bytesOf(image);
    TransferId undoneId = undone.lastId;

    state.rollBack(mark);
    assertThat(state.transferCount()).isEqualTo(2 * SMALL_ROWS + 5);
    state.checkInvariants();
    apply(state, commands, 1, 5 * SMALL_ROWS);

    assertThat(bytesOf(image)).as("the image keeps what it captured").isEqualTo(before);
    state.checkInvariants();
    assertThat(state.transfer(undoneId)).isEmpty();
    assertThat(state.transfer(commands.lastId)).isPresent();
    assertThat(Snapshot.capture(state, JournalPosition.START).transferCount())
        .isEqualTo(2 * SMALL_ROWS + 5 + 1 + 5 * SMALL_ROWS);
  }

  /** The ledger's own path, at the real chunk size: capture, then a batch that fails closed. */
  @Test
  void snapshotCapturedBeforeAFailedBatchIsWrittenAsCaptured() throws IOException {
    Path data = dir.resolve("ledger");
    Picture durable;
    Path snapshot;
    byte[] captured;
    try (Ledger ledger = Ledger.open(data, LedgerOptions.DEFAULTS)) {
      Workload workload = new Workload(17);
      workload.batch(ledger, 20, 0);
      while (ledger.state().transferCount() < TransferTable.CHUNK_ROWS + 1000) {
        workload.batch(ledger, 0, 8_000);
      }
      durable = Picture.of(ledger);
      Snapshot.Image image = ledger.captureSnapshot();
      captured = bytesOf(image);

      Batch doomed = workload.fill(ledger, 1, 3_000);
      ledger.fail(doomed, "reply", new IllegalStateException("test"));
      assertThat(Picture.of(ledger)).isEqualTo(durable);

      assertThat(bytesOf(image)).isEqualTo(captured);
      snapshot = Snapshot.write(FileStorage.INSTANCE, Ledger.snapshotDirectory(data), image, 2);
    }
    assertThat(Files.readAllBytes(snapshot)).isEqualTo(captured);
    try (Ledger reopened = Ledger.open(data, LedgerOptions.DEFAULTS)) {
      assertThat(reopened.recovery().snapshot()).contains(snapshot);
      assertThat(reopened.recovery().recordsReplayed()).isZero();
      assertThat(Picture.of(reopened)).isEqualTo(durable);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The image as its snapshot file's bytes: everything the image holds, in a comparable form. */
  private byte[] bytesOf(Snapshot.Image image) throws IOException {
    Path target = dir.resolve("image-" + written++);
    return Files.readAllBytes(Snapshot.write(FileStorage.INSTANCE, target, image, 1));
  }

  private Snapshot.Image readBack(Snapshot.Image image) throws IOException {
    Path target = dir.resolve("image-" + written++);
    Optional<Snapshot.Image> read =
        Snapshot.read(FileStorage.INSTANCE, Snapshot.write(FileStorage.INSTANCE, target, image, 1));
    return read.orElseThrow();
  }

  private static void apply(
      LedgerState state, Commands commands, int registrations, int transfers) {
    for (int i = 0; i < registrations + transfers; i++) {
      Outcome outcome = state.execute(commands.next(i < registrations), 1_700_000_000_000L + i);
      assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    }
  }

  /** Registrations and transfers with random ids among the accounts registered so far. */
  private static final class Commands {
    private final Random random;
    private final List<String> names;
    TransferId lastId;

    Commands(long seed) {
      this.random = new Random(seed);
      this.names = new ArrayList<>();
    }

    /** Another stream of commands over the same accounts (and the ones it registers). */
    Commands(long seed, Commands accounts) {
      this.random = new Random(seed);
      this.names = accounts.names;
    }

    Command next(boolean register) {
      lastId = TransferId.random(random);
      if (register || names.size() < 2) {
        String name = "acct-" + names.size();
        names.add(name);
        return new Command.OpenAccount(lastId, name, null, 1_000_000_000L);
      }
      int payer = random.nextInt(names.size());
      int payee = (payer + 1 + random.nextInt(names.size() - 1)) % names.size();
      return Command.Transfer.unsigned(
          lastId, names.get(payer), names.get(payee), 1 + random.nextInt(100));
    }
  }
}
