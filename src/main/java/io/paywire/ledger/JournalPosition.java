package io.paywire.ledger;

import java.util.HexFormat;

/**
 * Where the journal stands after a batch: the segment and byte offset the next batch goes to, that
 * batch's sequence number, and the hash of the last batch (the head of the chain).
 */
public record JournalPosition(
    long segmentId, long offset, long nextBatchSequence, byte[] headHash) {

  public static final JournalPosition START =
      new JournalPosition(0, 0, 0, JournalFormat.GENESIS_HASH.clone());

  public String headHashHex() {
    return HexFormat.of().formatHex(headHash);
  }
}
