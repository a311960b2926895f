package io.paywire.ledger;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Every transfer ever accepted, in columns of primitives, with an open-addressing index from id to
 * sequence number. Columns keep ten million transfers in about half a gigabyte with no object per
 * transfer, which keeps the garbage collector idle and snapshots a straight copy of arrays.
 */
final class TransferTable {

  /** Arrays are indexed by int; stay clear of the JVM's array size limit. */
  static final int MAX_TRANSFERS = Integer.MAX_VALUE - 64;

  private static final int INITIAL_CAPACITY = 1 << 10;

  long[] idHigh = new long[INITIAL_CAPACITY];
  long[] idLow = new long[INITIAL_CAPACITY];
  int[] payer = new int[INITIAL_CAPACITY];
  int[] payee = new int[INITIAL_CAPACITY];
  long[] amount = new long[INITIAL_CAPACITY];
  long[] timeMillis = new long[INITIAL_CAPACITY];
  int size;

  /** Open addressing, load at most one half; a slot holds sequence + 1, and 0 marks it empty. */
  private int[] slots = new int[INITIAL_CAPACITY * 2];

  private final long seed = new SecureRandom().nextLong();

  int size() {
    return size;
  }

  /** The sequence number of the transfer with this id, or -1. */
  int find(long high, long low) {
    int mask = slots.length - 1;
    for (int i = hash(high, low) & mask; ; i = (i + 1) & mask) {
      int slot = slots[i];
      if (slot == 0) {
        return -1;
      }
      int sequence = slot - 1;
      if (idHigh[sequence] == high && idLow[sequence] == low) {
        return sequence;
      }
    }
  }

  /** Appends a transfer whose id the caller has checked is new; returns its sequence number. */
  int append(long high, long low, int payerNumber, int payeeNumber, long amountMinor, long time) {
    if (size == MAX_TRANSFERS) {
      throw new IllegalStateException("transfer table is full at " + MAX_TRANSFERS);
    }
    if (size == idHigh.length) {
      growColumns(Math.min(MAX_TRANSFERS, size * 2));
    }
    int sequence = size++;
    idHigh[sequence] = high;
    idLow[sequence] = low;
    payer[sequence] = payerNumber;
    payee[sequence] = payeeNumber;
    amount[sequence] = amountMinor;
    timeMillis[sequence] = time;
    if ((long) size * 2 > slots.length) {
      rebuildIndex(slots.length * 2);
    } else {
      insertIntoIndex(sequence);
    }
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
    rebuildIndex(Integer.highestOneBit(Math.max(INITIAL_CAPACITY, count) * 2) * 2);
  }

  private void growColumns(int capacity) {
    idHigh = Arrays.copyOf(idHigh, capacity);
    idLow = Arrays.copyOf(idLow, capacity);
    payer = Arrays.copyOf(payer, capacity);
    payee = Arrays.copyOf(payee, capacity);
    amount = Arrays.copyOf(amount, capacity);
    timeMillis = Arrays.copyOf(timeMillis, capacity);
  }

  private void rebuildIndex(int capacity) {
    slots = new int[capacity];
    for (int sequence = 0; sequence < size; sequence++) {
      insertIntoIndex(sequence);
    }
  }

  private void insertIntoIndex(int sequence) {
    int mask = slots.length - 1;
    int i = hash(idHigh[sequence], idLow[sequence]) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = sequence + 1;
  }

  /**
   * Ids are chosen by clients, so mix all bits (a MurmurHash3 finaliser) with a per-process seed:
   * nobody can precompute ids that pile up in one run of slots. The seed changes where ids sit in
   * memory, never what the ledger answers.
   */
  private int hash(long high, long low) {
    long h = (high ^ seed) * 0x9E3779B97F4A7C15L ^ low;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }
}
