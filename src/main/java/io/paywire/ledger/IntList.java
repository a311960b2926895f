package io.paywire.ledger;

import java.util.Arrays;

/** A growable list of ints: an account's transfer sequence numbers, without boxing. */
final class IntList {
  private int[] items = new int[4];
  private int size;

  void add(int value) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    items[size++] = value;
  }

  int get(int index) {
    assert index >= 0 && index < size;
    return items[index];
  }

  int size() {
    return size;
  }
}
