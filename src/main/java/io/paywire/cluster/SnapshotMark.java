package io.paywire.cluster;

import io.paywire.ledger.JournalPosition;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a member's ledger directory holds in Raft's terms: every log entry up to {@code term} and
 * {@code index} is in the journal before {@code position}, and {@code snapshotFile} (relative to
 * the directory; empty if none) is the ledger's snapshot at that position. Marks are files {@code
 * raft-snapshot-<index, 20 digits>.mark} beside {@code journal/} and {@code snapshots/}, one per
 * snapshot and never rewritten (a leader may be shipping one while it takes the next); they exist
 * only in cluster mode, so the journal's bytes are those of a single node.
 *
 * <pre>
 * "PWR1" 4 | term 8 | index 8 | segmentId 8 | offset 8 | nextBatchSequence 8 | headHash 32
 * | snapshotFileLength 2 | snapshotFile (ASCII) | CRC32C 4 of everything before it
 * </pre>
 *
 * Written whole to a temporary file, forced, renamed over the old one and the directory forced: a
 * crash leaves the old mark or the new one, never a mix.
 */
record SnapshotMark(long term, long index, JournalPosition position, String snapshotFile) {

  private static final String PREFIX = "raft-snapshot-";
  private static final String SUFFIX = ".mark";
  private static final int MAGIC = 0x50575231; // "PWR1"
  private static final int MAX_NAME_LENGTH = 255;

  SnapshotMark {
    if (snapshotFile.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("snapshot file name too long: " + snapshotFile);
    }
  }

  static Path path(Path directory, long index) {
    return directory.resolve(String.format("%s%020d%s", PREFIX, index, SUFFIX));
  }

  /** The indexes of the marks in {@code directory}, lowest first. */
  static List<Long> indexes(Path directory) throws IOException {
    List<Long> indexes = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
          indexes.add(Long.parseLong(digits));
        }
      }
    }
    Collections.sort(indexes);
    return indexes;
  }

  /**
   * Reads the mark of {@code index}.
   *
   * @throws IOException if it is missing, damaged or not for that index
   */
  static SnapshotMark read(Path directory, long index) throws IOException {
    Path file = path(directory, index);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      if (bytes.length < 4
          || crc(bytes, bytes.length - 4) != in.getInt(bytes.length - 4)
          || in.getInt() != MAGIC) {
        throw new IOException(file + ": not a snapshot mark or damaged");
      }
      long term = in.getLong();
      long markIndex = in.getLong();
      long segmentId = in.getLong();
      long offset = in.getLong();
      long next = in.getLong();
      byte[] hash = new byte[32];
      in.get(hash);
      byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(name);
      if (in.remaining() != 4) {
        throw new IOException(file + ": " + (in.remaining() - 4) + " bytes too many");
      }
      if (index != markIndex) {
        throw new IOException(file + ": holds the mark of index " + markIndex);
      }
      return new SnapshotMark(
          term,
          markIndex,
          new JournalPosition(segmentId, offset, next, hash),
          new String(name, StandardCharsets.US_ASCII));
    } catch (BufferUnderflowException e) {
      throw new IOException(file + ": ends early");
    }
  }

  /** Writes this mark into {@code directory} durably. */
  void write(Path directory) throws IOException {
    byte[] name = snapshotFile.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(4 + 8 * 5 + 32 + 2 + name.length + 4);
    out.putInt(MAGIC)
        .putLong(term)
        .putLong(index)
        .putLong(position.segmentId())
        .putLong(position.offset())
        .putLong(position.nextBatchSequence())
        .put(position.headHash())
        .putShort((short) name.length)
        .put(name);
    out.putInt(crc(out.array(), out.position()));
    out.flip();
    Path target = path(directory, index);
    Path temporary = directory.resolve(target.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (out.hasRemaining()) {
        channel.write(out);
      }
      channel.force(true);
    }
    Files.move(
        temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
