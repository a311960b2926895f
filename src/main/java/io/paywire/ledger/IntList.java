package io.paywire.ledger;

import java.util.Arrays;

/** A growable list of ints: an account's transfer sequence numbers, without boxing. */
final class IntList {
  private int[] items = new int[4];
  private int size;

  void add(int value) {
    reserveOne();
    items[size++] = value;
  }

  /** Makes room for one more {@link #add}, so that the add itself cannot fail. */
  void reserveOne() {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
  }

  /** Removes the last value if it is at least {@code from}; for undoing a failed batch. */
  void removeLastFrom(int from) {
    while (size > 0 && items[size - 1] >= from) {
      size--;
    }
  }

  int get(int index) {
    assert index >= 0 && index < size;
    return items[index];
  }

  int size() {
    return size;
  }
}
