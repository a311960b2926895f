package io.paywire.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Appends batch frames to the journal: one write and, unless the caller makes the batch durable
 * elsewhere (a Raft member, whose log holds it), one fsync per batch. Not thread-safe: one caller
 * at a time, and the ledger never has two batches in flight.
 */
final class JournalWriter implements AutoCloseable {

  private final Storage storage;
  private final Path directory;
  private final long segmentBytes;
  private final MessageDigest sha256 = Fingerprint.sha256();
  private Storage.AppendFile channel;
  private JournalPosition position;

  private JournalWriter(
      Storage storage, Path directory, long segmentBytes, JournalPosition position)
      throws IOException {
    this.storage = storage;
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.position = position;
    boolean created =
        !storage.exists(directory.resolve(JournalFormat.segmentName(position.segmentId())));
    this.channel = openSegment(position.segmentId());
    if (created) {
      storage.syncDirectory(directory);
    }
    if (channel.size() != position.offset()) {
      throw new IllegalStateException(
          "segment "
              + position.segmentId()
              + " has "
              + channel.size()
              + " bytes but the journal ends at "
              + position.offset()
              + "; recovery must run first");
    }
  }

  /** Opens the journal for appending at a position recovery found to be the valid end. */
  static JournalWriter open(Storage storage, Path directory, JournalPosition end, long segmentBytes)
      throws IOException {
    return new JournalWriter(storage, directory, segmentBytes, end);
  }

  JournalPosition position() {
    return position;
  }

  /**
   * Writes one batch and, with {@code force}, forces it to disk: only then are the batch's commands
   * durable when this returns. Without, the bytes are written (a crash of the process keeps them, a
   * power cut may not) and {@link Ledger#forceJournalUpTo} makes them durable later. On an
   * exception nothing may be acknowledged and the writer must not be used again.
   *
   * @param previous where the caller's last batch ended: the new frame must carry the next sequence
   *     number and chain to that batch's hash, or nothing is written
   * @param records the encoded records, from position 0 to the limit
   * @throws IllegalStateException if the frame would not continue the sequence and hash chain
   */
  JournalPosition append(
      JournalPosition previous, long timeMillis, int recordCount, ByteBuffer records, boolean force)
      throws IOException {
    int bodyLength = JournalFormat.BODY_FIXED_BYTES + records.remaining();
    int frameLength = JournalFormat.HEADER_BYTES + bodyLength + JournalFormat.HASH_BYTES;
    if (position.offset() > 0 && position.offset() + frameLength > segmentBytes) {
      rollSegment();
    }
    ByteBuffer frame = ByteBuffer.allocate(frameLength);
    frame.position(JournalFormat.HEADER_BYTES);
    frame
        .putLong(position.nextBatchSequence())
        .putLong(timeMillis)
        .putInt(recordCount)
        .put(position.headHash())
        .put(records);
    byte[] array = frame.array();
    sha256.update(array, JournalFormat.HEADER_BYTES, bodyLength);
    byte[] hash = sha256.digest();
    frame.put(hash);
    frame
        .putInt(0, JournalFormat.MAGIC)
        .putInt(4, bodyLength)
        .putInt(8, JournalFormat.headerCrc(JournalFormat.MAGIC, bodyLength))
        .putInt(
            JournalFormat.BODY_CRC_AT,
            JournalFormat.crc(
                array, JournalFormat.HEADER_BYTES, bodyLength + JournalFormat.HASH_BYTES));
    requireContinues(previous, frame);
    frame.flip();
    channel.write(frame);
    if (force) {
      channel.force();
    }
    position =
        new JournalPosition(
            position.segmentId(),
            position.offset() + frameLength,
            position.nextBatchSequence() + 1,
            hash);
    return position;
  }

  /** Checks the frame as built, from its bytes: sequence and previous hash follow the caller's. */
  private static void requireContinues(JournalPosition previous, ByteBuffer frame) {
    long expected = previous.nextBatchSequence();
    long sequence = frame.getLong(JournalFormat.SEQUENCE_AT);
    if (sequence != expected) {
      throw new IllegalStateException(
          "batch "
              + expected
              + ": frame carries sequence "
              + sequence
              + ", which does not follow batch "
              + (expected - 1));
    }
    int hashAt = JournalFormat.PREVIOUS_HASH_AT;
    if (!Arrays.equals(
        frame.array(),
        hashAt,
        hashAt + JournalFormat.HASH_BYTES,
        previous.headHash(),
        0,
        JournalFormat.HASH_BYTES)) {
      throw new IllegalStateException(
          "batch " + expected + ": frame does not chain to the hash of batch " + (expected - 1));
    }
  }

  /** Test seam: makes the writer's bookkeeping wrong, as a bug in it would. */
  void setPositionForTest(JournalPosition wrong) {
    position = wrong;
  }

  private void rollSegment() throws IOException {
    channel.close();
    long segmentId = position.nextBatchSequence();
    channel = openSegment(segmentId);
    storage.syncDirectory(directory);
    position = new JournalPosition(segmentId, 0, position.nextBatchSequence(), position.headHash());
  }

  private Storage.AppendFile openSegment(long segmentId) throws IOException {
    return storage.openAppend(directory.resolve(JournalFormat.segmentName(segmentId)));
  }

  @Override
  public void close() throws IOException {
    close(true);
  }

  /** Closes the segment, forcing it to disk first if {@code sync}. */
  void close(boolean sync) throws IOException {
    try {
      if (sync) {
        channel.force();
      }
    } finally {
      channel.close();
    }
  }
}
