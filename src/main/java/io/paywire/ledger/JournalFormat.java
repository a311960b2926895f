package io.paywire.ledger;

import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * A batch is the ledger's block: its hash covers the previous batch's hash, so changing any byte
 * of history changes every hash after it. All integers are big-endian.
 */
final class JournalFormat {

  static final int MAGIC = 0x50574A31; // "PWJ1"
  static final int HEADER_BYTES = 16;
  static final int HASH_BYTES = 32;
  static final int BODY_FIXED_BYTES = 8 + 8 + 4 + HASH_BYTES;
  static final int RECORD_OVERHEAD_BYTES = 8;
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
    if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)
        || name.length() != SEGMENT_PREFIX.length() + 20 + SEGMENT_SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name, SEGMENT_PREFIX.length(), SEGMENT_PREFIX.length() + 20, 10);
    } catch (NumberFormatException e) {
      return -1;
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
