package io.paywire.bus;

/**
 * Told of every batch the ledger made durable: its record count and how long making it durable
 * took. On one node ({@code node/LedgerVerticle}) that is the journal write (the batch's invariant
 * checks, the write and the fsync); in a cluster ({@code cluster/RaftLedgerVerticle}, on the
 * leader) the whole proposal: replication, the fsync on a majority and the apply. Runs on the
 * ledger's event loop after the batch is durable; whatever it throws is logged and changes
 * nothing. The node's metrics are one.
 */
@FunctionalInterface
public interface BatchObserver {
  BatchObserver NONE = (records, nanos) -> { };

  void written(int records, long nanos);
}
