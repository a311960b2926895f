package io.paywire.ledger;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Every transfer ever accepted, in columns of primitives, with an open-addressing index from id to
 * sequence number. Columns keep ten million transfers in about half a gigabyte with no object per
 * transfer, which keeps the garbage collector idle and snapshots a straight copy of arrays.
 */
final class TransferTable {

  /**
   * The index keeps its load at most one half in an array indexed by int, so 2^30 slots and
   * 2^29 transfers (about 537 million, some 26 GB of columns) bound one ledger.
   */
  static final int MAX_TRANSFERS = 1 << 29;

  static final int INITIAL_CAPACITY = 1 << 10;
  private static final long TAG_MASK = 0xFFFF_FFFF_0000_0000L;

  long[] idHigh = new long[INITIAL_CAPACITY];
  long[] idLow = new long[INITIAL_CAPACITY];
  int[] payer = new int[INITIAL_CAPACITY];
  int[] payee = new int[INITIAL_CAPACITY];
  long[] amount = new long[INITIAL_CAPACITY];
  long[] timeMillis = new long[INITIAL_CAPACITY];
  int size;

  /**
   * Open addressing, load at most one half. A slot holds sequence + 1 in its low 32 bits (0 marks
   * it empty) and the upper 32 bits of the id's hash in its high bits. A probe compares hashes
   * inside this one array and reads the id columns only on a likely match, so a lookup of a new
   * id, the common case, costs one cache miss. The home slot comes from the same upper bits, so
   * growing the table can move entries from the slots alone, in nearly sequential order.
   */
  private long[] slots = new long[INITIAL_CAPACITY * 2];

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

  int size() {
    return size;
  }

  /** The sequence number of the transfer with this id, or -1. */
  int find(long high, long low) {
    long hash = hash(high, low);
    long tag = hash & TAG_MASK;
    int mask = slots.length - 1;
    for (int i = home(hash, mask); ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == 0) {
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
        if (idHigh[sequence] == high && idLow[sequence] == low) {
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
    if (size == idHigh.length) {
      growColumns(Math.min(MAX_TRANSFERS, size * 2));
    }
    if ((long) (size + 1) * 2 > slots.length) {
      growIndex();
    }
  }

  /**
   * Appends a transfer whose id the caller has checked is new, after {@link #reserveOne}; returns
   * its sequence number.
   */
  int append(long high, long low, int payerNumber, int payeeNumber, long amountMinor, long time) {
    if (size == idHigh.length || (long) (size + 1) * 2 > slots.length) {
      throw new IllegalStateException("append without reserveOne");
    }
    int sequence = size++;
    idHigh[sequence] = high;
    idLow[sequence] = low;
    payer[sequence] = payerNumber;
    payee[sequence] = payeeNumber;
    amount[sequence] = amountMinor;
    timeMillis[sequence] = time;
    if (missSlot >= 0 && missHigh == high && missLow == low) {
      slots[missSlot] = (missHash & TAG_MASK) | (sequence + 1L);
    } else {
      insertIntoIndex(sequence);
    }
    missSlot = -1;
    return sequence;
  }

  /** Replaces the whole content, as loaded from a snapshot. Columns must have length >= count. */
  void load(long[] high, long[] low, int[] payers, int[] payees, long[] amounts, long[] times,
      int count) {
    idHigh = high;
    idLow = low;
    payer = payers;
    payee = payees;
    amount = amounts;
    timeMillis = times;
    size = count;
    rebuildIndex(Integer.highestOneBit(Math.max(INITIAL_CAPACITY, count)) * 4);
  }

  /**
   * Forgets every transfer from {@code sequence} on: a batch that failed to apply is undone. Only
   * on that failure path, so rebuilding the index (O(transfers)) is acceptable.
   */
  void truncate(int sequence) {
    if (sequence < 0 || sequence > size) {
      throw new IllegalArgumentException("cannot truncate " + size + " transfers to " + sequence);
    }
    size = sequence;
    rebuildIndex(slots.length);
  }

  private void growColumns(int capacity) {
    if (capacity > columnCapacityLimit) {
      throw new OutOfMemoryError("transfer columns may not grow past " + columnCapacityLimit
          + " rows (test limit)");
    }
    idHigh = Arrays.copyOf(idHigh, capacity);
    idLow = Arrays.copyOf(idLow, capacity);
    payer = Arrays.copyOf(payer, capacity);
    payee = Arrays.copyOf(payee, capacity);
    amount = Arrays.copyOf(amount, capacity);
    timeMillis = Arrays.copyOf(timeMillis, capacity);
  }

  private void rebuildIndex(int capacity) {
    missSlot = -1;
    slots = new long[capacity];
    for (int sequence = 0; sequence < size; sequence++) {
      insertIntoIndex(sequence);
    }
  }

  /** Doubles the index, moving every entry by its stored hash bits. */
  private void growIndex() {
    missSlot = -1;
    long[] old = slots;
    slots = new long[old.length * 2];
    int mask = slots.length - 1;
    for (long slot : old) {
      if (slot != 0) {
        int i = home(slot, mask);
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = slot;
      }
    }
  }

  private void insertIntoIndex(int sequence) {
    long hash = hash(idHigh[sequence], idLow[sequence]);
    int mask = slots.length - 1;
    int i = home(hash, mask);
    while (slots[i] != 0) {
      i = (i + 1) & mask;
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
