package io.paywire.ledger;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The journal's on-disk layout. The journal is a directory of append-only segment files named
 * {@code segment-<first batch sequence, 20 digits>.log}; each holds whole batch frames:
 *
 * <pre>
 * header 16 bytes: magic "PWJ1" 4 | bodyLength 4 | headerCrc 4 (CRC32C of magic and bodyLength)
 *                  | bodyCrc 4 (CRC32C of body and hash)
 * body:            batchSequence 8 | timeMillis 8 | recordCount 4 | previousHash 32
 *                  | records: (payloadLength 4 | payloadCrc 4 (CRC32C of payload) | payload)*
 * hash 32 bytes:   SHA-256 of the body
 * </pre>
 *
 * A batch is the ledger's block: its hash covers the previous batch's hash, so changing any byte of
 * history changes every hash after it. All integers are big-endian.
 */
final class JournalFormat {

  static final int MAGIC = 0x50574A31; // "PWJ1"
  static final int HEADER_BYTES = 16;
  static final int HASH_BYTES = 32;
  static final int BODY_FIXED_BYTES = 8 + 8 + 4 + HASH_BYTES;
  static final int RECORD_OVERHEAD_BYTES = 8;

  /** The largest body a writer can make: the fixed fields and a batch of the largest size. */
  static final int MAX_BODY_BYTES = BODY_FIXED_BYTES + LedgerOptions.MAX_BATCH_BYTES;

  // Where the body's fields lie, counted from the first byte of the frame.
  static final int BODY_CRC_AT = 12;
  static final int SEQUENCE_AT = HEADER_BYTES;
  static final int TIME_AT = SEQUENCE_AT + 8;
  static final int RECORD_COUNT_AT = TIME_AT + 8;
  static final int PREVIOUS_HASH_AT = RECORD_COUNT_AT + 4;
  static final int RECORDS_AT = PREVIOUS_HASH_AT + HASH_BYTES;

  /** The previous hash of the first batch. */
  static final byte[] GENESIS_HASH = new byte[HASH_BYTES];

  static final String SEGMENT_PREFIX = "segment-";
  static final String SEGMENT_SUFFIX = ".log";

  private JournalFormat() {}

  static String segmentName(long firstBatchSequence) {
    return String.format("%s%020d%s", SEGMENT_PREFIX, firstBatchSequence, SEGMENT_SUFFIX);
  }

  /** The first batch sequence a segment file is named after, or -1 if it is not a segment. */
  static long segmentId(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith(SEGMENT_PREFIX)
        || !name.endsWith(SEGMENT_SUFFIX)
        || name.length() != SEGMENT_PREFIX.length() + 20 + SEGMENT_SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name, SEGMENT_PREFIX.length(), SEGMENT_PREFIX.length() + 20, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Receives each record of a frame, in order. */
  interface RecordSink {
    /** Throws IllegalStateException if the command cannot be taken (it does not apply). */
    void accept(int index, Command command);
  }

  /** The bytes a frame with a body of {@code bodyLength} takes in its segment. */
  static long frameBytes(int bodyLength) {
    return (long) HEADER_BYTES + bodyLength + HASH_BYTES;
  }

  /** Whether the frame header at {@code at} has the magic and a body length its checksum covers. */
  static boolean headerChecks(ByteBuffer data, int at) {
    int magic = data.getInt(at);
    return magic == MAGIC && data.getInt(at + 8) == headerCrc(magic, data.getInt(at + 4));
  }

  /** Whether the body and hash of the frame at {@code at} match the checksum in its header. */
  static boolean bodyChecks(byte[] data, int at, int bodyLength) {
    return ByteBuffer.wrap(data).getInt(at + BODY_CRC_AT)
        == crc(data, at + HEADER_BYTES, bodyLength + HASH_BYTES);
  }

  /**
   * The SHA-256 of the body of the frame at {@code at}, if the frame's stored hash equals it; null
   * if not.
   */
  static byte[] checkedHash(MessageDigest sha256, byte[] data, int at, int bodyLength) {
    int bodyStart = at + HEADER_BYTES;
    sha256.update(data, bodyStart, bodyLength);
    byte[] hash = sha256.digest();
    int hashAt = bodyStart + bodyLength;
    return Arrays.equals(data, hashAt, hashAt + HASH_BYTES, hash, 0, hash.length) ? hash : null;
  }

  /**
   * Decodes every record of the frame at {@code at}, whose checksums were checked already, and
   * hands each to {@code sink}. Offsets in exceptions are {@code fileOffset} (where {@code data[0]}
   * lies in the file) plus the record's place in {@code data}.
   *
   * @throws JournalCorruptException if a record is missing, of a bad length, does not decode, is
   *     refused by the sink, or bytes follow the last one
   */
  static void readRecords(
      Path file, long fileOffset, byte[] data, int at, int bodyLength, RecordSink sink)
      throws JournalCorruptException {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    int bodyEnd = at + HEADER_BYTES + bodyLength;
    long sequence = buffer.getLong(at + SEQUENCE_AT);
    int recordCount = buffer.getInt(at + RECORD_COUNT_AT);
    buffer.position(at + RECORDS_AT);
    for (int r = 0; r < recordCount; r++) {
      int recordOffset = buffer.position();
      if (bodyEnd - recordOffset < RECORD_OVERHEAD_BYTES) {
        throw new JournalCorruptException(
            file, fileOffset + recordOffset, "record " + r + " is missing");
      }
      int length = buffer.getInt();
      buffer.getInt(); // the frame checksum already covered this record
      if (length < 1 || length > bodyEnd - buffer.position()) {
        throw new JournalCorruptException(
            file, fileOffset + recordOffset, "record " + r + " has bad length");
      }
      try {
        sink.accept(r, RecordCodec.decode(buffer.slice(buffer.position(), length)));
      } catch (IllegalArgumentException | IllegalStateException invalid) {
        throw new JournalCorruptException(
            file,
            fileOffset + recordOffset,
            "record " + r + " of batch " + sequence + ": " + invalid.getMessage());
      }
      buffer.position(buffer.position() + length);
    }
    if (buffer.position() != bodyEnd) {
      throw new JournalCorruptException(
          file, fileOffset + buffer.position(), "bytes after the last record");
    }
  }

  static int headerCrc(int magic, int bodyLength) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putInt(magic).putInt(bodyLength).flip());
    return (int) crc.getValue();
  }

  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
