package io.paywire.ledger;

import static io.paywire.ledger.JournalRoundTripTest.currentSegment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paywire.ledger.JournalRoundTripTest.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage anywhere but a torn tail is reported, never skipped: opening fails with a {@link
 * JournalCorruptException} that names the segment and the offset of the damaged frame or record,
 * and leaves the files as they were.
 */
class JournalCorruptionTest {

  @TempDir Path dir;

  /** Where one batch frame and each of its records lie in a segment. */
  record Frame(int start, int end, List<Integer> recordStarts, List<Integer> recordEnds) {

    /** The offset recovery must report for damage at {@code offset}: its record, or the frame. */
    int expectedReport(int offset) {
      for (int r = 0; r < recordStarts.size(); r++) {
        if (offset >= recordStarts.get(r) && offset < recordEnds.get(r)) {
          return recordStarts.get(r);
        }
      }
      return start;
    }

    String region(int offset) {
      int bodyStart = start + JournalFormat.HEADER_BYTES;
      if (offset < bodyStart) {
        return "header";
      }
      if (offset >= end - JournalFormat.HASH_BYTES) {
        return "hash";
      }
      if (offset < bodyStart + JournalFormat.BODY_FIXED_BYTES) {
        return "body fields";
      }
      return "record";
    }
  }

  @Test
  void everyFlippedByteOfAnEarlierBatchIsReportedAtItsFrameOrRecord() throws IOException {
    Path segment = writeOneSegment(5);
    List<Frame> frames = frames(Files.readAllBytes(segment));
    assertThat(frames).hasSize(5);

    assertEveryFlipIsReported(segment, frames.get(2));
  }

  @Test
  void everyFlippedByteOfACompleteLastBatchIsCorruptionNotATornTail() throws IOException {
    Path segment = writeOneSegment(4);
    List<Frame> frames = frames(Files.readAllBytes(segment));

    assertEveryFlipIsReported(segment, frames.get(frames.size() - 1));
  }

  @Test
  void batchRewrittenWithValidChecksumsIsCaughtByTheNextBatchsHashChain() throws IOException {
    Path segment = writeOneSegment(4);
    byte[] data = Files.readAllBytes(segment);
    List<Frame> frames = frames(data);
    Frame forged = frames.get(1);

    // Raise the amount of the batch's first transfer and make every checksum and hash agree.
    int record = forged.recordStarts().get(0);
    int payload = record + JournalFormat.RECORD_OVERHEAD_BYTES;
    int payloadLength = forged.recordEnds().get(0) - payload;
    ByteBuffer buffer = ByteBuffer.wrap(data);
    int amountAt = payload + 1 + 16;
    buffer.putLong(amountAt, buffer.getLong(amountAt) + 1);
    buffer.putInt(record + 4, JournalFormat.crc(data, payload, payloadLength));
    int bodyStart = forged.start() + JournalFormat.HEADER_BYTES;
    int bodyLength = forged.end() - JournalFormat.HASH_BYTES - bodyStart;
    MessageDigest sha256 = Fingerprint.sha256();
    sha256.update(data, bodyStart, bodyLength);
    buffer.put(bodyStart + bodyLength, sha256.digest());
    buffer.putInt(
        forged.start() + 12,
        JournalFormat.crc(data, bodyStart, bodyLength + JournalFormat.HASH_BYTES));
    Files.write(segment, data);

    JournalCorruptException corrupt = openExpectingCorruption();
    assertThat(corrupt.file()).isEqualTo(segment);
    assertThat(corrupt.offset()).isEqualTo((long) frames.get(2).start());
    assertThat(corrupt).hasMessageContaining("does not chain");
  }

  @Test
  void missingMiddleSegmentIsReportedAtTheSegmentAfterTheGap() throws IOException {
    List<Path> segments = writeSegments(4);
    Files.delete(segments.get(1));

    JournalCorruptException corrupt = openExpectingCorruption();
    assertThat(corrupt.file()).isEqualTo(segments.get(2));
    assertThat(corrupt.offset()).isZero();
    assertThat(corrupt).hasMessageContaining("batch " + JournalFormat.segmentId(segments.get(1)));
  }

  @Test
  void missingFirstSegmentIsReported() throws IOException {
    List<Path> segments = writeSegments(3);
    Files.delete(segments.get(0));

    JournalCorruptException corrupt = openExpectingCorruption();
    assertThat(corrupt.file()).isEqualTo(segments.get(0));
    assertThat(corrupt).hasMessageContaining("missing");
  }

  @Test
  void segmentCutShortBeforeTheLastOneIsCorruptionNotATornTail() throws IOException {
    List<Path> segments = writeSegments(3);
    Path first = segments.get(0);
    byte[] data = Files.readAllBytes(first);
    List<Frame> frames = frames(data);
    Frame last = frames.get(frames.size() - 1);
    try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE)) {
      channel.truncate(last.end() - 10);
    }

    JournalCorruptException corrupt = openExpectingCorruption();
    assertThat(corrupt.file()).isEqualTo(first);
    assertThat(corrupt.offset()).isEqualTo((long) last.start());
    assertThat(Files.size(first)).isEqualTo(last.end() - 10);
  }

  @Test
  void zerosAfterASegmentBeforeTheLastOneAreCorruption() throws IOException {
    List<Path> segments = writeSegments(3);
    Path first = segments.get(0);
    long length = Files.size(first);
    Files.write(first, new byte[64], StandardOpenOption.APPEND);

    JournalCorruptException corrupt = openExpectingCorruption();
    assertThat(corrupt.file()).isEqualTo(first);
    assertThat(corrupt.offset()).isEqualTo(length);
  }

  @Test
  void flippedByteInASegmentBeforeTheLastOneNamesThatSegment() throws IOException {
    List<Path> segments = writeSegments(3);
    Path middle = segments.get(1);
    byte[] data = Files.readAllBytes(middle);
    Frame frame = frames(data).get(1);
    int flip = frame.recordStarts().get(1) + 20;
    data[flip] ^= 0x40;
    Files.write(middle, data);

    JournalCorruptException corrupt = openExpectingCorruption();
    assertThat(corrupt.file()).isEqualTo(middle);
    assertThat(corrupt.offset()).isEqualTo((long) frame.recordStarts().get(1));
  }

  /**
   * Flips each byte of one frame in turn: opening must fail, naming the segment and the frame or
   * record that holds the flip, and must leave the segment untouched.
   */
  private void assertEveryFlipIsReported(Path segment, Frame frame) throws IOException {
    byte[] original = Files.readAllBytes(segment);
    for (int flip = frame.start(); flip < frame.end(); flip++) {
      byte[] damaged = original.clone();
      damaged[flip] ^= (byte) 0xFF;
      Files.write(segment, damaged);

      JournalCorruptException corrupt = openExpectingCorruption();
      String where = "flip at " + flip + " in the " + frame.region(flip) + " of " + frame;
      assertThat(corrupt).as(where).isNotNull();
      assertThat(corrupt.file()).as(where).isEqualTo(segment);
      assertThat(corrupt.offset())
          .as(where)
          .isEqualTo(frame.expectedReport(flip))
          .isBetween((long) frame.start(), (long) flip);
      assertThat(Files.readAllBytes(segment)).as(where).isEqualTo(damaged);
    }
    Files.write(segment, original);
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      ledger.state().checkInvariants();
    }
  }

  private JournalCorruptException openExpectingCorruption() {
    return catchThrowableOfType(
        JournalCorruptException.class,
        () -> {
          try (Ledger ledger = Ledger.open(dir, JournalRoundTripTest.SMALL_SEGMENTS)) {
            throw new AssertionError(
                "opened a damaged journal with " + ledger.state().transferCount() + " transfers");
          }
        });
  }

  /** Writes small batches into one segment and returns it. */
  private Path writeOneSegment(int batches) throws IOException {
    Workload workload = new Workload(21);
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      workload.batch(ledger, 4, 0);
      for (int i = 1; i < batches; i++) {
        workload.batch(ledger, 0, 3);
      }
      return currentSegment(dir, ledger);
    }
  }

  /** Writes until the journal has {@code count} segments. */
  private List<Path> writeSegments(int count) throws IOException {
    Workload workload = new Workload(22);
    try (Ledger ledger = Ledger.open(dir, JournalRoundTripTest.SMALL_SEGMENTS)) {
      workload.batch(ledger, 10, 0);
      while (JournalReader.segmentFiles(Ledger.journalDirectory(dir)).size() < count) {
        workload.batch(ledger, 0, 200);
      }
    }
    return JournalReader.segmentFiles(Ledger.journalDirectory(dir));
  }

  /** Reads the frame layout JournalFormat documents, trusting the bytes (they are undamaged). */
  static List<Frame> frames(byte[] segment) {
    ByteBuffer buffer = ByteBuffer.wrap(segment);
    List<Frame> frames = new ArrayList<>();
    int pos = 0;
    while (pos < segment.length) {
      int bodyLength = buffer.getInt(pos + 4);
      int bodyStart = pos + JournalFormat.HEADER_BYTES;
      int recordCount = buffer.getInt(bodyStart + 16);
      List<Integer> starts = new ArrayList<>();
      List<Integer> ends = new ArrayList<>();
      int record = bodyStart + JournalFormat.BODY_FIXED_BYTES;
      for (int r = 0; r < recordCount; r++) {
        starts.add(record);
        record += JournalFormat.RECORD_OVERHEAD_BYTES + buffer.getInt(record);
        ends.add(record);
      }
      int end = bodyStart + bodyLength + JournalFormat.HASH_BYTES;
      if (record != bodyStart + bodyLength) {
        throw new IllegalStateException("frame at " + pos + " does not parse");
      }
      frames.add(new Frame(pos, end, starts, ends));
      pos = end;
    }
    return frames;
  }
}
