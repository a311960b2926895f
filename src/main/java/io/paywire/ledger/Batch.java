package io.paywire.ledger;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The commands of one group commit. Each {@link #execute} applies a command to the in-memory state
 * at once (so later commands in the batch see it) and appends its record; {@link Ledger#write} then
 * makes the whole batch durable with one write and one fsync. The caller must not acknowledge any
 * outcome of the batch before that write returns.
 */
public final class Batch {
  /** The ledger this batch goes to; null for a batch on a bare state (tests of the rules). */
  private final Ledger ledger;

  private final LedgerState state;
  private final LedgerOptions options;

  /** The state before this batch: where a failure rolls back to. */
  final LedgerState.Mark start;

  final long timeMillis;
  private ByteBuffer records = ByteBuffer.allocate(16 << 10);
  int recordCount;
  private int commandCount;

  Batch(Ledger ledger, LedgerState state, LedgerOptions options, long timeMillis) {
    this.ledger = ledger;
    this.state = state;
    this.options = options;
    this.start = state.mark();
    this.timeMillis = timeMillis;
  }

  /**
   * Applies one command. An expected failure is a {@link Outcome.Rejected} value; anything else
   * that goes wrong (an allocation that fails, a broken invariant) fails the ledger closed: the
   * whole batch is undone in memory, nothing of it may be acknowledged, and this throws.
   *
   * @throws LedgerFailedException if the ledger failed, now or before
   */
  public Outcome execute(Command command) {
    if (isFull()) {
      throw new IllegalStateException("batch is full; start another");
    }
    if (ledger != null) {
      ledger.requireOpen();
    }
    commandCount++;
    if (!RecordCodec.fits(command)) {
      return new Outcome.Rejected(RejectCode.MALFORMED, "a field is too long");
    }
    try {
      Outcome outcome = state.execute(command, timeMillis);
      if (outcome instanceof Outcome.Accepted accepted && !accepted.duplicate()) {
        append(canonical(command, accepted.transfer(), state));
      }
      return outcome;
    } catch (RuntimeException | Error e) {
      if (ledger == null) {
        state.rollBack(start);
        throw new LedgerFailedException("batch failed in apply: " + e, e);
      }
      throw ledger.fail(this, "apply", e);
    }
  }

  /**
   * Applies one command as {@link #execute} does, and reads what its reply shows of the state right
   * after it: the one step every writer of the ledger takes per command, on one node or in a
   * replicated group.
   */
  public Executed run(Command command) {
    Outcome outcome = execute(command);
    if (outcome instanceof Outcome.Rejected rejected) {
      return Executed.rejected(rejected);
    }
    if (command instanceof Command.OpenAccount open) {
      return new Executed(
          outcome, state.account(open.name()), OptionalLong.empty(), OptionalLong.empty());
    }
    if (command instanceof Command.PoolTransaction tx) {
      return new Executed(
          outcome, Optional.empty(), state.balance(tx.source()), OptionalLong.empty());
    }
    if (command instanceof Command.MineBlock) {
      return new Executed(
          outcome,
          Optional.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          state.gradecoin().flatMap(GradecoinView::lastBlock));
    }
    Command.Transfer transfer = (Command.Transfer) command;
    return new Executed(
        outcome,
        Optional.empty(),
        state.balance(transfer.payer()),
        state.balance(transfer.payee()));
  }

  /**
   * The most a command can add to a batch's records: its own encoding, which an accepted command's
   * journal record never exceeds (names are journaled as registered, of the same length). A writer
   * that forms batches ahead of applying them (a replicated leader) sizes them with this and {@link
   * #fits}.
   */
  public static long recordBytesAtMost(Command command) {
    if ((command instanceof Command.OpenAccount open && open.name() == null)
        || (command instanceof Command.Transfer t && (t.payer() == null || t.payee() == null))
        || ((command instanceof Command.PoolTransaction || command instanceof Command.MineBlock)
            && !RecordCodec.fits(command))) {
      return 0; // refused before any rule that could accept it
    }
    return JournalFormat.RECORD_OVERHEAD_BYTES + (long) RecordCodec.encodedLength(command);
  }

  /**
   * Whether {@code commands} commands whose {@link #recordBytesAtMost} add up to {@code
   * recordBytes} all fit one batch under {@code options}: {@link #isFull} then holds before none of
   * them.
   */
  public static boolean fits(LedgerOptions options, int commands, long recordBytes) {
    return commands <= options.maxBatchCommands()
        && recordBytes + LedgerOptions.MAX_RECORD_BYTES <= options.maxBatchBytes();
  }

  /**
   * Journals names as registered, so the journal reads the same whatever case a client used, and a
   * block with the rewards it applied, so its replay does not depend on the rules.
   */
  private static Command canonical(Command command, TransferView applied, LedgerState state) {
    if (command instanceof Command.PoolTransaction tx) {
      GradecoinView.PoolEntry entry =
          state.gradecoin().flatMap(g -> g.pending(tx.txId())).orElseThrow();
      return new Command.PoolTransaction(
          tx.id(),
          entry.source(),
          entry.target(),
          tx.amount(),
          tx.gasFee(),
          tx.txId(),
          tx.timestamp());
    }
    if (command instanceof Command.MineBlock block && block.blockReward() < 0) {
      GradecoinRules rules = state.gradecoin().flatMap(GradecoinView::rules).orElseThrow();
      return new Command.MineBlock(
          block.id(),
          block.txIds(),
          block.nonce(),
          block.timestamp(),
          block.hash(),
          rules.blockReward(),
          rules.txTrafficReward());
    }
    if (command instanceof Command.Transfer t) {
      return new Command.Transfer(
          t.id(),
          applied.payer(),
          applied.payee(),
          t.amount(),
          t.payerSignature(),
          t.payeeSignature());
    }
    return command;
  }

  private void append(Command command) {
    int length = RecordCodec.encodedLength(command);
    if (records.remaining() < JournalFormat.RECORD_OVERHEAD_BYTES + length) {
      ByteBuffer bigger =
          ByteBuffer.allocate(
              Math.max(
                  records.capacity() * 2, records.position() + LedgerOptions.MAX_RECORD_BYTES));
      records.flip();
      records = bigger.put(records);
    }
    int start = records.position();
    records.position(start + JournalFormat.RECORD_OVERHEAD_BYTES);
    RecordCodec.encode(command, records);
    int end = records.position();
    assert end - start - JournalFormat.RECORD_OVERHEAD_BYTES == length;
    records.putInt(start, length);
    records.putInt(
        start + 4,
        JournalFormat.crc(records.array(), start + JournalFormat.RECORD_OVERHEAD_BYTES, length));
    recordCount++;
  }

  /** True when one more command might not fit the configured batch limits. */
  public boolean isFull() {
    return commandCount >= options.maxBatchCommands()
        || records.position() + LedgerOptions.MAX_RECORD_BYTES > options.maxBatchBytes();
  }

  /** Whether the batch changed anything, that is, whether it needs a write before replies. */
  public boolean hasRecords() {
    return recordCount > 0;
  }

  /** Records (accepted commands) this batch writes to the journal. */
  public int recordCount() {
    return recordCount;
  }

  public int commandCount() {
    return commandCount;
  }

  ByteBuffer encodedRecords() {
    return records.duplicate().flip();
  }
}
