package io.paywire.ledger;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A copy of the whole ledger state as of one journal position, so recovery replays only the journal
 * after it. Snapshots are a cache: the journal stays the source of truth, and a snapshot that fails
 * its checksum is passed over for an older one (or none).
 *
 * <pre>
 * "PWS1" 4 | version 4 | segmentId 8 | offset 8 | nextBatchSequence 8 | headHash 32
 * | accountCount 4 | per account: nameLength 1 | name | keyLength 2 | key | balance 8 | created 8
 * | transferCount 4 | idHigh 8*n | idLow 8*n | payer 4*n | payee 4*n | amount 8*n | time 8*n
 * | Gradecoin section                                                              (version 2 only)
 * | CRC32C 4 of everything before it
 *
 * A plain ledger's snapshot is version 1, byte for byte as before Gradecoin networks; a Gradecoin
 * ledger's is version 2, with its section: poolCount 4 | per pending transaction, oldest first: txId 32
 *   | sourceLength 1 | source | targetLength 1 | target | amount 8 | timestampLength 1 | timestamp
 * | hasBlock 1 | if 1, the last block: height 8 | nonce 8 | hash 32 | previousHashLength 1
 *   | previousHash (64 hex characters, or none before the first) | timestampLength 1 | timestamp
 *   | txIdCount 2 | txId 32 * txIdCount
 * </pre>
 */
public final class Snapshot {

  static final int MAGIC = 0x50575331; // "PWS1"

  /** A Gradecoin ledger's snapshot: version 1 and the Gradecoin section. */
  static final int VERSION = 2;

  /** A plain ledger's snapshot, as written before Gradecoin networks. */
  static final int VERSION_1 = 1;

  /** txId 32, two names and a timestamp of at least a length byte each, amount 8. */
  private static final int MIN_POOL_ENTRY_BYTES = 32 + 1 + 1 + 8 + 1;

  private static final String PREFIX = "snapshot-";
  private static final String SUFFIX = ".bin";
  private static final int BUFFER_BYTES = 1 << 20;

  /**
   * nameLength 1, keyLength 2, balance 8, created 8 (a name has at least one byte, not counted).
   */
  private static final int MIN_ACCOUNT_BYTES = 19;

  /** idHigh, idLow, payer, payee, amount, time. */
  private static final int TRANSFER_BYTES = 8 + 8 + 4 + 4 + 8 + 8;

  /**
   * The state captured on the ledger's thread; written to disk on another. The transfer columns
   * share the ledger's full chunks, which never change again (see {@link TransferTable}).
   */
  public record Image(
      JournalPosition position,
      String[] names,
      byte[][] keys,
      long[] balances,
      long[] created,
      TransferTable.Columns transfers,
      GradecoinState.Image gradecoin) {

    public int transferCount() {
      return transfers.count();
    }
  }

  private Snapshot() {}

  /**
   * Captures the state: copies the accounts (names and keys by reference, both immutable) and
   * shares the transfer columns' full chunks, copying only the last, partial one. What the ledger
   * thread pays grows with the accounts, not with the transfers.
   */
  static Image capture(LedgerState state, JournalPosition position) {
    int accounts = state.accounts.size();
    String[] names = new String[accounts];
    byte[][] keys = new byte[accounts][];
    long[] balances = new long[accounts];
    long[] created = new long[accounts];
    for (int i = 0; i < accounts; i++) {
      Account account = state.accounts.get(i);
      names[i] = account.name;
      keys[i] = account.publicKey; // never mutated after creation
      balances[i] = account.balance;
      created[i] = account.createdMillis;
    }
    GradecoinState gradecoin = state.gradecoinState();
    return new Image(
        position,
        names,
        keys,
        balances,
        created,
        state.transfers.capture(),
        gradecoin == null ? null : gradecoin.capture());
  }

  static Path fileFor(Path directory, JournalPosition position) {
    return directory.resolve(
        String.format("%s%020d%s", PREFIX, position.nextBatchSequence(), SUFFIX));
  }

  /**
   * Writes atomically: temporary file, fsync, rename, fsync of the directory. Keeps the newest few.
   * When this returns, the snapshot survives a power cut.
   */
  static Path write(Storage storage, Path directory, Image image, int keep) throws IOException {
    storage.createDirectories(directory);
    Path target = fileFor(directory, image.position());
    Path temporary = directory.resolve(target.getFileName() + ".tmp");
    try (Output out = new Output(storage.create(temporary))) {
      out.putInt(MAGIC).putInt(image.gradecoin() == null ? VERSION_1 : VERSION);
      JournalPosition p = image.position();
      out.putLong(p.segmentId())
          .putLong(p.offset())
          .putLong(p.nextBatchSequence())
          .put(p.headHash());
      out.putInt(image.names().length);
      for (int i = 0; i < image.names().length; i++) {
        byte[] name = image.names()[i].getBytes(StandardCharsets.ISO_8859_1);
        out.putByte((byte) name.length).put(name);
        out.putShort((short) image.keys()[i].length).put(image.keys()[i]);
        out.putLong(image.balances()[i]).putLong(image.created()[i]);
      }
      TransferTable.Columns t = image.transfers();
      out.putInt(t.count());
      // Column after column, each the concatenation of its chunks: the same bytes as one array.
      out.putLongs(t, t.idHigh())
          .putLongs(t, t.idLow())
          .putInts(t, t.payer())
          .putInts(t, t.payee())
          .putLongs(t, t.amount())
          .putLongs(t, t.time());
      if (image.gradecoin() != null) {
        writeGradecoin(out, image.gradecoin());
      }
      out.finish();
    }
    // The content is durable before the name points to it, and the name before this returns.
    storage.rename(temporary, target);
    storage.syncDirectory(directory);
    List<Path> all = list(storage, directory);
    for (int i = 0; i < all.size() - keep; i++) {
      storage.delete(all.get(i));
    }
    return target;
  }

  /**
   * Removes temporary files of snapshot writes a crash interrupted. Their names are never reused,
   * so nothing else would ever delete them. Call only while holding the data directory's lock.
   */
  static int deleteTemporaries(Storage storage, Path directory) throws IOException {
    int deleted = 0;
    for (Path file : storage.list(directory)) {
      if (file.getFileName().toString().endsWith(".tmp")) {
        storage.delete(file);
        deleted++;
      }
    }
    return deleted;
  }

  /** Snapshot files, oldest first. */
  static List<Path> list(Storage storage, Path directory) throws IOException {
    return storage.list(directory).stream()
        .filter(
            f -> {
              String name = f.getFileName().toString();
              return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
            })
        .sorted(Comparator.comparing(Path::getFileName))
        .toList();
  }

  /** Reads and checks one snapshot; empty if it is damaged or of another format. */
  static Optional<Image> read(Storage storage, Path file) throws IOException {
    try (Input in = new Input(storage.openRead(file))) {
      int version = in.getInt() == MAGIC ? in.getInt() : -1;
      if (version != VERSION && version != VERSION_1) {
        return Optional.empty();
      }
      long segmentId = in.getLong();
      long offset = in.getLong();
      long nextBatch = in.getLong();
      byte[] head = in.getBytes(JournalFormat.HASH_BYTES);
      int accounts = in.getInt();
      // Counts are checked against the bytes left before anything is sized by them: a damaged
      // count must make the snapshot unusable, not exhaust memory.
      if (accounts < 1 || accounts > in.remaining() / MIN_ACCOUNT_BYTES) {
        return Optional.empty();
      }
      String[] names = new String[accounts];
      byte[][] keys = new byte[accounts][];
      long[] balances = new long[accounts];
      long[] created = new long[accounts];
      for (int i = 0; i < accounts; i++) {
        names[i] =
            new String(in.getBytes(Byte.toUnsignedInt(in.getByte())), StandardCharsets.ISO_8859_1);
        keys[i] = in.getBytes(Short.toUnsignedInt(in.getShort()));
        balances[i] = in.getLong();
        created[i] = in.getLong();
      }
      int n = in.getInt();
      if (n < 0 || n > TransferTable.MAX_TRANSFERS || n > in.remaining() / TRANSFER_BYTES) {
        return Optional.empty();
      }
      int shift = TransferTable.CHUNK_SHIFT;
      TransferTable.Columns columns =
          new TransferTable.Columns(
              n,
              shift,
              in.getLongs(n, shift),
              in.getLongs(n, shift),
              in.getInts(n, shift),
              in.getInts(n, shift),
              in.getLongs(n, shift),
              in.getLongs(n, shift));
      GradecoinState.Image gradecoin = version == VERSION_1 ? null : readGradecoin(in);
      Image image =
          new Image(
              new JournalPosition(segmentId, offset, nextBatch, head),
              names,
              keys,
              balances,
              created,
              columns,
              gradecoin);
      return in.checksumMatches() ? Optional.of(image) : Optional.empty();
    } catch (EOFException | IllegalArgumentException truncated) {
      return Optional.empty();
    }
  }

  private static void writeGradecoin(Output out, GradecoinState.Image gradecoin)
      throws IOException {
    out.putInt(gradecoin.pool().size());
    for (GradecoinView.PoolEntry entry : gradecoin.pool()) {
      out.put(HexFormat.of().parseHex(entry.txId()));
      putText(out, entry.source());
      putText(out, entry.target());
      out.putLong(entry.amount());
      putText(out, entry.timestamp());
    }
    GradecoinView.Block block = gradecoin.lastBlock();
    if (block == null) {
      out.putByte((byte) 0);
      return;
    }
    out.putByte((byte) 1).putLong(block.height()).putLong(block.nonce());
    out.put(HexFormat.of().parseHex(block.hash()));
    putText(out, block.previousHash());
    putText(out, block.timestamp());
    out.putShort((short) block.txIds().size());
    for (String txId : block.txIds()) {
      out.put(HexFormat.of().parseHex(txId));
    }
  }

  private static void putText(Output out, String ascii) throws IOException {
    byte[] bytes = ascii.getBytes(StandardCharsets.ISO_8859_1);
    out.putByte((byte) bytes.length).put(bytes);
  }

  private static GradecoinState.Image readGradecoin(Input in) throws IOException {
    int count = in.getInt();
    if (count < 0 || count > in.remaining() / MIN_POOL_ENTRY_BYTES) {
      throw new IllegalArgumentException("pool of " + count + " does not fit");
    }
    List<GradecoinView.PoolEntry> pool = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String txId = getHash(in);
      String source = getText(in);
      String target = getText(in);
      long amount = in.getLong();
      pool.add(new GradecoinView.PoolEntry(txId, source, target, amount, getText(in)));
    }
    GradecoinView.Block block = null;
    byte hasBlock = in.getByte();
    if (hasBlock != 0 && hasBlock != 1) {
      throw new IllegalArgumentException("block flag " + hasBlock);
    }
    if (hasBlock == 1) {
      long height = in.getLong();
      long nonce = in.getLong();
      String hash = getHash(in);
      String previousHash = getText(in);
      String timestamp = getText(in);
      int ids = Short.toUnsignedInt(in.getShort());
      List<String> txIds = new ArrayList<>(ids);
      for (int i = 0; i < ids; i++) {
        txIds.add(getHash(in));
      }
      block = new GradecoinView.Block(txIds, nonce, timestamp, hash, previousHash, height);
    }
    return new GradecoinState.Image(pool, block);
  }

  private static String getHash(Input in) throws IOException {
    return HexFormat.of().formatHex(in.getBytes(RecordCodec.HASH_BYTES));
  }

  private static String getText(Input in) throws IOException {
    return new String(in.getBytes(Byte.toUnsignedInt(in.getByte())), StandardCharsets.ISO_8859_1);
  }

  /** Buffered writes to a channel, with a running CRC32C. */
  private static final class Output implements AutoCloseable {
    private final Storage.AppendFile file;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();

    Output(Storage.AppendFile file) {
      this.file = file;
    }

    private Output room(int bytes) throws IOException {
      if (buffer.remaining() < bytes) {
        flush();
      }
      return this;
    }

    Output putByte(byte v) throws IOException {
      room(1).buffer.put(v);
      return this;
    }

    Output putShort(short v) throws IOException {
      room(2).buffer.putShort(v);
      return this;
    }

    Output putInt(int v) throws IOException {
      room(4).buffer.putInt(v);
      return this;
    }

    Output putLong(long v) throws IOException {
      room(8).buffer.putLong(v);
      return this;
    }

    Output put(byte[] v) throws IOException {
      room(v.length).buffer.put(v);
      return this;
    }

    Output putLongs(TransferTable.Columns columns, long[][] chunks) throws IOException {
      for (int c = 0; c < columns.chunkCount(); c++) {
        putLongs(chunks[c], columns.rowsIn(c));
      }
      return this;
    }

    Output putInts(TransferTable.Columns columns, int[][] chunks) throws IOException {
      for (int c = 0; c < columns.chunkCount(); c++) {
        putInts(chunks[c], columns.rowsIn(c));
      }
      return this;
    }

    Output putLongs(long[] values, int count) throws IOException {
      for (int done = 0; done < count; ) {
        room(8);
        int chunk = Math.min(count - done, buffer.remaining() / 8);
        buffer.asLongBuffer().put(values, done, chunk);
        buffer.position(buffer.position() + chunk * 8);
        done += chunk;
      }
      return this;
    }

    Output putInts(int[] values, int count) throws IOException {
      for (int done = 0; done < count; ) {
        room(4);
        int chunk = Math.min(count - done, buffer.remaining() / 4);
        buffer.asIntBuffer().put(values, done, chunk);
        buffer.position(buffer.position() + chunk * 4);
        done += chunk;
      }
      return this;
    }

    private void flush() throws IOException {
      buffer.flip();
      crc.update(buffer.duplicate());
      file.write(buffer);
      buffer.clear();
    }

    /** Writes the checksum and forces the file to disk. */
    void finish() throws IOException {
      flush();
      buffer.putInt((int) crc.getValue()).flip();
      file.write(buffer);
      buffer.clear();
      file.force();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  /** Buffered reads from a channel, with a running CRC32C over what was consumed. */
  private static final class Input implements AutoCloseable {
    private final SeekableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();

    Input(SeekableByteChannel channel) {
      this.channel = channel;
      buffer.limit(0);
    }

    /** Makes at least {@code bytes} (at most the buffer size) readable. */
    private ByteBuffer need(int bytes) throws IOException {
      if (buffer.remaining() < bytes) {
        buffer.compact();
        while (buffer.position() < bytes) {
          if (channel.read(buffer) < 0) {
            throw new EOFException();
          }
        }
        buffer.flip();
      }
      return buffer;
    }

    /** CRC is taken over bytes as they are consumed. */
    private void consumed(ByteBuffer from, int start) {
      crc.update(from.duplicate().position(start).limit(from.position()));
    }

    byte getByte() throws IOException {
      ByteBuffer b = need(1);
      int start = b.position();
      byte v = b.get();
      consumed(b, start);
      return v;
    }

    short getShort() throws IOException {
      ByteBuffer b = need(2);
      int start = b.position();
      short v = b.getShort();
      consumed(b, start);
      return v;
    }

    int getInt() throws IOException {
      ByteBuffer b = need(4);
      int start = b.position();
      int v = b.getInt();
      consumed(b, start);
      return v;
    }

    long getLong() throws IOException {
      ByteBuffer b = need(8);
      int start = b.position();
      long v = b.getLong();
      consumed(b, start);
      return v;
    }

    byte[] getBytes(int length) throws IOException {
      byte[] v = new byte[length];
      for (int done = 0; done < length; ) {
        ByteBuffer b = need(1);
        int start = b.position();
        int chunk = Math.min(length - done, b.remaining());
        b.get(v, done, chunk);
        consumed(b, start);
        done += chunk;
      }
      return v;
    }

    /** {@code count} longs in chunks of {@code 1 << shift}, the last one only as long as needed. */
    long[][] getLongs(int count, int shift) throws IOException {
      long[][] chunks = new long[TransferTable.chunksFor(count, shift)][];
      for (int c = 0, done = 0; c < chunks.length; c++) {
        int rows = Math.min(1 << shift, count - done);
        chunks[c] = new long[rows];
        getLongs(chunks[c], rows);
        done += rows;
      }
      return chunks;
    }

    int[][] getInts(int count, int shift) throws IOException {
      int[][] chunks = new int[TransferTable.chunksFor(count, shift)][];
      for (int c = 0, done = 0; c < chunks.length; c++) {
        int rows = Math.min(1 << shift, count - done);
        chunks[c] = new int[rows];
        getInts(chunks[c], rows);
        done += rows;
      }
      return chunks;
    }

    private void getLongs(long[] v, int count) throws IOException {
      for (int done = 0; done < count; ) {
        ByteBuffer b = need(8);
        int start = b.position();
        int chunk = Math.min(count - done, b.remaining() / 8);
        b.asLongBuffer().get(v, done, chunk);
        b.position(start + chunk * 8);
        consumed(b, start);
        done += chunk;
      }
    }

    private void getInts(int[] v, int count) throws IOException {
      for (int done = 0; done < count; ) {
        ByteBuffer b = need(4);
        int start = b.position();
        int chunk = Math.min(count - done, b.remaining() / 4);
        b.asIntBuffer().get(v, done, chunk);
        b.position(start + chunk * 4);
        consumed(b, start);
        done += chunk;
      }
    }

    /** Bytes of the file not yet consumed. */
    long remaining() throws IOException {
      return channel.size() - channel.position() + buffer.remaining();
    }

    boolean checksumMatches() throws IOException {
      int expected = (int) crc.getValue();
      ByteBuffer b = need(4);
      int stored = b.getInt();
      return stored == expected && b.remaining() == 0 && channel.position() == channel.size();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
