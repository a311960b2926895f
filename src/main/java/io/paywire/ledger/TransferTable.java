package io.paywire.ledger;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Every transfer ever accepted, in columns of primitives, with an open-addressing index from id to
 * sequence number. Columns keep ten million transfers in about half a gigabyte with no object per
 * transfer, which keeps the garbage collector idle.
 *
 * <p>Each column is a list of fixed-size chunks ({@link #CHUNK_ROWS} rows): row {@code s} lives at
 * {@code column[s >>> shift][s & mask]}. Growing allocates one chunk and never copies the history
 * (only the first chunk starts small and doubles up to full size, so that a small ledger stays
 * small), and a snapshot shares the full chunks instead of copying them: the ledger's thread pays
 * for one partial chunk, whatever the history's length.
 *
 * <p>A full chunk a snapshot shares is never written again. Rows are only ever written at the end,
 * so the only way back into such a chunk is {@link #truncate} (a failed batch undone), and
 * truncating into a shared chunk first replaces it with a private copy.
 *
 * <p>The index doubles when half full, but only its allocation happens at once: its entries move
 * into the new slots a few per append (see {@link #oldSlots}). So no append, growth or capture does
 * work in proportion to the history on the ledger's thread; only {@link #truncate} and {@link
 * #load}, on the failure and recovery paths, rebuild the index whole.
 */
final class TransferTable {

  /**
   * The index keeps its load at most one half in an array indexed by int, so 2^30 slots and 2^29
   * transfers (about 537 million, some 26 GB of columns) bound one ledger.
   */
  static final int MAX_TRANSFERS = 1 << 29;

  /** Rows of one chunk, as a power of two: 2^16 rows, 2.6 MB over the six columns. */
  static final int CHUNK_SHIFT = 16;

  static final int CHUNK_ROWS = 1 << CHUNK_SHIFT;

  /** Rows the first chunk starts with; it doubles up to a full chunk before the second one. */
  static final int INITIAL_CAPACITY = 1 << 10;

  private static final long TAG_MASK = 0xFFFF_FFFF_0000_0000L;

  /**
   * The columns as of one moment, for a snapshot: {@code count} rows over chunks of {@code 1 <<
   * shift} rows (the last may be shorter). Full chunks are shared with the table that produced them
   * and never change again; nothing may write to any of these arrays.
   */
  record Columns(
      int count,
      int shift,
      long[][] idHigh,
      long[][] idLow,
      int[][] payer,
      int[][] payee,
      long[][] amount,
      long[][] time) {

    int chunkCount() {
      return chunksFor(count, shift);
    }

    /** Rows of {@code chunk} that belong to the {@code count} rows. */
    int rowsIn(int chunk) {
      return Math.min(1 << shift, count - (chunk << shift));
    }
  }

  private final int shift;
  private final int mask;
  private final int chunkRows;

  /** Chunk directories, one per column; entries past {@link #chunks} are null. */
  private long[][] idHigh;

  private long[][] idLow;
  private int[][] payer;
  private int[][] payee;
  private long[][] amount;
  private long[][] timeMillis;

  /** Chunks allocated. */
  private int chunks;

  /** Rows allocated: the first chunk's length while it is the only one, else chunks * chunkRows. */
  private int capacity;

  private int size;

  /**
   * Rows in chunks that a captured {@link Columns} shares: no row below this may be written until
   * {@link #truncate} has given the table its own copy of those chunks.
   */
  private int sharedRows;

  /**
   * Open addressing, load at most one half. A slot holds sequence + 1 in its low 32 bits (0 marks
   * it empty) and the upper 32 bits of the id's hash in its high bits. A probe compares hashes
   * inside this one array and reads the id columns only on a likely match, so a lookup of a new id,
   * the common case, costs one cache miss. The home slot comes from the same upper bits, so growing
   * the table can move entries from the slots alone, in nearly sequential order.
   */
  private long[] slots = new long[INITIAL_CAPACITY * 2];

  /**
   * While the index grows: the previous slots, half as many, whose entries move into {@link #slots}
   * a few per append instead of all at once (at 8 million transfers, moving all would hold the
   * ledger's thread for a rehash of 16 million slots). Never written: entries at positions below
   * {@link #moved} are in {@link #slots} too, the others only here, and every probe chain stays
   * intact. Null when no growth is under way.
   */
  private long[] oldSlots;

  private int moved;

  /**
   * Old slots moved per reserved append. Any value of 2 or more finishes a move before the next
   * growth (which comes after as many appends as the old index has slots, over two); 8 finishes it
   * in a quarter of that, for one or two extra cache lines per append.
   */
  static final int SLOTS_MOVED_PER_APPEND = 8;

  private final long seed = new SecureRandom().nextLong();

  /**
   * Test seam: growing the columns past this many rows fails as if memory ran out, so tests can
   * make an apply fail where a real one would (a growth that cannot allocate).
   */
  int columnCapacityLimit = MAX_TRANSFERS;

  /** The empty slot the last unsuccessful {@link #find} ended on, or -1 once it is stale. */
  private int missSlot = -1;

  private long missHigh;
  private long missLow;
  private long missHash;

  TransferTable() {
    this(CHUNK_SHIFT);
  }

  /** Chunks of {@code 1 << chunkShift} rows; tests use small ones to cross chunk boundaries. */
  TransferTable(int chunkShift) {
    if (chunkShift < 1 || chunkShift > CHUNK_SHIFT) {
      throw new IllegalArgumentException("chunk shift must be 1 to " + CHUNK_SHIFT);
    }
    shift = chunkShift;
    chunkRows = 1 << chunkShift;
    mask = chunkRows - 1;
    int directory = 8;
    idHigh = new long[directory][];
    idLow = new long[directory][];
    payer = new int[directory][];
    payee = new int[directory][];
    amount = new long[directory][];
    timeMillis = new long[directory][];
    addChunk(Math.min(INITIAL_CAPACITY, chunkRows));
  }

  int size() {
    return size;
  }

  int chunkShift() {
    return shift;
  }

  long idHigh(int sequence) {
    return idHigh[sequence >>> shift][sequence & mask];
  }

  long idLow(int sequence) {
    return idLow[sequence >>> shift][sequence & mask];
  }

  int payer(int sequence) {
    return payer[sequence >>> shift][sequence & mask];
  }

  int payee(int sequence) {
    return payee[sequence >>> shift][sequence & mask];
  }

  long amount(int sequence) {
    return amount[sequence >>> shift][sequence & mask];
  }

  long timeMillis(int sequence) {
    return timeMillis[sequence >>> shift][sequence & mask];
  }

  /** The sequence number of the transfer with this id, or -1. */
  int find(long high, long low) {
    long hash = hash(high, low);
    long tag = hash & TAG_MASK;
    int slotMask = slots.length - 1;
    for (int i = home(hash, slotMask); ; i = (i + 1) & slotMask) {
      long slot = slots[i];
      if (slot == 0) {
        if (oldSlots != null) {
          int unmoved = findUnmoved(hash, tag, high, low);
          if (unmoved >= 0) {
            return unmoved;
          }
        }
        // Remember where this id would go: the ledger appends right after a miss, and then
        // need not hash and probe again.
        missHigh = high;
        missLow = low;
        missHash = hash;
        missSlot = i;
        return -1;
      }
      if ((slot & TAG_MASK) == tag) {
        int sequence = (int) slot - 1;
        if (idHigh(sequence) == high && idLow(sequence) == low) {
          return sequence;
        }
      }
    }
  }

  /** Looks in the old slots not yet moved, while the index grows. */
  private int findUnmoved(long hash, long tag, long high, long low) {
    int oldMask = oldSlots.length - 1;
    for (int j = home(hash, oldMask); ; j = (j + 1) & oldMask) {
      long slot = oldSlots[j];
      if (slot == 0) {
        return -1;
      }
      if (j >= moved && (slot & TAG_MASK) == tag) {
        int sequence = (int) slot - 1;
        if (idHigh(sequence) == high && idLow(sequence) == low) {
          return sequence;
        }
      }
    }
  }

  /**
   * Makes room for one more {@link #append}, growing columns and index now if needed. This is the
   * part of an append that can fail (it allocates), so the ledger calls it before it changes
   * anything; the append that follows allocates nothing.
   */
  void reserveOne() {
    if (size == MAX_TRANSFERS) {
      throw new IllegalStateException("transfer table is full at " + MAX_TRANSFERS);
    }
    if (size == capacity) {
      growColumns();
    }
    if ((long) (size + 1) * 2 > slots.length) {
      growIndex();
    }
    if (oldSlots != null) {
      moveSlots(SLOTS_MOVED_PER_APPEND);
    }
  }

  /**
   * Appends a transfer whose id the caller has checked is new, after {@link #reserveOne}; returns
   * its sequence number.
   */
  int append(long high, long low, int payerNumber, int payeeNumber, long amountMinor, long time) {
    if (size == capacity || (long) (size + 1) * 2 > slots.length) {
      throw new IllegalStateException("append without reserveOne");
    }
    if (size < sharedRows) {
      throw new IllegalStateException("row " + size + " lies in a chunk a snapshot shares");
    }
    int sequence = size++;
    int chunk = sequence >>> shift;
    int row = sequence & mask;
    idHigh[chunk][row] = high;
    idLow[chunk][row] = low;
    payer[chunk][row] = payerNumber;
    payee[chunk][row] = payeeNumber;
    amount[chunk][row] = amountMinor;
    timeMillis[chunk][row] = time;
    // Moving old slots since the miss may have filled the remembered one; then probe again.
    if (missSlot >= 0 && missHigh == high && missLow == low && slots[missSlot] == 0) {
      slots[missSlot] = (missHash & TAG_MASK) | (sequence + 1L);
    } else {
      insertIntoIndex(sequence);
    }
    missSlot = -1;
    return sequence;
  }

  /**
   * The columns as they are now, for a snapshot, without copying the history: full chunks are
   * shared (and from now on never written, see {@link #truncate}); only the last, partial chunk is
   * copied. Costs O(chunks + one chunk), whatever the number of transfers.
   */
  Columns capture() {
    int count = size;
    int used = chunksFor(count, shift);
    long[][] h = Arrays.copyOf(idHigh, used);
    long[][] l = Arrays.copyOf(idLow, used);
    int[][] from = Arrays.copyOf(payer, used);
    int[][] to = Arrays.copyOf(payee, used);
    long[][] a = Arrays.copyOf(amount, used);
    long[][] t = Arrays.copyOf(timeMillis, used);
    int partial = count & mask;
    if (partial != 0) {
      int last = used - 1;
      h[last] = Arrays.copyOf(h[last], partial);
      l[last] = Arrays.copyOf(l[last], partial);
      from[last] = Arrays.copyOf(from[last], partial);
      to[last] = Arrays.copyOf(to[last], partial);
      a[last] = Arrays.copyOf(a[last], partial);
      t[last] = Arrays.copyOf(t[last], partial);
    }
    sharedRows = Math.max(sharedRows, count - partial);
    return new Columns(count, shift, h, l, from, to, a, t);
  }

  /**
   * Replaces the whole content, as loaded from a snapshot. The table adopts the full chunks of
   * {@code columns}, treating them as shared (they are never written again), and copies the partial
   * last chunk into one of its own.
   */
  void load(Columns columns) {
    if (columns.shift() != shift) {
      throw new IllegalArgumentException(
          "columns of chunk shift "
              + columns.shift()
              + " cannot load into a table of chunk shift "
              + shift);
    }
    int count = columns.count();
    int used = columns.chunkCount();
    int partial = count & mask;
    int full = used - (partial != 0 ? 1 : 0);
    int directory = Math.max(8, Integer.highestOneBit(Math.max(1, used)) * 2);
    idHigh = new long[directory][];
    idLow = new long[directory][];
    payer = new int[directory][];
    payee = new int[directory][];
    amount = new long[directory][];
    timeMillis = new long[directory][];
    chunks = 0;
    capacity = 0;
    for (int c = 0; c < full; c++) {
      if (columns.idHigh()[c].length != chunkRows
          || columns.idLow()[c].length != chunkRows
          || columns.payer()[c].length != chunkRows
          || columns.payee()[c].length != chunkRows
          || columns.amount()[c].length != chunkRows
          || columns.time()[c].length != chunkRows) {
        throw new IllegalArgumentException("chunk " + c + " is not a full chunk");
      }
      idLow[c] = columns.idLow()[c];
      idHigh[c] = columns.idHigh()[c];
      payer[c] = columns.payer()[c];
      payee[c] = columns.payee()[c];
      amount[c] = columns.amount()[c];
      timeMillis[c] = columns.time()[c];
      chunks++;
      capacity += chunkRows;
    }
    if (partial != 0 || used == 0) {
      // Its own tail: the first chunk sized as growth would have sized it, any later one full.
      int rows =
          used <= 1
              ? Math.min(
                  chunkRows,
                  Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, partial - 1)) << 1))
              : chunkRows;
      addChunk(rows);
      if (partial != 0) {
        int c = used - 1;
        System.arraycopy(columns.idHigh()[c], 0, idHigh[c], 0, partial);
        System.arraycopy(columns.idLow()[c], 0, idLow[c], 0, partial);
        System.arraycopy(columns.payer()[c], 0, payer[c], 0, partial);
        System.arraycopy(columns.payee()[c], 0, payee[c], 0, partial);
        System.arraycopy(columns.amount()[c], 0, amount[c], 0, partial);
        System.arraycopy(columns.time()[c], 0, timeMillis[c], 0, partial);
      }
    }
    size = count;
    sharedRows = count - partial;
    rebuildIndex(Integer.highestOneBit(Math.max(INITIAL_CAPACITY, count)) * 4);
  }

  /**
   * Forgets every transfer from {@code sequence} on: a batch that failed to apply is undone. Only
   * on that failure path, so rebuilding the index (O(transfers)) is acceptable. A chunk that a
   * snapshot shares and that later appends would write into is first replaced by a copy, so the
   * snapshot keeps exactly what it captured.
   */
  void truncate(int sequence) {
    if (sequence < 0 || sequence > size) {
      throw new IllegalArgumentException("cannot truncate " + size + " transfers to " + sequence);
    }
    if (sequence < sharedRows) {
      for (int c = sequence >>> shift; c < sharedRows >>> shift; c++) {
        idHigh[c] = idHigh[c].clone();
        idLow[c] = idLow[c].clone();
        payer[c] = payer[c].clone();
        payee[c] = payee[c].clone();
        amount[c] = amount[c].clone();
        timeMillis[c] = timeMillis[c].clone();
      }
      sharedRows = (sequence >>> shift) << shift;
    }
    size = sequence;
    rebuildIndex(slots.length);
  }

  /** One more chunk (or, while there is only one, a first chunk twice as long): no history copy. */
  private void growColumns() {
    int grown =
        chunks == 1 && capacity < chunkRows
            ? Math.min(chunkRows, capacity * 2)
            : capacity + chunkRows;
    if (grown > columnCapacityLimit) {
      throw new OutOfMemoryError(
          "transfer columns may not grow past " + columnCapacityLimit + " rows (test limit)");
    }
    if (chunks == 1 && capacity < chunkRows) {
      // Never shared: a snapshot copies a partial chunk, and this one is not full.
      idHigh[0] = Arrays.copyOf(idHigh[0], grown);
      idLow[0] = Arrays.copyOf(idLow[0], grown);
      payer[0] = Arrays.copyOf(payer[0], grown);
      payee[0] = Arrays.copyOf(payee[0], grown);
      amount[0] = Arrays.copyOf(amount[0], grown);
      timeMillis[0] = Arrays.copyOf(timeMillis[0], grown);
      capacity = grown;
    } else {
      addChunk(chunkRows);
    }
  }

  /** Allocates chunk number {@link #chunks} with {@code rows} rows, all columns at once. */
  private void addChunk(int rows) {
    if (chunks == idHigh.length) {
      // The directories hold references only: 8,192 of them at the largest ledger.
      int directory = chunks * 2;
      idHigh = Arrays.copyOf(idHigh, directory);
      idLow = Arrays.copyOf(idLow, directory);
      payer = Arrays.copyOf(payer, directory);
      payee = Arrays.copyOf(payee, directory);
      amount = Arrays.copyOf(amount, directory);
      timeMillis = Arrays.copyOf(timeMillis, directory);
    }
    // Allocate every column before publishing any, so a failed allocation changes nothing.
    long[] h = new long[rows];
    long[] l = new long[rows];
    int[] from = new int[rows];
    int[] to = new int[rows];
    long[] a = new long[rows];
    long[] t = new long[rows];
    idHigh[chunks] = h;
    idLow[chunks] = l;
    payer[chunks] = from;
    payee[chunks] = to;
    amount[chunks] = a;
    timeMillis[chunks] = t;
    chunks++;
    capacity += rows;
  }

  static int chunksFor(int rows, int shift) {
    return (int) (((long) rows + (1L << shift) - 1) >>> shift);
  }

  private void rebuildIndex(int slotCount) {
    missSlot = -1;
    oldSlots = null;
    moved = 0;
    slots = new long[slotCount];
    for (int sequence = 0; sequence < size; sequence++) {
      insertIntoIndex(sequence);
    }
  }

  /**
   * Doubles the index. Only the allocation happens now; the entries move over the next appends
   * ({@link #moveSlots}), by their stored hash bits.
   */
  private void growIndex() {
    if (oldSlots != null) {
      moveSlots(oldSlots.length); // cannot happen with SLOTS_MOVED_PER_APPEND >= 2; stay safe
    }
    long[] grown = new long[slots.length * 2]; // before any change: this is what can fail
    missSlot = -1;
    oldSlots = slots;
    moved = 0;
    slots = grown;
  }

  /** Moves up to {@code count} old slots into the grown index; drops the old one when done. */
  private void moveSlots(int count) {
    int end = (int) Math.min(oldSlots.length, (long) moved + count);
    int slotMask = slots.length - 1;
    for (; moved < end; moved++) {
      long slot = oldSlots[moved];
      if (slot != 0) {
        int i = home(slot, slotMask);
        while (slots[i] != 0) {
          i = (i + 1) & slotMask;
        }
        slots[i] = slot;
      }
    }
    if (moved == oldSlots.length) {
      oldSlots = null;
      moved = 0;
    }
  }

  private void insertIntoIndex(int sequence) {
    long hash = hash(idHigh(sequence), idLow(sequence));
    int slotMask = slots.length - 1;
    int i = home(hash, slotMask);
    while (slots[i] != 0) {
      i = (i + 1) & slotMask;
    }
    slots[i] = (hash & TAG_MASK) | (sequence + 1L);
  }

  /** The slot a hash (or a stored slot, which keeps the hash's upper bits) starts probing at. */
  private static int home(long hashOrSlot, int mask) {
    return (int) (hashOrSlot >>> 32) & mask;
  }

  /**
   * Ids are chosen by clients, so mix all bits (a MurmurHash3 finaliser) with a per-process seed:
   * nobody can precompute ids that pile up in one run of slots. The seed changes where ids sit in
   * memory, never what the ledger answers.
   */
  private long hash(long high, long low) {
    long h = (high ^ seed) * 0x9E3779B97F4A7C15L ^ low;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
