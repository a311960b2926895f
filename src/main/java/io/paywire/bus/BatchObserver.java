package io.paywire.bus;

/**
 * Told of every batch the ledger service ({@code service/LedgerService}) made durable: its command
 * count and the time from forming the batch to its being durable. On one node that is the apply,
 * the journal write and its fsync; in a cluster, on the leader, the whole commit: replication, a
 * majority's log, and the apply here. Runs on the service's event loop after the batch is durable;
 * whatever it throws is logged and changes nothing. The node's metrics are one.
 */
@FunctionalInterface
public interface BatchObserver {
  BatchObserver NONE = (commands, nanos) -> {};

  void written(int commands, long nanos);
}
