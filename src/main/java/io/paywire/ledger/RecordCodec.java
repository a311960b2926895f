package io.paywire.ledger;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Binary form of a journaled command: the payload of one journal record. Names are ASCII (checked
 * by {@link AccountName}), so one byte each; key and signature lengths take two bytes.
 *
 * <pre>
 * OPEN_ACCOUNT (1): id 16 | deposit 8 | nameLength 1 | name | keyLength 2 | key
 * TRANSFER     (2): id 16 | amount 8 | payerLength 1 | payer | payeeLength 1 | payee
 *                   | payerSignatureLength 2 | payerSignature | payeeSignatureLength 2 | payeeSignature
 * POOL_TX      (3): id 16 | amount 8 | gasFee 8 | sourceLength 1 | source | targetLength 1 | target
 *                   | txId 32 | timestampLength 1 | timestamp
 * MINE_BLOCK   (4): id 16 | nonce 8 | blockReward 8 | trafficReward 8 | hash 32
 *                   | timestampLength 1 | timestamp | txIdCount 2 | txId 32 * txIdCount
 * </pre>
 *
 * Gradecoin's transaction ids and block hashes are 64 lowercase hex characters ({@link #fits}
 * refuses others), kept as their 32 bytes.
 */
final class RecordCodec {

  static final byte OPEN_ACCOUNT = 1;
  static final byte TRANSFER = 2;
  static final byte POOL_TRANSACTION = 3;
  static final byte MINE_BLOCK = 4;

  /** A Gradecoin transaction id or block hash: 32 bytes, written as 64 lowercase hex characters. */
  static final int HASH_BYTES = 32;

  /** A signature of an 8192-bit RSA key is 1,024 bytes; anything longer is not a signature. */
  static final int MAX_SIGNATURE_BYTES = 1024;

  private RecordCodec() {}

  static int encodedLength(Command command) {
    if (command instanceof Command.OpenAccount open) {
      return 1 + 16 + 8 + 1 + open.name().length() + 2 + open.publicKey().length;
    }
    if (command instanceof Command.PoolTransaction tx) {
      return 1
          + 16
          + 8
          + 8
          + 1
          + tx.source().length()
          + 1
          + tx.target().length()
          + HASH_BYTES
          + 1
          + tx.timestamp().length();
    }
    if (command instanceof Command.MineBlock block) {
      return blockBytes(block.timestamp().length(), block.txIds().size());
    }
    Command.Transfer t = (Command.Transfer) command;
    return 1
        + 16
        + 8
        + 1
        + t.payer().length()
        + 1
        + t.payee().length()
        + 2
        + t.payerSignature().length
        + 2
        + t.payeeSignature().length;
  }

  /** The largest block record: the most transactions, the longest timestamp. */
  static int maxBlockBytes() {
    return blockBytes(Command.MAX_TIMESTAMP_LENGTH, GradecoinRules.MAX_BLOCK_TRANSACTIONS);
  }

  /** type, id, nonce, the two rewards, hash, timestamp, id count, ids. */
  private static int blockBytes(int timestampLength, int txIds) {
    return 1 + 16 + 8 + 8 + 8 + HASH_BYTES + 1 + timestampLength + 2 + HASH_BYTES * txIds;
  }

  static void encode(Command command, ByteBuffer out) {
    if (command instanceof Command.PoolTransaction tx) {
      out.put(POOL_TRANSACTION);
      putId(out, tx.id());
      out.putLong(tx.amount()).putLong(tx.gasFee());
      putName(out, tx.source());
      putName(out, tx.target());
      out.put(HexFormat.of().parseHex(tx.txId()));
      putName(out, tx.timestamp());
    } else if (command instanceof Command.MineBlock block) {
      out.put(MINE_BLOCK);
      putId(out, block.id());
      out.putLong(block.nonce()).putLong(block.blockReward()).putLong(block.trafficReward());
      out.put(HexFormat.of().parseHex(block.hash()));
      putName(out, block.timestamp());
      out.putShort((short) block.txIds().size());
      for (String txId : block.txIds()) {
        out.put(HexFormat.of().parseHex(txId));
      }
    } else if (command instanceof Command.OpenAccount open) {
      out.put(OPEN_ACCOUNT);
      putId(out, open.id());
      out.putLong(open.deposit());
      putName(out, open.name());
      putBytes(out, open.publicKey());
    } else {
      Command.Transfer t = (Command.Transfer) command;
      out.put(TRANSFER);
      putId(out, t.id());
      out.putLong(t.amount());
      putName(out, t.payer());
      putName(out, t.payee());
      putBytes(out, t.payerSignature());
      putBytes(out, t.payeeSignature());
    }
  }

  /** Decodes one payload; throws IllegalArgumentException if it is not a well-formed record. */
  static Command decode(ByteBuffer in) {
    try {
      byte type = in.get();
      TransferId id = new TransferId(in.getLong(), in.getLong());
      long amount = in.getLong();
      Command command;
      if (type == POOL_TRANSACTION) {
        long gasFee = in.getLong();
        String source = getName(in);
        String target = getName(in);
        String txId = getHash(in);
        command =
            new Command.PoolTransaction(id, source, target, amount, gasFee, txId, getName(in));
      } else if (type == MINE_BLOCK) {
        long blockReward = in.getLong();
        long trafficReward = in.getLong();
        String hash = getHash(in);
        String timestamp = getName(in);
        int count = Short.toUnsignedInt(in.getShort());
        if (count > in.remaining() / HASH_BYTES) {
          throw new IllegalArgumentException("block of " + count + " ids does not fit the record");
        }
        List<String> txIds = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          txIds.add(getHash(in));
        }
        command =
            new Command.MineBlock(id, txIds, amount, timestamp, hash, blockReward, trafficReward);
      } else if (type == OPEN_ACCOUNT) {
        command = new Command.OpenAccount(id, getName(in), getBytes(in), amount);
      } else if (type == TRANSFER) {
        command =
            new Command.Transfer(id, getName(in), getName(in), amount, getBytes(in), getBytes(in));
      } else {
        throw new IllegalArgumentException("unknown record type " + type);
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the record");
      }
      return command;
    } catch (BufferUnderflowException truncated) {
      throw new IllegalArgumentException("record ends early");
    }
  }

  /**
   * Whether the command's variable parts fit the record format. Names need no check here: only
   * accepted commands are journaled, with names as registered, of at most {@link
   * LedgerRules#MAX_NAME_LENGTH} characters. A Gradecoin command's ids, hash and timestamp are
   * checked here, since the record keeps ids and hashes as bytes.
   */
  static boolean fits(Command command) {
    if (command instanceof Command.PoolTransaction tx) {
      return fitsName(tx.source())
          && fitsName(tx.target())
          && isHash(tx.txId())
          && isTimestamp(tx.timestamp());
    }
    if (command instanceof Command.MineBlock block) {
      return block.txIds() != null
          && block.txIds().size() <= GradecoinRules.MAX_BLOCK_TRANSACTIONS
          && isHash(block.hash())
          && isTimestamp(block.timestamp());
    }
    if (command instanceof Command.OpenAccount open) {
      return open.publicKey().length <= 0xFFFF;
    }
    Command.Transfer t = (Command.Transfer) command;
    return t.payerSignature().length <= MAX_SIGNATURE_BYTES
        && t.payeeSignature().length <= MAX_SIGNATURE_BYTES;
  }

  /**
   * A name a Gradecoin command may carry: it is journaled as the account's registered name, if it
   * is one, so only its presence and length matter here.
   */
  private static boolean fitsName(String name) {
    return name != null && name.length() <= LedgerRules.MAX_NAME_LENGTH;
  }

  /** 64 lowercase hex characters: a transaction id or a block hash. */
  static boolean isHash(String text) {
    if (text == null || text.length() != 2 * HASH_BYTES) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** 1 to {@value Command#MAX_TIMESTAMP_LENGTH} printable ASCII characters. */
  private static boolean isTimestamp(String text) {
    if (text == null || text.isEmpty() || text.length() > Command.MAX_TIMESTAMP_LENGTH) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < 0x20 || text.charAt(i) > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static String getHash(ByteBuffer in) {
    byte[] bytes = new byte[HASH_BYTES];
    in.get(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void putId(ByteBuffer out, TransferId id) {
    out.putLong(id.high()).putLong(id.low());
  }

  private static void putName(ByteBuffer out, String name) {
    out.put((byte) name.length());
    for (int i = 0; i < name.length(); i++) {
      out.put((byte) name.charAt(i));
    }
  }

  private static void putBytes(ByteBuffer out, byte[] bytes) {
    out.putShort((short) bytes.length);
    out.put(bytes);
  }

  private static String getName(ByteBuffer in) {
    int length = Byte.toUnsignedInt(in.get());
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static byte[] getBytes(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    if (length == 0) {
      return Command.NONE;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }
}
