package io.paywire.service;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.JournalBlocks;
import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.LedgerView;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * How {@link LedgerService} makes a batch of commands durable: the one step in which a single node
 * and a cluster member differ. Two implementations: {@link LocalJournalCommit} (the commands
 * applied at once, then one journal write and one fsync) and the cluster's Raft commit (the
 * commands proposed as one Raft entry, committed by a majority, applied on every member).
 *
 * <p>Every method is called on the service's context; every future completes there.
 */
public interface CommitPort {

  /** The batches the service may have committing at once: 1 on a journal, more with Raft. */
  int maxInFlight();

  /** A batch being formed: takes commands while one more fits the port's limits. */
  interface Form {
    /**
     * Adds the command if the batch can take it.
     *
     * @return false if it cannot: the batch is full, or, when it is empty, the command alone is
     *     larger than any batch may be
     */
    boolean tryAdd(Command command);

    boolean isEmpty();

    /** The commands added, in order. */
    List<Command> commands();
  }

  Form newForm();

  /**
   * Commits {@code commands} (not empty, formed by a {@link #newForm}) as one batch at {@code
   * timeMillis}. Completes with each command's result, in order, once the batch is durable
   * (fsynced, or committed by a majority and applied here); never before. A failure means the
   * outcome is unknown to the service: nothing of it is acknowledged.
   */
  Future<List<Executed>> commit(List<Command> commands, long timeMillis);

  /**
   * Where a read looks: the state between batches, after every batch whose commit completed (and
   * perhaps later ones, all durable), and the journal with the bound below which it is durable.
   */
  record ReadPoint(LedgerView state, JournalPosition position, JournalBlocks journal) {
    /** Every journal batch below this sequence is durable: journal reads stay below it. */
    public long journalBound() {
      return position.nextBatchSequence();
    }
  }

  /**
   * Runs {@code lookup} at one point between batches (see {@link ReadPoint}); it must not keep the
   * view. {@code confirm} is set for a round of reads only, with no batch of its own to prove that
   * this member may still answer: a replicated port then confirms its lead first (Raft's
   * ReadIndex); a local journal needs nothing.
   */
  <T> Future<T> read(Function<ReadPoint, T> lookup, boolean confirm);

  /** Why the ledger failed closed, or null while it has not: then nothing more is served. */
  String failure();

  /**
   * The status reply ({@code docs/event-bus.md}) at {@code point}: {@link LedgerStatus}'s fields,
   * plus what the port adds (a cluster member: its Raft role and term).
   */
  JsonObject status(ReadPoint point);

  /** Told after each batch is durable: a local journal may start a snapshot. */
  default void committed() {}
}
