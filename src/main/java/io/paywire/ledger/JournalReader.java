package io.paywire.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the journal from a position to its end, checking every frame (checksums, hash chain,
 * sequence numbers) before handing its commands to a visitor. A frame cut short at the very end of
 * the last segment is a torn write from a crash: reported, never applied. Anything else that does
 * not check out is corruption: {@link JournalCorruptException} names file and offset.
 */
final class JournalReader {

  /** Receives each command of each valid batch, in order. */
  interface RecordVisitor {
    /** Throws IllegalStateException if the command cannot be applied. */
    void apply(Command command, long batchTimeMillis);
  }

  /**
   * Where reading stopped.
   *
   * @param end the position after the last valid batch
   * @param tornFile the segment holding a torn tail at {@code end}, or null if the end is clean
   * @param tornBytes how many bytes of a torn tail follow {@code end}
   */
  record Tail(
      JournalPosition end, Path tornFile, long tornBytes, long batchesRead, long recordsRead) {
    boolean torn() {
      return tornFile != null;
    }
  }

  private JournalReader() {}

  static List<Long> segmentIds(Storage storage, Path directory) throws IOException {
    return storage.list(directory).stream()
        .map(JournalFormat::segmentId)
        .filter(id -> id >= 0)
        .sorted()
        .toList();
  }

  static Tail read(Storage storage, Path directory, JournalPosition from, RecordVisitor visitor)
      throws IOException {
    List<Long> ids = segmentIds(storage, directory);
    if (ids.isEmpty()) {
      if (from.offset() != 0 || from.nextBatchSequence() != 0) {
        throw new JournalCorruptException(
            directory,
            0,
            "no journal segments, but batches up to " + from.nextBatchSequence() + " are expected");
      }
      return new Tail(from, null, 0, 0, 0);
    }
    int first = ids.indexOf(from.segmentId());
    if (first < 0) {
      throw new JournalCorruptException(
          directory.resolve(JournalFormat.segmentName(from.segmentId())),
          from.offset(),
          "segment is missing");
    }
    Cursor cursor = new Cursor(from, visitor);
    for (int i = first; i < ids.size(); i++) {
      long id = ids.get(i);
      Path file = directory.resolve(JournalFormat.segmentName(id));
      if (i > first && id != cursor.nextSequence) {
        throw new JournalCorruptException(
            file,
            0,
            "segment starts at batch " + id + " but batch " + cursor.nextSequence + " is next");
      }
      byte[] data = storage.readAll(file);
      long start = i == first ? from.offset() : 0;
      if (start > data.length) {
        throw new JournalCorruptException(file, data.length, "segment shorter than expected");
      }
      boolean lastSegment = i == ids.size() - 1;
      long tornAt = cursor.readSegment(file, id, data, (int) start, lastSegment);
      if (tornAt >= 0) {
        return cursor.tail(file, data.length - tornAt);
      }
    }
    return cursor.tail(null, 0);
  }

  /** The running state of one read: what must come next. */
  private static final class Cursor {
    private static final int MIN_UNWRITTEN_ZEROS = 8;

    private final RecordVisitor visitor;
    private final MessageDigest sha256 = Fingerprint.sha256();
    private long segmentId;
    private long offset;
    private long nextSequence;
    private byte[] previousHash;
    private long batches;
    private long records;

    Cursor(JournalPosition from, RecordVisitor visitor) {
      this.visitor = visitor;
      this.segmentId = from.segmentId();
      this.offset = from.offset();
      this.nextSequence = from.nextBatchSequence();
      this.previousHash = from.headHash().clone();
    }

    Tail tail(Path tornFile, long tornBytes) {
      return new Tail(
          new JournalPosition(segmentId, offset, nextSequence, previousHash),
          tornFile,
          tornBytes,
          batches,
          records);
    }

    /** Reads every frame of one segment; returns the offset of a torn tail, or -1. */
    long readSegment(Path file, long id, byte[] data, int start, boolean lastSegment)
        throws JournalCorruptException {
      segmentId = id;
      offset = start;
      int pos = start;
      while (pos < data.length) {
        int remaining = data.length - pos;
        if (remaining < JournalFormat.HEADER_BYTES) {
          return tornOrCorrupt(file, pos, lastSegment, "incomplete frame header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int bodyLength = buffer.getInt(pos + 4);
        if (!JournalFormat.headerChecks(buffer, pos)) {
          if (lastSegment
              && (zerosFrom(data, pos, data.length)
                  || unwrittenTail(data, pos, pos + JournalFormat.HEADER_BYTES))) {
            return pos; // space the file system extended but the crash left unwritten
          }
          throw new JournalCorruptException(file, pos, "bad frame header");
        }
        if (bodyLength < JournalFormat.BODY_FIXED_BYTES) {
          throw new JournalCorruptException(file, pos, "frame body too short");
        }
        long frameEnd = pos + JournalFormat.frameBytes(bodyLength);
        if (frameEnd > data.length) {
          return tornOrCorrupt(file, pos, lastSegment, "frame extends past the segment's end");
        }
        int bodyStart = pos + JournalFormat.HEADER_BYTES;
        if (!JournalFormat.bodyChecks(data, pos, bodyLength)) {
          if (lastSegment
              && frameEnd == data.length
              && unwrittenTail(data, bodyStart, data.length)) {
            return pos;
          }
          throw firstBadRecord(file, data, pos, bodyStart + bodyLength);
        }
        readFrame(file, data, pos, bodyLength);
        pos = (int) frameEnd;
        offset = pos;
      }
      return -1;
    }

    private long tornOrCorrupt(Path file, int pos, boolean lastSegment, String reason)
        throws JournalCorruptException {
      if (lastSegment) {
        return pos;
      }
      throw new JournalCorruptException(file, pos, reason + " in a segment that is not the last");
    }

    private void readFrame(Path file, byte[] data, int pos, int bodyLength)
        throws JournalCorruptException {
      byte[] hash = JournalFormat.checkedHash(sha256, data, pos, bodyLength);
      if (hash == null) {
        throw new JournalCorruptException(file, pos, "batch hash does not match its body");
      }
      ByteBuffer buffer = ByteBuffer.wrap(data);
      long sequence = buffer.getLong(pos + JournalFormat.SEQUENCE_AT);
      long timeMillis = buffer.getLong(pos + JournalFormat.TIME_AT);
      if (sequence != nextSequence) {
        throw new JournalCorruptException(
            file, pos, "batch " + sequence + " where batch " + nextSequence + " was expected");
      }
      int previousAt = pos + JournalFormat.PREVIOUS_HASH_AT;
      if (!Arrays.equals(
          data,
          previousAt,
          previousAt + JournalFormat.HASH_BYTES,
          previousHash,
          0,
          JournalFormat.HASH_BYTES)) {
        throw new JournalCorruptException(
            file, pos, "batch " + sequence + " does not chain to the previous batch's hash");
      }
      JournalFormat.readRecords(
          file,
          0,
          data,
          pos,
          bodyLength,
          (r, command) -> {
            visitor.apply(command, timeMillis);
            records++;
          });
      previousHash = hash;
      nextSequence++;
      batches++;
    }

    /** Names the first record whose own checksum fails, or the frame if the records check out. */
    private static JournalCorruptException firstBadRecord(
        Path file, byte[] data, int framePos, int bodyEnd) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      int recordCount = buffer.getInt(framePos + JournalFormat.RECORD_COUNT_AT);
      int pos = framePos + JournalFormat.RECORDS_AT;
      for (int r = 0;
          r < recordCount && pos + JournalFormat.RECORD_OVERHEAD_BYTES <= bodyEnd;
          r++) {
        int length = buffer.getInt(pos);
        if (length < 1
            || length > bodyEnd - pos - JournalFormat.RECORD_OVERHEAD_BYTES
            || buffer.getInt(pos + 4)
                != JournalFormat.crc(data, pos + JournalFormat.RECORD_OVERHEAD_BYTES, length)) {
          return new JournalCorruptException(file, pos, "record " + r + " fails its checksum");
        }
        pos += JournalFormat.RECORD_OVERHEAD_BYTES + length;
      }
      return new JournalCorruptException(file, framePos, "batch frame fails its checksum");
    }

    /**
     * Whether a failed check of the last frame is explained by a crash: the file ends in a run of
     * at least {@link #MIN_UNWRITTEN_ZEROS} zero bytes that starts before {@code startsBefore}, as
     * when a file system extended the file before the data reached the disk. A complete frame ends
     * in a SHA-256 hash, which ends in that many zeros with probability 2^-64.
     */
    private static boolean unwrittenTail(byte[] data, int from, int startsBefore) {
      int zeros = data.length;
      while (zeros > from && data[zeros - 1] == 0) {
        zeros--;
      }
      return zeros < startsBefore && data.length - zeros >= MIN_UNWRITTEN_ZEROS;
    }

    private static boolean zerosFrom(byte[] data, int from, int to) {
      for (int i = from; i < to; i++) {
        if (data[i] != 0) {
          return false;
        }
      }
      return true;
    }
  }

  /** Lists segment files for tools and tests. */
  static List<Path> segmentFiles(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    for (long id : segmentIds(FileStorage.INSTANCE, directory)) {
      files.add(directory.resolve(JournalFormat.segmentName(id)));
    }
    return files;
  }
}
