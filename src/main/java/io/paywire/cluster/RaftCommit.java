package io.paywire.cluster;

import io.paywire.bus.LedgerStatus;
import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.LedgerOptions;
import io.paywire.service.CommitPort;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A cluster leader's commit path: a batch becomes one Raft entry ({@link RaftLedger#propose}),
 * durable once a majority has it in its log; its results are those of this member's apply of it.
 * Several entries may be in flight at once ({@link #maxInFlight}); Ratis applies them in log order,
 * and they are proposed in the order the service formed them (one worker, in order).
 *
 * <p>Reads look at this member's state between entries, under the state machine's lock, after the
 * round's entry is applied; a round of reads only first confirms the lead with a majority ({@link
 * RaftLedger#confirmLeadership}, Raft's ReadIndex), so a member deposed without knowing it fails
 * the reads rather than answering from a stale state.
 */
final class RaftCommit implements CommitPort {

  private final RaftLedger raft;
  private final Context context;
  private final WorkerExecutor worker;
  private final int maxInFlight;
  private final String member;
  private final LedgerOptions options;

  /**
   * @param worker one thread: proposals leave in the order they were formed
   * @param maxInFlight entries this leader may have proposed and not yet applied
   */
  RaftCommit(
      RaftLedger raft,
      LedgerOptions options,
      Context context,
      WorkerExecutor worker,
      int maxInFlight) {
    this.raft = raft;
    this.options = options;
    this.context = context;
    this.worker = worker;
    this.maxInFlight = maxInFlight;
    this.member = raft.self().id();
  }

  @Override
  public int maxInFlight() {
    return maxInFlight;
  }

  @Override
  public Form newForm() {
    LedgerEntry.Builder entry = new LedgerEntry.Builder(options);
    return new Form() {
      @Override
      public boolean tryAdd(Command command) {
        return entry.tryAdd(command);
      }

      @Override
      public boolean isEmpty() {
        return entry.isEmpty();
      }

      @Override
      public List<Command> commands() {
        return entry.commands();
      }
    };
  }

  @Override
  public Future<List<Executed>> commit(List<Command> commands, long timeMillis) {
    return worker
        .<CompletableFuture<List<Executed>>>executeBlocking(
            () -> raft.propose(commands, timeMillis))
        .compose(proposed -> Future.fromCompletionStage(proposed, context));
  }

  @Override
  public <T> Future<T> read(Function<ReadPoint, T> lookup, boolean confirm) {
    Future<Void> confirmed =
        confirm
            ? worker
                .<CompletableFuture<Void>>executeBlocking(raft::confirmLeadership)
                .compose(pending -> Future.fromCompletionStage(pending, context))
            : Future.succeededFuture();
    LedgerStateMachine machine = raft.stateMachine();
    return confirmed.compose(
        v ->
            worker.executeBlocking(
                () ->
                    machine.read(
                        state ->
                            lookup.apply(
                                new ReadPoint(
                                    state, machine.position(), machine.journalBlocks())))));
  }

  @Override
  public String failure() {
    return raft.stateMachine().failure();
  }

  @Override
  public JsonObject status(ReadPoint point) {
    return LedgerStatus.of(point.state(), point.position(), failure())
        .withRaft(
            new LedgerStatus.Raft(
                member, raft.role(), raft.leaderId().orElse(null), raft.term(), raft.groupSize()))
        .toJson();
  }
}
