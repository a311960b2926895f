package io.paywire.ledger;

import static io.paywire.ledger.JournalRoundTripTest.copyDirectory;
import static io.paywire.ledger.JournalRoundTripTest.currentSegment;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import io.paywire.ledger.JournalRoundTripTest.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash can leave the last batch frame cut short at any byte, or leave space the file system
 * added but never filled. Recovery drops exactly that tail, keeps every batch before it, and the
 * ledger goes on writing where the last whole batch ended.
 */
class JournalTornTailTest {

  @TempDir Path dir;

  /**
   * A closed journal and what it held before and after its last batch.
   *
   * @param frameStart where the last batch frame starts in {@code segment}
   * @param fileEnd the segment's length with the last frame complete
   */
  record Written(
      LedgerOptions options,
      Path data,
      Path segment,
      long frameStart,
      long fileEnd,
      long batches,
      Picture beforeLast,
      Picture afterLast) {

    /** The same segment in a copy of the data directory. */
    Path segmentIn(Path copy) {
      return copy.resolve(data.relativize(segment));
    }
  }

  @Test
  void everyCutInsideTheLastBatchRecoversExactlyTheBatchesBeforeIt() throws IOException {
    Written written = writeBatches(LedgerOptions.DEFAULTS, 5);
    assertThat(written.frameStart()).isPositive();

    for (long cut = written.frameStart(); cut < written.fileEnd(); cut++) {
      Path copy = copyDirectory(written.data(), dir.resolve("cut-" + cut));
      truncate(written.segmentIn(copy), cut);

      assertRecoversBeforeLast(written, copy, cut - written.frameStart());
    }
  }

  @Test
  void everyCutInsideTheFirstBatchOfANewSegmentRecoversTheEndOfThePreviousSegment()
      throws IOException {
    Written written = writeUntilTheLastBatchStartsASegment();
    assertThat(written.frameStart()).isZero();

    // Every cut through the header, then a sample of the rest: each open replays a full segment.
    for (long cut = 0; cut < written.fileEnd(); cut += cut <= JournalFormat.HEADER_BYTES ? 1 : 7) {
      Path copy = copyDirectory(written.data(), dir.resolve("cut-" + cut));
      truncate(written.segmentIn(copy), cut);

      assertRecoversBeforeLast(written, copy, cut);
    }
  }

  @Test
  void zerosAfterTheLastBatchAreATornTail() throws IOException {
    Written written = writeBatches(LedgerOptions.DEFAULTS, 3);

    for (int zeros : List.of(1, 4, 15, 16, 17, 100, 4096)) {
      Path copy = copyDirectory(written.data(), dir.resolve("zeros-" + zeros));
      Path segment = written.segmentIn(copy);
      Files.write(segment, new byte[zeros], StandardOpenOption.APPEND);

      try (Ledger ledger = Ledger.open(copy, written.options())) {
        assertThat(Picture.of(ledger)).isEqualTo(written.afterLast());
        assertThat(ledger.recovery().tornBytesTruncated()).isEqualTo(zeros);
        assertThat(ledger.recovery().batchesReplayed()).isEqualTo(written.batches());
      }
      assertThat(Files.size(segment)).isEqualTo(written.fileEnd());
    }
  }

  @Test
  void zerosAfterAPartialLastBatchAreATornTail() throws IOException {
    Written written = writeBatches(LedgerOptions.DEFAULTS, 3);
    long frameLength = written.fileEnd() - written.frameStart();

    // The header made it to disk, the rest of the frame did not, and the file grew by less than
    // the frame's length: the frame still reads as cut short.
    for (long kept : List.of(16L, 40L, frameLength / 2, frameLength - 2)) {
      for (long zeros : new TreeSet<>(List.of(1L, frameLength - kept - 1))) {
        Path copy = copyDirectory(written.data(), dir.resolve("kept-" + kept + "-zeros-" + zeros));
        Path segment = written.segmentIn(copy);
        truncate(segment, written.frameStart() + kept);
        Files.write(segment, new byte[(int) zeros], StandardOpenOption.APPEND);

        assertRecoversBeforeLast(written, copy, kept + zeros);
      }
    }
  }

  @Test
  void aFullLengthLastFrameEndingInUnwrittenZerosIsATornTail() throws IOException {
    Written written = writeBatches(LedgerOptions.DEFAULTS, 3);
    long frameLength = written.fileEnd() - written.frameStart();

    // The file system extended the file to the frame's full length, but only a prefix of the
    // frame (part of its header, or all of it and part of the body) reached the disk.
    for (long kept : List.of(0L, 5L, 12L, 16L, 40L, frameLength / 2, frameLength - 8)) {
      Path copy = copyDirectory(written.data(), dir.resolve("full-kept-" + kept));
      Path segment = written.segmentIn(copy);
      truncate(segment, written.frameStart() + kept);
      Files.write(segment, new byte[(int) (frameLength - kept)], StandardOpenOption.APPEND);

      assertRecoversBeforeLast(written, copy, frameLength);
    }
  }

  /**
   * Opens the damaged copy and checks recovery dropped the last batch and nothing else. For a few
   * cuts (writing costs fsyncs) it also checks the ledger goes on from there.
   */
  private static void assertRecoversBeforeLast(Written written, Path copy, long tornBytes)
      throws IOException {
    long frameLength = written.fileEnd() - written.frameStart();
    boolean thenWrite =
        tornBytes == 0
            || tornBytes == JournalFormat.HEADER_BYTES - 1
            || tornBytes == JournalFormat.HEADER_BYTES
            || tornBytes == frameLength - 1;
    Path segment = written.segmentIn(copy);
    try (Ledger ledger = Ledger.open(copy, written.options())) {
      assertThat(Picture.of(ledger))
          .as("state recovered from %s", segment)
          .isEqualTo(written.beforeLast());
      assertThat(ledger.recovery().tornBytesTruncated()).as("torn bytes").isEqualTo(tornBytes);
      assertThat(ledger.recovery().batchesReplayed()).isEqualTo(written.batches() - 1);
      assertThat(Files.size(segment))
          .as("segment length after recovery")
          .isEqualTo(written.frameStart());
      ledger.state().checkInvariants();
    }
    if (thenWrite) {
      assertWritesOnFromTheRecoveredEnd(written, copy, tornBytes);
    }
  }

  /** The ledger must append where the last whole batch ended, and chain to it. */
  private static void assertWritesOnFromTheRecoveredEnd(Written written, Path copy, long seed)
      throws IOException {
    Picture afterAnotherBatch;
    try (Ledger ledger = Ledger.open(copy, written.options())) {
      Batch batch = ledger.newBatch(9_000_000_000_000L);
      batch.execute(
          new Command.OpenAccount(TransferId.random(new Random(seed)), "after-crash", null, 10));
      ledger.write(batch);
      afterAnotherBatch = Picture.of(ledger);
    }
    try (Ledger reopened = Ledger.open(copy, written.options())) {
      assertThat(Picture.of(reopened)).isEqualTo(afterAnotherBatch);
      assertThat(reopened.recovery().tornBytesTruncated()).isZero();
    }
  }

  /** Writes small batches and remembers where the last one starts. */
  private Written writeBatches(LedgerOptions options, int batches) throws IOException {
    Path data = dir.resolve("original");
    Workload workload = new Workload(11);
    try (Ledger ledger = Ledger.open(data, options)) {
      workload.batch(ledger, 4, 0);
      for (int i = 1; i < batches - 1; i++) {
        workload.batch(ledger, 0, 3);
      }
      return writeLast(options, data, ledger, workload, batches);
    }
  }

  /**
   * Fills most of a segment with large batches, then writes small ones until one of them rolls into
   * a new segment, so the torn frame is small and alone in its file.
   */
  private Written writeUntilTheLastBatchStartsASegment() throws IOException {
    LedgerOptions options = JournalRoundTripTest.SMALL_SEGMENTS;
    Path data = dir.resolve("original");
    Workload workload = new Workload(12);
    try (Ledger ledger = Ledger.open(data, options)) {
      workload.batch(ledger, 4, 0);
      long batches = 1;
      while (ledger.position().offset() < options.segmentBytes() - 8_000) {
        workload.batch(ledger, 0, 100);
        batches++;
      }
      while (true) {
        Picture before = Picture.of(ledger);
        Batch next = workload.fill(ledger, 0, 3);
        long frameLength =
            (long) JournalFormat.HEADER_BYTES
                + JournalFormat.BODY_FIXED_BYTES
                + next.encodedRecords().remaining()
                + JournalFormat.HASH_BYTES;
        if (ledger.position().offset() + frameLength > options.segmentBytes()) {
          // This batch rolls; it must be the last one written.
          long sequence = ledger.position().nextBatchSequence();
          ledger.write(next);
          Path segment = currentSegment(data, ledger);
          assertThat(JournalFormat.segmentId(segment)).isEqualTo(sequence);
          assertThat(ledger.position().offset()).isEqualTo(frameLength);
          return new Written(
              options,
              data,
              segment,
              0,
              Files.size(segment),
              batches + 1,
              before,
              Picture.of(ledger));
        }
        ledger.write(next);
        batches++;
      }
    }
  }

  private static Written writeLast(
      LedgerOptions options, Path data, Ledger ledger, Workload workload, long batches)
      throws IOException {
    Picture before = Picture.of(ledger);
    Path segment = currentSegment(data, ledger);
    long frameStart = Files.size(segment);
    assertThat(ledger.position().offset()).isEqualTo(frameStart);
    workload.batch(ledger, 0, 3);
    assertThat(currentSegment(data, ledger)).isEqualTo(segment);
    long fileEnd = Files.size(segment);
    assertThat(ByteBuffer.wrap(Files.readAllBytes(segment)).getInt((int) frameStart))
        .isEqualTo(JournalFormat.MAGIC);
    return new Written(
        options, data, segment, frameStart, fileEnd, batches, before, Picture.of(ledger));
  }

  private static void truncate(Path file, long length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    }
  }
}
