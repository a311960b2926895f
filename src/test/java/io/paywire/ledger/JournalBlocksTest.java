package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks and journaled transfers read back from real journals of several segments, checked against
 * what the writer itself computed for each batch (its head hash after each write, the batch's time
 * and records, the transfers the ledger accepted and the signatures given).
 */
class JournalBlocksTest {

  /** A checkpoint every few batches, so that small journals exercise the sparse index. */
  private static final int SMALL_STRIDE = 3;

  @TempDir Path dir;

  @Test
  void pagesOfBlocksAcrossSegmentsAreEveryBatchWrittenChainedFromZeroHash() throws IOException {
    History history = written(1, 4);
    long bound = history.batches.size();
    Verifier.Report report = Verifier.verify(dir);

    for (JournalBlocks reader :
        List.of(reader(JournalBlocks.CHECKPOINT_BATCHES), reader(SMALL_STRIDE))) {
      List<JournalBlocks.Block> all = new ArrayList<>();
      for (long from = 0; from < bound; from += 7) {
        List<JournalBlocks.Block> page = reader.blocks(from, 7, bound);
        assertThat(page).hasSize((int) Math.min(7, bound - from));
        all.addAll(page);
      }
      assertMatchesHistory(all, history);
      assertThat(all.get(0).previousHash()).isEqualTo(new byte[32]);
      assertThat(HexFormat.of().formatHex(all.get(all.size() - 1).hash()))
          .isEqualTo(report.headHash());
    }
  }

  @Test
  void blocksReadInAnyOrderAreTheSameAndTheIndexStaysSparse() throws IOException {
    History history = written(2, 4);
    int bound = history.batches.size();
    JournalBlocks reader = reader(SMALL_STRIDE);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < bound; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(2));
    for (int from : order) {
      List<JournalBlocks.Block> one = reader.blocks(from, 1, bound);
      assertThat(one).hasSize(1);
      assertBlock(one.get(0), history.batches.get(from));
    }

    int segments = segments().size();
    assertThat(reader.checkpointCount())
        .isBetween((long) bound / SMALL_STRIDE, (long) bound / SMALL_STRIDE + segments);
    JournalBlocks coarse = reader(JournalBlocks.CHECKPOINT_BATCHES);
    coarse.blocks(bound - 1, 1, bound);
    assertThat(coarse.checkpointCount()).isEqualTo(segments); // one per segment: its start
  }

  @Test
  void fromAtOrPastTheBoundGivesNoBlocksAndNoPageReadsPastIt() throws IOException {
    History history = written(3, 2);
    long head = history.batches.size();
    JournalBlocks reader = reader(SMALL_STRIDE);

    assertThat(reader.blocks(head, 10, head)).isEmpty();
    assertThat(reader.blocks(head + 5, 10, head)).isEmpty();
    assertThat(reader.blocks(0, 10, 0)).isEmpty();
    assertThat(reader.blocks(Long.MAX_VALUE, JournalBlocks.MAX_BLOCKS_PER_PAGE, head)).isEmpty();
    assertThat(reader.blocks(0, JournalBlocks.MAX_BLOCKS_PER_PAGE, 3))
        .extracting(JournalBlocks.Block::sequence)
        .containsExactly(0L, 1L, 2L);
    assertThat(reader.blocks(head - 2, 10, head)).hasSize(2);
    assertThatThrownBy(() -> reader.blocks(0, JournalBlocks.MAX_BLOCKS_PER_PAGE + 1, head))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reader.blocks(-1, 1, head))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void locatesTheFirstAMiddleAndTheLastTransferWithTheSignaturesJournaledWithThem()
      throws IOException {
    History history = written(4, 3);
    long bound = history.batches.size();
    List<Written> transfers = history.transfers();
    Written first = transfers.get(0);
    Written last = transfers.get(transfers.size() - 1);
    Written bothSigned =
        transfers.stream()
            .filter(
                w ->
                    w.payerSignature().length > 0
                        && w.payeeSignature().length > 0
                        && w.batch() > bound / 3)
            .findFirst()
            .orElseThrow();
    Written unsigned =
        transfers.stream()
            .filter(
                w ->
                    w.command() instanceof Command.Transfer
                        && w.payerSignature().length == 0
                        && w.payeeSignature().length == 0
                        && w.batch() > bound / 2)
            .findFirst()
            .orElseThrow();

    JournalBlocks reader = reader(SMALL_STRIDE);
    for (Written w : List.of(last, bothSigned, first, unsigned)) {
      JournalBlocks.JournaledTransfer found =
          reader.transfer(w.view().sequence(), w.view().id(), bound).orElseThrow();
      assertThat(found.batchSequence()).as("batch of %s", w).isEqualTo(w.batch());
      assertThat(found.batchHash()).isEqualTo(history.batches.get((int) w.batch()).hash());
      assertThat(found.payerSignature()).isEqualTo(w.payerSignature());
      assertThat(found.payeeSignature()).isEqualTo(w.payeeSignature());
    }
    assertThat(first.command()).isInstanceOf(Command.OpenAccount.class);
    assertThat(bothSigned.payerSignature()).isNotEmpty();
    assertThat(unsigned.payerSignature()).isEmpty();
  }

  /**
   * Verifies what the lookup relies on: the transfer with sequence n is the journal's n-th record,
   * registrations included; every transfer the ledger holds is found in the batch that wrote it, in
   * a shuffled order and by a reader that knows nothing yet.
   */
  @Test
  void everyTransferOfTheLedgerIsTheJournalRecordAtItsSequence() throws IOException {
    History history = new History(5);
    List<TransferView> inMemory = new ArrayList<>();
    try (Ledger ledger = Ledger.open(dir, JournalRoundTripTest.SMALL_SEGMENTS)) {
      history.writeUntilSegments(ledger, 3);
      for (Written w : history.transfers()) {
        inMemory.add(ledger.state().transfer(w.view().id()).orElseThrow());
      }
    }
    long bound = history.batches.size();
    List<Written> shuffled = new ArrayList<>(history.transfers());
    Collections.shuffle(shuffled, new Random(5));
    JournalBlocks reader = reader(SMALL_STRIDE);
    for (Written w : shuffled) {
      assertThat(reader.transfer(w.view().sequence(), w.view().id(), bound))
          .as("transfer %s", w.view())
          .hasValueSatisfying(found -> assertThat(found.batchSequence()).isEqualTo(w.batch()));
    }
    // Transfer n is the journal's n-th record, registrations included: the sequences the
    // ledger holds are 0, 1, 2, ... in the order the records were written.
    assertThat(inMemory)
        .extracting(TransferView::sequence)
        .containsExactlyElementsOf(LongStream.range(0, inMemory.size()).boxed().toList());
  }

  @Test
  void transferInNoBatchBelowTheBoundIsNotFoundAndAnotherIdIsRefused() throws IOException {
    History history = written(6, 2);
    List<Written> transfers = history.transfers();
    Written last = transfers.get(transfers.size() - 1);
    JournalBlocks reader = reader(SMALL_STRIDE);

    assertThat(reader.transfer(last.view().sequence(), last.view().id(), last.batch())).isEmpty();
    assertThat(
            reader.transfer(last.view().sequence() + 1, last.view().id(), history.batches.size()))
        .isEmpty();
    assertThat(reader.transfer(0, transfers.get(0).view().id(), 0)).isEmpty();

    Written middle = transfers.get(transfers.size() / 2);
    JournalCorruptException wrong =
        catchThrowableOfType(
            JournalCorruptException.class,
            () ->
                reader.transfer(
                    middle.view().sequence(), new TransferId(1, 2), history.batches.size()));
    assertThat(wrong).hasMessageContaining("should be transfer " + middle.view().sequence());
  }

  @Test
  void readsWhileTheWriterAppendsSeeEveryBatchBelowTheBoundAndNeverFail() throws Exception {
    History history = new History(7);
    List<Written> published = new CopyOnWriteArrayList<>();
    AtomicLong bound = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong readsWhileWriting = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try (Ledger ledger = Ledger.open(dir, JournalRoundTripTest.SMALL_SEGMENTS)) {
      JournalBlocks reader = ledger.journalBlocks();
      Future<?> writer =
          threads.submit(
              () -> {
                try {
                  history.write(ledger, 10, 0);
                  while (segments().size() < 5) {
                    history.write(ledger, 0, 12);
                    // The bound first: a reader that sees a transfer sees a bound above its batch.
                    bound.set(ledger.position().nextBatchSequence());
                    published.addAll(history.lastBatch());
                  }
                  return null;
                } finally {
                  done.set(true);
                }
              });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int seed = r;
        readers.add(
            threads.submit(
                () -> {
                  Random random = new Random(seed);
                  int reads = 0;
                  while (!done.get() || reads < 20) {
                    List<Written> seen = List.copyOf(published);
                    long b = bound.get();
                    long from = Math.max(0, b - 1 - random.nextInt(40));
                    List<JournalBlocks.Block> page = reader.blocks(from, 40, b);
                    assertThat(page).hasSize((int) Math.max(0, Math.min(40, b - from)));
                    for (int i = 0; i < page.size(); i++) {
                      assertThat(page.get(i).sequence()).isEqualTo(from + i);
                      if (i > 0) {
                        assertThat(page.get(i).previousHash()).isEqualTo(page.get(i - 1).hash());
                      }
                    }
                    if (!seen.isEmpty()) {
                      Written w = seen.get(random.nextInt(seen.size()));
                      assertThat(reader.transfer(w.view().sequence(), w.view().id(), b))
                          .hasValueSatisfying(
                              f -> assertThat(f.batchSequence()).isEqualTo(w.batch()));
                    }
                    reads++;
                    if (!done.get()) {
                      readsWhileWriting.incrementAndGet();
                    }
                  }
                  return reads;
                }));
      }
      writer.get();
      for (Future<Integer> read : readers) {
        assertThat(read.get()).isGreaterThanOrEqualTo(20);
      }
      assertThat(readsWhileWriting.get()).isPositive();
      long head = ledger.position().nextBatchSequence();
      List<JournalBlocks.Block> all = new ArrayList<>();
      for (long from = 0; from < head; from += JournalBlocks.MAX_BLOCKS_PER_PAGE) {
        all.addAll(reader.blocks(from, JournalBlocks.MAX_BLOCKS_PER_PAGE, head));
      }
      assertMatchesHistory(all, history);
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Flips each byte of one frame in turn, in a segment before the last: a fresh reader asked for
   * that block, or for a transfer in it, must throw, naming the segment and the frame.
   */
  @Test
  void everyFlippedByteOfAFrameTheReaderReadsIsReportedAsCorruption() throws IOException {
    History history = written(8, 3);
    long bound = history.batches.size();
    Path segment = segments().get(1);
    byte[] original = Files.readAllBytes(segment);
    List<JournalCorruptionTest.Frame> frames = JournalCorruptionTest.frames(original);
    JournalCorruptionTest.Frame frame = frames.get(2);
    long batch = JournalFormat.segmentId(segment) + 2;
    Written inFrame =
        history.transfers().stream()
            .filter(w -> w.batch() == batch)
            .reduce((a, b) -> b)
            .orElseThrow();

    for (int flip = frame.start(); flip < frame.end(); flip++) {
      byte[] damaged = original.clone();
      damaged[flip] ^= (byte) 0xFF;
      Files.write(segment, damaged);
      String where = "flip at " + flip + " in the " + frame.region(flip);

      JournalCorruptException blocks =
          catchThrowableOfType(
              JournalCorruptException.class, () -> reader(SMALL_STRIDE).blocks(batch, 1, bound));
      assertThat(blocks).as(where).isNotNull();
      assertThat(blocks.file()).as(where).isEqualTo(segment);
      assertThat(blocks.offset()).as(where).isEqualTo(frame.start());

      JournalCorruptException transfer =
          catchThrowableOfType(
              JournalCorruptException.class,
              () ->
                  reader(SMALL_STRIDE)
                      .transfer(inFrame.view().sequence(), inFrame.view().id(), bound));
      assertThat(transfer).as(where).isNotNull();
      assertThat(transfer.file()).as(where).isEqualTo(segment);
    }
    Files.write(segment, original);
    assertThat(reader(SMALL_STRIDE).blocks(batch, 1, bound)).hasSize(1);
  }

  /**
   * Frames whose checksums were made to agree with a change: the hash catches a changed body, and a
   * page catches a frame that no longer chains to the one before it.
   */
  @Test
  void forgedFrameWithValidChecksumsFailsItsHashOrTheChainOfThePage() throws IOException {
    History history = written(11, 2);
    long bound = history.batches.size();
    Path segment = segments().get(0);
    byte[] original = Files.readAllBytes(segment);
    JournalCorruptionTest.Frame frame = JournalCorruptionTest.frames(original).get(2);
    int bodyLength =
        frame.end() - frame.start() - JournalFormat.HEADER_BYTES - JournalFormat.HASH_BYTES;

    byte[] changedBody = original.clone();
    changedBody[frame.start() + JournalFormat.TIME_AT + 7] ^= 0x01;
    resealChecksum(changedBody, frame.start(), bodyLength);
    Files.write(segment, changedBody);
    assertThat(
            catchThrowableOfType(
                JournalCorruptException.class, () -> reader(SMALL_STRIDE).blocks(2, 1, bound)))
        .hasMessageContaining("batch hash does not match its body")
        .extracting(JournalCorruptException::offset)
        .isEqualTo((long) frame.start());

    byte[] rechained = original.clone();
    rechained[frame.start() + JournalFormat.PREVIOUS_HASH_AT] ^= 0x01;
    reseal(rechained, frame.start(), bodyLength);
    Files.write(segment, rechained);
    assertThat(reader(SMALL_STRIDE).blocks(2, 1, bound)).hasSize(1); // alone, it checks out
    assertThat(
            catchThrowableOfType(
                JournalCorruptException.class, () -> reader(SMALL_STRIDE).blocks(1, 2, bound)))
        .hasMessageContaining("does not chain")
        .extracting(JournalCorruptException::offset)
        .isEqualTo((long) frame.start());
  }

  @Test
  void firstBlockMustChainToTheZeroHash() throws IOException {
    History history = written(13, 1);
    Path segment = segments().get(0);
    byte[] data = Files.readAllBytes(segment);
    JournalCorruptionTest.Frame first = JournalCorruptionTest.frames(data).get(0);
    int bodyLength =
        first.end() - first.start() - JournalFormat.HEADER_BYTES - JournalFormat.HASH_BYTES;
    data[first.start() + JournalFormat.PREVIOUS_HASH_AT] = 1;
    reseal(data, first.start(), bodyLength);
    Files.write(segment, data);

    assertThat(
            catchThrowableOfType(
                JournalCorruptException.class,
                () -> reader(SMALL_STRIDE).blocks(0, 1, history.batches.size())))
        .hasMessageContaining("batch 0 does not chain");
  }

  /** Makes a changed frame's hash and checksum agree with its body, as a forger would. */
  private static void reseal(byte[] segment, int frameStart, int bodyLength) {
    MessageDigest sha256 = Fingerprint.sha256();
    sha256.update(segment, frameStart + JournalFormat.HEADER_BYTES, bodyLength);
    System.arraycopy(
        sha256.digest(),
        0,
        segment,
        frameStart + JournalFormat.HEADER_BYTES + bodyLength,
        JournalFormat.HASH_BYTES);
    resealChecksum(segment, frameStart, bodyLength);
  }

  private static void resealChecksum(byte[] segment, int frameStart, int bodyLength) {
    ByteBuffer.wrap(segment)
        .putInt(
            frameStart + JournalFormat.BODY_CRC_AT,
            JournalFormat.crc(
                segment,
                frameStart + JournalFormat.HEADER_BYTES,
                bodyLength + JournalFormat.HASH_BYTES));
  }

  /**
   * Only the header of a frame walked over is read, and its body checksum is not: what is read of
   * it must check out all the same (the body length by the header checksum, the sequence and the
   * record count by what must come next and what fits).
   */
  @Test
  void damagedHeaderOfAFrameOnlyWalkedOverIsReported() throws IOException {
    History history = written(9, 2);
    Path segment = segments().get(0);
    byte[] original = Files.readAllBytes(segment);
    JournalCorruptionTest.Frame walkedOver = JournalCorruptionTest.frames(original).get(1);
    record Damage(int at, String reported) {}
    for (Damage damage :
        List.of(
            new Damage(5, "bad frame header"), // the body length
            new Damage(JournalFormat.SEQUENCE_AT + 7, "where batch 1 was expected"),
            new Damage(JournalFormat.RECORD_COUNT_AT, "does not fit the frame"))) {
      byte[] data = original.clone();
      data[walkedOver.start() + damage.at()] ^= 0x01;
      Files.write(segment, data);

      JournalCorruptException corrupt =
          catchThrowableOfType(
              JournalCorruptException.class,
              () -> reader(JournalBlocks.CHECKPOINT_BATCHES).blocks(3, 1, history.batches.size()));
      assertThat(corrupt).as(damage.reported()).isNotNull().hasMessageContaining(damage.reported());
      assertThat(corrupt.file()).isEqualTo(segment);
      assertThat(corrupt.offset()).isEqualTo(walkedOver.start());
      Written later = history.batches.get(3).transfers().get(0);
      assertThat(
              catchThrowableOfType(
                  JournalCorruptException.class,
                  () ->
                      reader(JournalBlocks.CHECKPOINT_BATCHES)
                          .transfer(
                              later.view().sequence(), later.view().id(), history.batches.size())))
          .as(damage.reported())
          .hasMessageContaining(damage.reported());
    }
  }

  @Test
  void bytesAfterTheLastBatchOfASegmentBeforeTheLastAreReported() throws IOException {
    History history = written(12, 3);
    Path first = segments().get(0);
    long length = Files.size(first);
    long next = JournalFormat.segmentId(segments().get(1));
    Files.write(first, new byte[64], StandardOpenOption.APPEND);

    JournalCorruptException corrupt =
        catchThrowableOfType(
            JournalCorruptException.class,
            () -> reader(SMALL_STRIDE).blocks(next - 1, 2, history.batches.size()));
    assertThat(corrupt.file()).isEqualTo(first);
    assertThat(corrupt.offset()).isEqualTo(length);
    assertThat(corrupt).hasMessageContaining("64 bytes after the last batch");
    Written inSecond = history.batches.get((int) next).transfers().get(0);
    assertThat(
            catchThrowableOfType(
                JournalCorruptException.class,
                () ->
                    reader(SMALL_STRIDE)
                        .transfer(
                            inSecond.view().sequence(),
                            inSecond.view().id(),
                            history.batches.size())))
        .hasMessageContaining("64 bytes after the last batch");
  }

  @Test
  void aMissingSegmentIsReportedWhenAReadReachesItAndReadsPastItStillWork() throws IOException {
    History history = written(10, 3);
    List<Path> segments = segments();
    Files.delete(segments.get(1));
    long inThird = JournalFormat.segmentId(segments.get(2));

    assertThat(reader(SMALL_STRIDE).blocks(inThird, 1, history.batches.size())).hasSize(1);
    JournalCorruptException corrupt =
        catchThrowableOfType(
            JournalCorruptException.class,
            () -> reader(SMALL_STRIDE).blocks(inThird - 1, 1, history.batches.size()));
    assertThat(corrupt.file()).isEqualTo(segments.get(0));
    assertThat(corrupt)
        .hasMessageContaining(
            "segment ends before batch " + JournalFormat.segmentId(segments.get(1)));
  }

  @Test
  void goldenJournalGivesItsThreeBlocksEndingInTheRecordedHeadHashAndItsSignatures()
      throws Exception {
    Path golden = Path.of(getClass().getResource("/golden/ledger-v1").toURI());
    Path data = JournalRoundTripTest.copyDirectory(golden, dir.resolve("data"));
    JournalBlocks reader = new JournalBlocks(FileStorage.INSTANCE, Ledger.journalDirectory(data));

    List<JournalBlocks.Block> blocks = reader.blocks(0, 10, 3);
    assertThat(blocks).extracting(JournalBlocks.Block::recordCount).containsExactly(3, 2, 3);
    assertThat(blocks)
        .extracting(JournalBlocks.Block::timeMillis)
        .containsExactly(1_700_000_000_000L, 1_700_000_000_001L, 1_700_000_000_002L);
    assertThat(blocks.get(0).previousHash()).isEqualTo(new byte[32]);
    assertThat(blocks.get(1).previousHash()).isEqualTo(blocks.get(0).hash());
    assertThat(blocks.get(2).previousHash()).isEqualTo(blocks.get(1).hash());
    assertThat(HexFormat.of().formatHex(blocks.get(2).hash()))
        .isEqualTo(GoldenVectorsTest.HEAD_HASH);

    JournalBlocks.JournaledTransfer signed =
        reader.transfer(3, new TransferId(0x601d, 4), 3).orElseThrow();
    assertThat(signed.batchSequence()).isEqualTo(1);
    assertThat(signed.batchHash()).isEqualTo(blocks.get(1).hash());
    assertThat(signed.payerSignature()).hasSize(64).containsOnly((byte) 0xa1);
    assertThat(signed.payeeSignature()).hasSize(64).containsOnly((byte) 0xb0);
    JournalBlocks.JournaledTransfer payerOnly =
        reader.transfer(7, new TransferId(0x601d, 8), 3).orElseThrow();
    assertThat(payerOnly.batchSequence()).isEqualTo(2);
    assertThat(payerOnly.payerSignature()).containsExactly(0x5a, 0x5a, 0x5a);
    assertThat(payerOnly.payeeSignature()).isEmpty();
    JournalBlocks.JournaledTransfer deposit =
        reader.transfer(0, new TransferId(0x601d, 1), 3).orElseThrow();
    assertThat(deposit.batchSequence()).isZero();
    assertThat(deposit.payerSignature()).isEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A closed ledger in {@link #dir} whose journal spans {@code segments} segments. */
  private History written(long seed, int segments) throws IOException {
    History history = new History(seed);
    try (Ledger ledger = Ledger.open(dir, JournalRoundTripTest.SMALL_SEGMENTS)) {
      history.writeUntilSegments(ledger, segments);
    }
    return history;
  }

  /** The segment files of the journal in {@link #dir}, oldest first. */
  private List<Path> segments() throws IOException {
    return JournalReader.segmentFiles(Ledger.journalDirectory(dir));
  }

  private JournalBlocks reader(int checkpointBatches) {
    return new JournalBlocks(FileStorage.INSTANCE, Ledger.journalDirectory(dir), checkpointBatches);
  }

  private static void assertMatchesHistory(List<JournalBlocks.Block> blocks, History history) {
    assertThat(blocks).hasSize(history.batches.size());
    byte[] previous = new byte[32];
    for (int i = 0; i < blocks.size(); i++) {
      JournalBlocks.Block block = blocks.get(i);
      assertBlock(block, history.batches.get(i));
      assertThat(block.previousHash()).as("previous hash of block %s", i).isEqualTo(previous);
      previous = block.hash();
    }
  }

  private static void assertBlock(JournalBlocks.Block block, WrittenBatch written) {
    assertThat(block.sequence()).isEqualTo(written.sequence());
    assertThat(block.timeMillis()).isEqualTo(written.timeMillis());
    assertThat(block.recordCount()).isEqualTo(written.transfers().size());
    assertThat(block.hash()).as("hash of block %s", written.sequence()).isEqualTo(written.hash());
  }

  /** One accepted command as the writer saw it: its transfer, batch and signatures. */
  record Written(TransferView view, long batch, Command command) {
    byte[] payerSignature() {
      return command instanceof Command.Transfer t ? t.payerSignature() : Command.NONE;
    }

    byte[] payeeSignature() {
      return command instanceof Command.Transfer t ? t.payeeSignature() : Command.NONE;
    }
  }

  /** One written batch: the head hash the writer reported after writing it. */
  record WrittenBatch(long sequence, long timeMillis, byte[] hash, List<Written> transfers) {}

  /**
   * Writes batches of registrations and transfers (a third signed by both sides, a third by the
   * payer only, the rest unsigned) and keeps what each batch wrote.
   */
  static final class History {
    final List<WrittenBatch> batches = new CopyOnWriteArrayList<>();
    private final Random random;
    private final List<String> names = new ArrayList<>();
    private long timeMillis = 1_700_000_000_000L;

    History(long seed) {
      this.random = new Random(seed);
    }

    /** Writes until the journal spans {@code segments} segment files. */
    void writeUntilSegments(Ledger ledger, int segments) throws IOException {
      Set<Long> used = new HashSet<>(Set.of(ledger.position().segmentId()));
      write(ledger, 10, 0);
      while (used.size() < segments) {
        write(ledger, random.nextInt(2), 1 + random.nextInt(30));
        used.add(ledger.position().segmentId());
      }
    }

    void write(Ledger ledger, int registrations, int transfers) throws IOException {
      timeMillis += 1 + random.nextInt(1_000);
      Batch batch = ledger.newBatch(timeMillis);
      long sequence = ledger.position().nextBatchSequence();
      List<Command> commands = new ArrayList<>();
      for (int i = 0; i < registrations; i++) {
        String name = "acct-" + names.size();
        names.add(name);
        commands.add(new Command.OpenAccount(TransferId.random(random), name, null, 1_000_000));
      }
      for (int i = 0; i < transfers; i++) {
        int payer = random.nextInt(names.size());
        int payee = (payer + 1 + random.nextInt(names.size() - 1)) % names.size();
        int signed = random.nextInt(3);
        commands.add(
            new Command.Transfer(
                TransferId.random(random),
                names.get(payer),
                names.get(payee),
                1 + random.nextInt(10),
                signed > 0 ? signature() : null,
                signed > 1 ? signature() : null));
      }
      List<Written> written = new ArrayList<>();
      for (Command command : commands) {
        Outcome outcome = batch.execute(command);
        if (!(outcome instanceof Outcome.Accepted accepted) || accepted.duplicate()) {
          throw new AssertionError("command not applied: " + outcome);
        }
        written.add(new Written(accepted.transfer(), sequence, command));
      }
      ledger.write(batch);
      assertThat(ledger.position().nextBatchSequence()).isEqualTo(sequence + 1);
      batches.add(
          new WrittenBatch(
              sequence, timeMillis, ledger.position().headHash(), List.copyOf(written)));
    }

    List<Written> lastBatch() {
      return batches.get(batches.size() - 1).transfers();
    }

    List<Written> transfers() {
      return batches.stream().flatMap(b -> b.transfers().stream()).toList();
    }

    private byte[] signature() {
      byte[] signature = new byte[64 + random.nextInt(9)];
      random.nextBytes(signature);
      return signature;
    }
  }
}
