package io.paywire.cluster;

import io.paywire.ledger.AccountName;
import io.paywire.ledger.Batch;
import io.paywire.ledger.Command;
import io.paywire.ledger.GradecoinRules;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.TransferId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One Raft log entry of the ledger: a whole group-commit batch, never one transfer. Everything a
 * member needs to apply it the way every other member does is in the entry: the batch time and each
 * command's id were decided by the leader before it proposed the entry. An entry depends on no
 * other: it names no journal position, so a leader may propose the next before this one is applied
 * (the log's order is the journal's; see {@link LedgerStateMachine}). Big-endian:
 *
 * <pre>
 * version 4 (1)               version 1 also named the journal position it was formed on;
 *                             version 2 (still read) had only the first four terms; version 3
 *                             (still read) had no distinct-names flag (bit 1 below)
 * timeMillis 8                the batch time
 * terms 73                    maxDepositMinor 8 | maxTransferMinor 8 | maxBatchCommands 4
 *                             | maxBatchBytes 4 | maxNameLength 4 | flags 1 (bit 0: Gradecoin,
 *                             bit 1: distinct names, the rest 0)
 *                             | blockTransactionCount 4 | txLowerLimit 8 | txUpperLimit 8
 *                             | txGasFee 8 | blockReward 8 | txTrafficReward 8 (zeros for a
 *                             plain ledger): what every member must apply it under
 * commandCount 4
 * commands                    type 1 (1 open account, 2 transfer, 3 Gradecoin pool
 *                             transaction, 4 Gradecoin block) | idHigh 8 | idLow 8
 *                             | deposit, amount or nonce 8 | then, in Command's order:
 *                             1, 2: strings | byte arrays
 *                             3: gasFee 8 | source, target, txId, timestamp (strings)
 *                             4: blockReward 8 | trafficReward 8 | txIdCount 4 (-1 for none)
 *                             | txIds (strings) | timestamp, hash (strings)
 * string                      length 4 (-1 for none) | UTF-16 code units 2 each
 * byte array                  length 4 | bytes
 * </pre>
 *
 * Strings are kept as UTF-16 code units, so any name a request carried reaches every member
 * unchanged, even one the rules will refuse: a lossy encoding could turn a refused name into an
 * accepted one. Decoding checks every length against what is left and against the bounds below.
 */
record LedgerEntry(long timeMillis, Terms terms, List<Command> commands) {

  static final byte VERSION = 4;

  /** Entries before the distinct-names rule of course networks: flags bit 1 always 0. */
  private static final byte VERSION_3 = 3;

  /** Entries before Gradecoin networks: the first four terms only. */
  private static final byte VERSION_2 = 2;

  /**
   * The largest entry a leader proposes: below Ratis's log-entry limit ({@code
   * raft.server.log.appender.buffer.byte-limit}, 4 MiB by default, which {@link RaftLedger} leaves
   * as it is), with room for Ratis's own framing.
   */
  static final int MAX_ENTRY_BYTES = (4 << 20) - (64 << 10);

  private static final int GRADECOIN_FLAG = 1;
  private static final int DISTINCT_FLAG = 2;

  private static final byte OPEN_ACCOUNT = 1;
  private static final byte TRANSFER = 2;
  private static final byte POOL_TRANSACTION = 3;
  private static final byte MINE_BLOCK = 4;
  private static final int HEADER_BYTES = 1 + 8 + Terms.BYTES + 4;

  /** type, id, amount: what every command has before its strings and byte arrays. */
  private static final int COMMAND_FIXED_BYTES = 1 + 16 + 8;

  /**
   * The fewest bytes a command takes: an account opened with an empty name and no key, its fixed
   * part and two length fields (a transfer has four).
   */
  private static final int COMMAND_MIN_BYTES = COMMAND_FIXED_BYTES + 4 + 4;

  /**
   * The ledger options that decide how a command applies: every member must apply an entry under
   * the leader's, or their ledgers would part. A member whose own differ refuses the entry.
   */
  record Terms(
      long maxDepositMinor,
      long maxTransferMinor,
      int maxBatchCommands,
      int maxBatchBytes,
      int maxNameLength,
      GradecoinRules gradecoin,
      boolean distinctNames) {
    static final int BYTES = 8 + 8 + 4 + 4 + 4 + 1 + 4 + 5 * 8;

    /** The four terms of a version-2 entry, under which names had at most 32 characters. */
    Terms(long maxDepositMinor, long maxTransferMinor, int maxBatchCommands, int maxBatchBytes) {
      this(
          maxDepositMinor,
          maxTransferMinor,
          maxBatchCommands,
          maxBatchBytes,
          AccountName.MAX_LENGTH,
          null,
          false);
    }

    static Terms of(LedgerOptions options) {
      return new Terms(
          options.rules().maxDepositMinor(),
          options.rules().maxTransferMinor(),
          options.maxBatchCommands(),
          options.maxBatchBytes(),
          options.rules().maxNameLength(),
          options.gradecoin(),
          options.rules().distinctNames());
    }

    void write(ByteBuffer out) {
      out.putLong(maxDepositMinor)
          .putLong(maxTransferMinor)
          .putInt(maxBatchCommands)
          .putInt(maxBatchBytes)
          .putInt(maxNameLength)
          .put(
              (byte)
                  ((gradecoin == null ? 0 : GRADECOIN_FLAG) | (distinctNames ? DISTINCT_FLAG : 0)));
      GradecoinRules g = gradecoin;
      out.putInt(g == null ? 0 : g.blockTransactionCount())
          .putLong(g == null ? 0 : g.txLowerLimit())
          .putLong(g == null ? 0 : g.txUpperLimit())
          .putLong(g == null ? 0 : g.txGasFee())
          .putLong(g == null ? 0 : g.blockReward())
          .putLong(g == null ? 0 : g.txTrafficReward());
    }

    static Terms read(ByteBuffer in, byte version) {
      long maxDeposit = in.getLong();
      long maxTransfer = in.getLong();
      int maxBatchCommands = in.getInt();
      int maxBatchBytes = in.getInt();
      int maxNameLength = in.getInt();
      byte flags = in.get();
      int known = version == VERSION_3 ? GRADECOIN_FLAG : GRADECOIN_FLAG | DISTINCT_FLAG;
      if ((flags & ~known) != 0) {
        throw new IllegalArgumentException(
            "flags " + flags + " of a version " + version + " entry");
      }
      boolean gradecoin = (flags & GRADECOIN_FLAG) != 0;
      int blockTransactionCount = in.getInt();
      long[] g = {in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong()};
      GradecoinRules rules =
          !gradecoin
              ? null
              : new GradecoinRules(blockTransactionCount, g[0], g[1], g[2], g[3], g[4]);
      return new Terms(
          maxDeposit,
          maxTransfer,
          maxBatchCommands,
          maxBatchBytes,
          maxNameLength,
          rules,
          (flags & DISTINCT_FLAG) != 0);
    }
  }

  LedgerEntry {
    commands = List.copyOf(commands);
  }

  /**
   * An entry of a version this member cannot read: another member (of another release) may apply
   * it, so passing over it would part the ledgers. The member must fail closed.
   */
  static final class UnknownVersionException extends IllegalArgumentException {
    UnknownVersionException(String message) {
      super(message);
    }
  }

  // ---- encoding --------------------------------------------------------------------------------

  byte[] encode() {
    int length = HEADER_BYTES;
    for (Command command : commands) {
      length = Math.addExact(length, encodedLength(command));
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    out.put(VERSION).putLong(timeMillis);
    terms.write(out);
    out.putInt(commands.size());
    for (Command command : commands) {
      if (command instanceof Command.OpenAccount open) {
        out.put(OPEN_ACCOUNT)
            .putLong(open.id().high())
            .putLong(open.id().low())
            .putLong(open.deposit());
        putString(out, open.name());
        putBytes(out, open.publicKey());
      } else if (command instanceof Command.PoolTransaction tx) {
        out.put(POOL_TRANSACTION)
            .putLong(tx.id().high())
            .putLong(tx.id().low())
            .putLong(tx.amount())
            .putLong(tx.gasFee());
        putString(out, tx.source());
        putString(out, tx.target());
        putString(out, tx.txId());
        putString(out, tx.timestamp());
      } else if (command instanceof Command.MineBlock block) {
        out.put(MINE_BLOCK)
            .putLong(block.id().high())
            .putLong(block.id().low())
            .putLong(block.nonce())
            .putLong(block.blockReward())
            .putLong(block.trafficReward());
        out.putInt(block.txIds() == null ? -1 : block.txIds().size());
        if (block.txIds() != null) {
          block.txIds().forEach(txId -> putString(out, txId));
        }
        putString(out, block.timestamp());
        putString(out, block.hash());
      } else {
        Command.Transfer t = (Command.Transfer) command;
        out.put(TRANSFER).putLong(t.id().high()).putLong(t.id().low()).putLong(t.amount());
        putString(out, t.payer());
        putString(out, t.payee());
        putBytes(out, t.payerSignature());
        putBytes(out, t.payeeSignature());
      }
    }
    assert !out.hasRemaining();
    return out.array();
  }

  static int encodedLength(Command command) {
    if (command instanceof Command.OpenAccount open) {
      return COMMAND_FIXED_BYTES + stringLength(open.name()) + 4 + open.publicKey().length;
    }
    if (command instanceof Command.PoolTransaction tx) {
      return COMMAND_FIXED_BYTES
          + 8
          + stringLength(tx.source())
          + stringLength(tx.target())
          + stringLength(tx.txId())
          + stringLength(tx.timestamp());
    }
    if (command instanceof Command.MineBlock block) {
      int length =
          COMMAND_FIXED_BYTES
              + 8
              + 8
              + 4
              + stringLength(block.timestamp())
              + stringLength(block.hash());
      if (block.txIds() != null) {
        for (String txId : block.txIds()) {
          length = Math.addExact(length, stringLength(txId));
        }
      }
      return length;
    }
    Command.Transfer t = (Command.Transfer) command;
    return COMMAND_FIXED_BYTES
        + stringLength(t.payer())
        + stringLength(t.payee())
        + 4
        + t.payerSignature().length
        + 4
        + t.payeeSignature().length;
  }

  private static int stringLength(String s) {
    return 4 + (s == null ? 0 : 2 * s.length());
  }

  private static void putString(ByteBuffer out, String s) {
    if (s == null) {
      out.putInt(-1);
      return;
    }
    out.putInt(s.length());
    for (int i = 0; i < s.length(); i++) {
      out.putChar(s.charAt(i));
    }
  }

  private static void putBytes(ByteBuffer out, byte[] bytes) {
    out.putInt(bytes.length).put(bytes);
  }

  // ---- decoding --------------------------------------------------------------------------------

  /**
   * Reads an entry back.
   *
   * @throws UnknownVersionException if the entry is of another version
   * @throws IllegalArgumentException if the bytes are not a well-formed entry of this version
   */
  static LedgerEntry decode(ByteBuffer in) {
    try {
      if (in.remaining() > MAX_ENTRY_BYTES) {
        throw new IllegalArgumentException(
            "entry of " + in.remaining() + " bytes is above " + MAX_ENTRY_BYTES);
      }
      byte version = in.get();
      if (version != VERSION && version != VERSION_3 && version != VERSION_2) {
        throw new UnknownVersionException("entry version " + version + " is not " + VERSION);
      }
      long timeMillis = in.getLong();
      Terms terms =
          version == VERSION_2
              ? new Terms(in.getLong(), in.getLong(), in.getInt(), in.getInt())
              : Terms.read(in, version);
      int count = in.getInt();
      if (count < 0 || (long) count * COMMAND_MIN_BYTES > in.remaining()) {
        throw new IllegalArgumentException("command count " + count + " does not fit the entry");
      }
      List<Command> commands = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        commands.add(decodeCommand(in));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the last command");
      }
      return new LedgerEntry(timeMillis, terms, commands);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("entry ends early");
    }
  }

  private static Command decodeCommand(ByteBuffer in) {
    byte type = in.get();
    TransferId id = new TransferId(in.getLong(), in.getLong());
    long amount = in.getLong();
    if (type == OPEN_ACCOUNT) {
      return new Command.OpenAccount(id, getString(in), getBytes(in), amount);
    }
    if (type == TRANSFER) {
      return new Command.Transfer(
          id, getString(in), getString(in), amount, getBytes(in), getBytes(in));
    }
    if (type == POOL_TRANSACTION) {
      long gasFee = in.getLong();
      return new Command.PoolTransaction(
          id, getString(in), getString(in), amount, gasFee, getString(in), getString(in));
    }
    if (type == MINE_BLOCK) {
      long blockReward = in.getLong();
      long trafficReward = in.getLong();
      int count = in.getInt();
      if (count < -1 || (long) count * 4 > in.remaining()) {
        throw new IllegalArgumentException("id count " + count + " does not fit the entry");
      }
      List<String> txIds = null;
      if (count >= 0) {
        txIds = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          String txId = getString(in);
          if (txId == null) {
            throw new IllegalArgumentException("a block's transaction id is missing");
          }
          txIds.add(txId);
        }
      }
      return new Command.MineBlock(
          id, txIds, amount, getString(in), getString(in), blockReward, trafficReward);
    }
    throw new IllegalArgumentException("unknown command type " + type);
  }

  private static String getString(ByteBuffer in) {
    int length = in.getInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || (long) length * 2 > in.remaining()) {
      throw new IllegalArgumentException("string length " + length + " does not fit the entry");
    }
    char[] chars = new char[length];
    // One bulk copy, not a call per char: decoding is most of what a follower does per transfer.
    in.asCharBuffer().get(chars);
    in.position(in.position() + length * 2);
    return new String(chars);
  }

  private static byte[] getBytes(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("byte array length " + length + " does not fit the entry");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  // ---- forming a batch -------------------------------------------------------------------------

  /**
   * Gathers a leader's commands for one entry, within the ledger's batch limits (so that the whole
   * entry becomes one journal batch on every member) and {@link #MAX_ENTRY_BYTES}.
   */
  static final class Builder {
    private final LedgerOptions options;
    private final List<Command> commands = new ArrayList<>();
    private long entryBytes = HEADER_BYTES;
    private long recordBytes;

    Builder(LedgerOptions options) {
      this.options = options;
    }

    /**
     * Adds the command if the entry can take it.
     *
     * @return false if it cannot: the entry is full (propose it and start another), or, when the
     *     entry is empty, the command alone is larger than any entry may be
     */
    boolean tryAdd(Command command) {
      long entry = entryBytes + encodedLength(command);
      long records = recordBytes + Batch.recordBytesAtMost(command);
      if (entry > MAX_ENTRY_BYTES || !Batch.fits(options, commands.size() + 1, records)) {
        return false;
      }
      commands.add(command);
      entryBytes = entry;
      recordBytes = records;
      return true;
    }

    boolean isEmpty() {
      return commands.isEmpty();
    }

    int size() {
      return commands.size();
    }

    List<Command> commands() {
      return List.copyOf(commands);
    }
  }
}
