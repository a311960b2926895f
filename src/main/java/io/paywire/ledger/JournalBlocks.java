package io.paywire.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the journal's batches (the ledger's blocks) and the records in them, for readers beside the
 * ledger's own thread: any number of threads at once, while the writer appends.
 *
 * <p>Every read takes a {@code bound}: the next batch sequence of a {@link JournalPosition} the
 * caller got from {@link Ledger#position()}, so every batch below it is on disk. Frames at or past
 * the bound may be half written, and are never read.
 *
 * <p>Finding a batch: segments are named after their first batch, so a binary search over the names
 * finds its segment. Within a segment a sparse index keeps one checkpoint every {@link
 * #CHECKPOINT_BATCHES} batches (the batch's offset, and the records of the segment before it); from
 * the nearest one the reader walks frame headers forward by positioned reads.
 *
 * <p>Finding a transfer: a transfer's sequence is the number of journal records before its own.
 * Every journaled record is one accepted, new command ({@link Batch} journals nothing else), and
 * each accepted command, registration or payment, appends exactly one transfer row ({@code
 * LedgerState.openAccount} and {@code transfer} both end in one {@code record}); replay applies the
 * records in journal order. So a segment's first transfer is the sum of the records of the segments
 * before it, known once those were walked whole. The record found must carry the id the caller has
 * for that sequence, or the read fails.
 *
 * <p>Checks: each frame header walked over must have its magic and header checksum, a body length
 * in range, the sequence that comes next and a plausible record count (the body checksum of a frame
 * only walked over is not read). Each frame whose content is returned is read whole: body checksum,
 * SHA-256 hash and sequence; the blocks of one page must chain. A failed check throws {@link
 * JournalCorruptException} naming file and offset: nothing unchecked is returned.
 *
 * <p>Memory: the index grows as reads reach further into the journal, by 16 bytes per {@link
 * #CHECKPOINT_BATCHES} batches and about a hundred bytes per segment (8 MiB for the 2^29 batches a
 * ledger can hold at most, one transfer each). A read holds one {@link #WINDOW_BYTES} buffer, and a
 * frame larger than that while it is checked.
 */
public final class JournalBlocks {

  /** Most blocks one {@link #blocks} call returns: bounds the frames one request reads. */
  public static final int MAX_BLOCKS_PER_PAGE = 1_000;

  /**
   * One checkpoint is kept per this many batches of a segment: a lookup walks at most this many
   * frame headers past one.
   */
  static final int CHECKPOINT_BATCHES = 1_024;

  /** Bytes read at once while walking: the headers and whole frames that fit come in one read. */
  static final int WINDOW_BYTES = 64 << 10;

  /** The header and the body's sequence, time and record count: what a walk reads of a frame. */
  private static final int HEAD_BYTES = JournalFormat.PREVIOUS_HASH_AT;

  /** The smallest record: its length and checksum, and a payload of at least one byte. */
  private static final int MIN_RECORD_BYTES = JournalFormat.RECORD_OVERHEAD_BYTES + 1;

  /** One batch of the journal: the ledger's block. */
  public record Block(
      long sequence, long timeMillis, int recordCount, byte[] previousHash, byte[] hash) {}

  /**
   * Where a transfer lies in the journal, and the signatures journaled with it.
   *
   * @param batchSequence the batch (block) holding the transfer's record
   * @param batchHash that batch's hash
   * @param payerSignature as journaled; empty if none was given (a registration has none)
   * @param payeeSignature as journaled; empty if none was given
   */
  public record JournaledTransfer(
      long batchSequence, byte[] batchHash, byte[] payerSignature, byte[] payeeSignature) {}

  /** A frame boundary of a segment: batch {@code batch} starts at {@code offset}. */
  private record Point(long batch, long offset, long recordsBefore) {}

  /** What is known of one segment file. Every field but the final ones is guarded by the lock. */
  private static final class Segment {
    final long firstBatch;
    final Path file;

    /** Checkpoint i: where batch {@code firstBatch + i * checkpointBatches} starts. */
    long[] checkpointOffsets = new long[4];

    /** Checkpoint i: how many records of this segment come before that batch. */
    long[] checkpointRecords = new long[4];

    int checkpoints = 1;

    /** The furthest boundary any read reached. */
    Point end;

    /** All records of the segment; -1 until a read walked to the next segment's first batch. */
    long recordCount = -1;

    /** The transfer sequence of the segment's first record; -1 until every earlier one is known. */
    long firstTransfer = -1;

    Segment(long firstBatch, Path file) {
      this.firstBatch = firstBatch;
      this.file = file;
      this.end = new Point(firstBatch, 0, 0);
    }
  }

  private final Storage storage;
  private final Path directory;
  private final int checkpointBatches;
  private final Object lock = new Object();

  /** Every segment listed so far, by first batch; only ever grows. */
  private final List<Segment> segments = new ArrayList<>();

  /** Every segment whose first batch is below this is in {@link #segments}. */
  private long listedBound;

  /** How many leading segments have a known {@code firstTransfer}. */
  private int transfersKnown;

  JournalBlocks(Storage storage, Path journalDirectory) {
    this(storage, journalDirectory, CHECKPOINT_BATCHES);
  }

  /** A reader with a checkpoint every {@code checkpointBatches} batches (tests: a small one). */
  JournalBlocks(Storage storage, Path journalDirectory, int checkpointBatches) {
    if (checkpointBatches < 1) {
      throw new IllegalArgumentException("checkpointBatches must be 1 or more");
    }
    this.storage = storage;
    this.directory = journalDirectory;
    this.checkpointBatches = checkpointBatches;
  }

  /**
   * Up to {@code limit} blocks from batch {@code from} on, stopping before {@code bound}; empty if
   * {@code from} is at or past it.
   *
   * @param bound a next batch sequence the ledger reported: every batch below it is on disk
   * @throws IllegalArgumentException if {@code from} or {@code bound} is negative, or {@code limit}
   *     is not 1 to {@link #MAX_BLOCKS_PER_PAGE}
   * @throws JournalCorruptException if a frame on the way does not check out
   */
  public List<Block> blocks(long from, int limit, long bound) throws IOException {
    if (from < 0 || bound < 0 || limit < 1 || limit > MAX_BLOCKS_PER_PAGE) {
      throw new IllegalArgumentException(
          "from "
              + from
              + ", limit "
              + limit
              + ", bound "
              + bound
              + ": from and bound must not be negative, limit must be 1 to "
              + MAX_BLOCKS_PER_PAGE);
    }
    if (from >= bound) {
      return List.of();
    }
    long end = from + Math.min(limit, bound - from);
    List<Block> page = new ArrayList<>((int) (end - from));
    try (Walk walk = new Walk(bound)) {
      walk.toBatch(from);
      byte[] previous = from == 0 ? JournalFormat.GENESIS_HASH : null;
      while (walk.batch < end) {
        Frame frame = walk.readFrame();
        if (previous != null && !Arrays.equals(frame.previousHash(), previous)) {
          throw new JournalCorruptException(
              frame.file(),
              frame.offset(),
              "batch " + frame.sequence() + " does not chain to the previous batch's hash");
        }
        page.add(
            new Block(
                frame.sequence(),
                frame.timeMillis(),
                frame.recordCount(),
                frame.previousHash(),
                frame.hash()));
        previous = frame.hash();
      }
    }
    assert page.size() == end - from;
    return page;
  }

  /**
   * Finds the record of transfer {@code sequence} in a batch below {@code bound}; empty if it is in
   * none.
   *
   * @param id the transfer's id: the record found must carry it
   * @throws JournalCorruptException if a frame on the way does not check out, or the record at that
   *     place holds another transfer
   */
  public Optional<JournaledTransfer> transfer(long sequence, TransferId id, long bound)
      throws IOException {
    if (sequence < 0 || bound < 0 || id == null) {
      throw new IllegalArgumentException(
          "sequence "
              + sequence
              + ", bound "
              + bound
              + ": neither may be negative, and an id is needed");
    }
    if (bound == 0) {
      return Optional.empty();
    }
    try (Walk walk = new Walk(bound)) {
      if (!walk.toTransfer(sequence)) {
        return Optional.empty();
      }
      int index = Math.toIntExact(sequence - walk.transfersBefore());
      Frame frame = walk.readFrame();
      Command[] found = new Command[1];
      // The frame's bytes may lie in the walk's window: decode them before the walk reads again.
      JournalFormat.readRecords(
          frame.file(),
          frame.offset() - frame.at(),
          frame.data(),
          frame.at(),
          frame.bodyLength(),
          (r, command) -> {
            if (r == index) {
              found[0] = command;
            }
          });
      Command command = found[0];
      if (command == null || !command.id().equals(id)) {
        throw new JournalCorruptException(
            frame.file(),
            frame.offset(),
            "record "
                + index
                + " of batch "
                + frame.sequence()
                + " should be transfer "
                + sequence
                + " (id "
                + id
                + ") but holds "
                + (command == null ? "nothing" : "id " + command.id()));
      }
      byte[] payerSignature =
          command instanceof Command.Transfer t ? t.payerSignature().clone() : Command.NONE;
      byte[] payeeSignature =
          command instanceof Command.Transfer t ? t.payeeSignature().clone() : Command.NONE;
      return Optional.of(
          new JournaledTransfer(frame.sequence(), frame.hash(), payerSignature, payeeSignature));
    }
  }

  /** How many checkpoints the index holds over all segments: for tests of its bound. */
  long checkpointCount() {
    synchronized (lock) {
      return segments.stream().mapToLong(s -> s.checkpoints).sum();
    }
  }

  // ---- the index (callers hold the lock) -------------------------------------------------------

  /** Lists the segments again if {@code bound} is past what the last listing covered. */
  private void listSegments(long bound) throws IOException {
    if (bound <= listedBound) {
      return;
    }
    List<Long> ids = JournalReader.segmentIds(storage, directory);
    for (int i = 0; i < Math.max(1, segments.size()); i++) {
      long expected = i < segments.size() ? segments.get(i).firstBatch : 0;
      if (i >= ids.size() || ids.get(i) != expected) {
        throw new JournalCorruptException(
            directory.resolve(JournalFormat.segmentName(expected)), 0, "segment is missing");
      }
    }
    for (int i = segments.size(); i < ids.size(); i++) {
      long id = ids.get(i);
      segments.add(new Segment(id, directory.resolve(JournalFormat.segmentName(id))));
    }
    if (transfersKnown == 0) {
      segments.get(0).firstTransfer = 0;
      transfersKnown = 1;
    }
    listedBound = bound;
  }

  /** The segment holding batch {@code batch}: the last one that starts at or before it. */
  private int segmentOfBatch(long batch) {
    int low = 0;
    int high = segments.size() - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (segments.get(middle).firstBatch <= batch) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /**
   * The last segment below the bound whose first transfer is known and at most {@code sequence}:
   * the transfer is in it or in a later one.
   */
  private int segmentOfTransfer(long sequence, long bound) {
    int low = 0;
    int high = transfersKnown - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      Segment segment = segments.get(middle);
      if (segment.firstBatch < bound && segment.firstTransfer <= sequence) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /** The furthest known boundary of a segment at or before batch {@code batch}. */
  private Point pointAtOrBeforeBatch(Segment segment, long batch) {
    int i =
        (int) Math.min((batch - segment.firstBatch) / checkpointBatches, segment.checkpoints - 1);
    Point point = checkpoint(segment, i);
    return segment.end.batch() <= batch && segment.end.batch() > point.batch()
        ? segment.end
        : point;
  }

  /** The furthest known boundary of a segment with at most {@code records} records before it. */
  private Point pointAtOrBeforeRecords(Segment segment, long records) {
    int low = 0;
    int high = segment.checkpoints - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (segment.checkpointRecords[middle] <= records) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    Point point = checkpoint(segment, low);
    return segment.end.recordsBefore() <= records && segment.end.batch() > point.batch()
        ? segment.end
        : point;
  }

  private Point checkpoint(Segment segment, int i) {
    return new Point(
        segment.firstBatch + (long) i * checkpointBatches,
        segment.checkpointOffsets[i],
        segment.checkpointRecords[i]);
  }

  /** Records a boundary a walk reached: a checkpoint if it falls on one, and the furthest end. */
  private void note(Segment segment, Point point) throws JournalCorruptException {
    long k = point.batch() - segment.firstBatch;
    if (k % checkpointBatches == 0) {
      int i = Math.toIntExact(k / checkpointBatches);
      if (i < segment.checkpoints) {
        if (segment.checkpointOffsets[i] != point.offset()
            || segment.checkpointRecords[i] != point.recordsBefore()) {
          throw new JournalCorruptException(
              segment.file,
              point.offset(),
              "batch "
                  + point.batch()
                  + " was found before at offset "
                  + segment.checkpointOffsets[i]
                  + ": the segment changed under the reader");
        }
      } else {
        if (i != segment.checkpoints) {
          // Walks start only at known boundaries and note each checkpoint they pass.
          throw new IllegalStateException(
              segment.file
                  + ": checkpoint "
                  + i
                  + " noted before "
                  + "checkpoint "
                  + segment.checkpoints);
        }
        if (i == segment.checkpointOffsets.length) {
          segment.checkpointOffsets = Arrays.copyOf(segment.checkpointOffsets, 2 * i);
          segment.checkpointRecords = Arrays.copyOf(segment.checkpointRecords, 2 * i);
        }
        segment.checkpointOffsets[i] = point.offset();
        segment.checkpointRecords[i] = point.recordsBefore();
        segment.checkpoints++;
      }
    }
    if (point.batch() > segment.end.batch()) {
      segment.end = point;
    }
  }

  /** Records that a walk reached the end of segment {@code index}, and what follows from it. */
  private void noteWhole(int index, long recordCount) throws JournalCorruptException {
    Segment segment = segments.get(index);
    if (segment.recordCount >= 0 && segment.recordCount != recordCount) {
      throw new JournalCorruptException(
          segment.file,
          0,
          "segment held "
              + segment.recordCount
              + " records before and "
              + recordCount
              + " now: it changed under the reader");
    }
    segment.recordCount = recordCount;
    while (transfersKnown < segments.size()) {
      Segment before = segments.get(transfersKnown - 1);
      if (before.recordCount < 0) {
        break;
      }
      segments.get(transfersKnown).firstTransfer = before.firstTransfer + before.recordCount;
      transfersKnown++;
    }
  }

  // ---- one read --------------------------------------------------------------------------------

  /** Bytes read from a segment: they start at {@code data[at]}. */
  private record Slice(byte[] data, int at) {}

  /** What a walk reads of a frame header: enough to step over the frame. */
  private record Head(int bodyLength, int recordCount, long timeMillis) {}

  /**
   * A frame read whole and checked. Its bytes lie in {@code data} from {@code at}, which may be the
   * walk's window: valid until the walk reads again.
   */
  private record Frame(
      Path file,
      long offset,
      byte[] data,
      int at,
      int bodyLength,
      long sequence,
      long timeMillis,
      int recordCount,
      byte[] previousHash,
      byte[] hash) {}

  /**
   * One read's position in the journal: the frame boundary it stands at, in one segment file open
   * for reading. Used by one thread; it takes the lock only to consult or extend the index.
   */
  private final class Walk implements AutoCloseable {
    private final long bound;
    private final MessageDigest sha256 = Fingerprint.sha256();
    private final byte[] window = new byte[WINDOW_BYTES];
    private long windowAt;
    private int windowLength;
    private int index;
    private Segment segment;

    /** The first batch this walk may not read in this segment: the next one's first, or bound. */
    private long segmentEnd;

    /** Whether {@link #segmentEnd} is the next segment's first batch. */
    private boolean sealed;

    private long firstTransfer;
    private SeekableByteChannel channel;
    long batch;
    private long offset;
    private long recordsBefore;

    Walk(long bound) {
      this.bound = bound;
    }

    /** Stands at the start of batch {@code target}, which is below the bound. */
    void toBatch(long target) throws IOException {
      assert target < bound;
      int found;
      Point start;
      synchronized (lock) {
        listSegments(bound);
        found = segmentOfBatch(target);
        start = pointAtOrBeforeBatch(segments.get(found), target);
      }
      enter(found, start);
      while (batch < target) {
        step(head());
      }
    }

    /**
     * Stands at the start of the frame holding transfer {@code target}; false if no batch below the
     * bound holds it.
     */
    boolean toTransfer(long target) throws IOException {
      int found;
      Point start;
      synchronized (lock) {
        listSegments(bound);
        found = segmentOfTransfer(target, bound);
        Segment segment = segments.get(found);
        start = pointAtOrBeforeRecords(segment, target - segment.firstTransfer);
      }
      enter(found, start);
      while (batch < bound) {
        Head head = head();
        if (transfersBefore() + head.recordCount() > target) {
          return true;
        }
        step(head);
      }
      return false;
    }

    /** The transfer sequence of the next frame's first record. */
    long transfersBefore() {
      if (firstTransfer < 0) {
        throw new IllegalStateException("segment " + segment.file + ": first transfer unknown");
      }
      return firstTransfer + recordsBefore;
    }

    /** Reads the frame here whole, checks it, and steps past it. */
    Frame readFrame() throws IOException {
      Head head = head();
      Slice slice = bytes(offset, Math.toIntExact(JournalFormat.frameBytes(head.bodyLength())));
      byte[] data = slice.data();
      int frameAt = slice.at();
      if (!JournalFormat.bodyChecks(data, frameAt, head.bodyLength())) {
        throw corrupt("batch frame fails its checksum");
      }
      byte[] hash = JournalFormat.checkedHash(sha256, data, frameAt, head.bodyLength());
      if (hash == null) {
        throw corrupt("batch hash does not match its body");
      }
      int previousAt = frameAt + JournalFormat.PREVIOUS_HASH_AT;
      Frame frame =
          new Frame(
              segment.file,
              offset,
              data,
              frameAt,
              head.bodyLength(),
              batch,
              head.timeMillis(),
              head.recordCount(),
              Arrays.copyOfRange(data, previousAt, previousAt + JournalFormat.HASH_BYTES),
              hash);
      step(head);
      return frame;
    }

    /** Reads and checks the header of the frame here, moving to the next segment first if due. */
    private Head head() throws IOException {
      if (batch >= bound) {
        throw new IllegalStateException(
            "read of batch " + batch + " at or past the bound " + bound);
      }
      if (batch == segmentEnd) {
        nextSegment();
      }
      Slice slice = bytes(offset, HEAD_BYTES);
      int at = slice.at();
      ByteBuffer buffer = ByteBuffer.wrap(slice.data());
      if (!JournalFormat.headerChecks(buffer, at)) {
        throw corrupt("bad frame header");
      }
      int bodyLength = buffer.getInt(at + 4);
      if (bodyLength < JournalFormat.BODY_FIXED_BYTES
          || bodyLength > JournalFormat.MAX_BODY_BYTES) {
        throw corrupt("frame body length " + bodyLength + " out of range");
      }
      long sequence = buffer.getLong(at + JournalFormat.SEQUENCE_AT);
      if (sequence != batch) {
        throw corrupt("batch " + sequence + " where batch " + batch + " was expected");
      }
      int recordCount = buffer.getInt(at + JournalFormat.RECORD_COUNT_AT);
      if (recordCount < 0
          || recordCount > (bodyLength - JournalFormat.BODY_FIXED_BYTES) / MIN_RECORD_BYTES) {
        throw corrupt("record count " + recordCount + " does not fit the frame");
      }
      return new Head(bodyLength, recordCount, buffer.getLong(at + JournalFormat.TIME_AT));
    }

    private void step(Head head) throws JournalCorruptException {
      offset += JournalFormat.frameBytes(head.bodyLength());
      recordsBefore += head.recordCount();
      batch++;
      synchronized (lock) {
        note(segment, new Point(batch, offset, recordsBefore));
      }
    }

    /** Leaves a segment read to its end for the next one, which starts with batch segmentEnd. */
    private void nextSegment() throws IOException {
      if (!sealed) {
        throw new IllegalStateException("batch " + batch + " is past the segments listed");
      }
      long size = channel.size();
      if (size != offset) {
        throw corrupt(
            (size - offset) + " bytes after the last batch of a segment before the " + "last one");
      }
      Point start = new Point(segmentEnd, 0, 0);
      synchronized (lock) {
        noteWhole(index, recordsBefore);
      }
      enter(index + 1, start);
    }

    private void enter(int found, Point start) throws IOException {
      synchronized (lock) {
        index = found;
        segment = segments.get(found);
        long next =
            found + 1 < segments.size() ? segments.get(found + 1).firstBatch : Long.MAX_VALUE;
        sealed = next <= bound;
        segmentEnd = Math.min(next, bound);
        firstTransfer = segment.firstTransfer;
      }
      assert start.batch() >= segment.firstBatch && start.batch() <= segmentEnd;
      batch = start.batch();
      offset = start.offset();
      recordsBefore = start.recordsBefore();
      windowLength = 0;
      closeChannel();
      try {
        channel = storage.openRead(segment.file);
      } catch (NoSuchFileException missing) {
        throw new JournalCorruptException(segment.file, 0, "segment is missing");
      }
    }

    /**
     * The {@code length} bytes at {@code at} of the segment: in the window, read again from {@code
     * at} if they are not there yet; or, if they do not fit it, in an array of their own.
     */
    private Slice bytes(long at, int length) throws IOException {
      if (at >= windowAt && at + length <= windowAt + windowLength) {
        return new Slice(window, (int) (at - windowAt));
      }
      if (length <= window.length) {
        windowAt = at;
        windowLength = fill(window, at);
        if (windowLength < length) {
          throw shortSegment();
        }
        return new Slice(window, 0);
      }
      byte[] large = new byte[length];
      if (fill(large, at) < length) {
        throw shortSegment();
      }
      return new Slice(large, 0);
    }

    /** Reads from {@code at} until {@code into} is full or the file ends; returns the count. */
    private int fill(byte[] into, long at) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(into);
      channel.position(at);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // a read may return fewer bytes than asked for
      }
      return buffer.position();
    }

    private JournalCorruptException shortSegment() {
      return corrupt(
          "segment ends before batch "
              + batch
              + " is complete, yet every batch below "
              + bound
              + " is durable");
    }

    private JournalCorruptException corrupt(String reason) {
      return new JournalCorruptException(segment.file, offset, reason);
    }

    private void closeChannel() throws IOException {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }

    @Override
    public void close() throws IOException {
      closeChannel();
    }
  }
}
