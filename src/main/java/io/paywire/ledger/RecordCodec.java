package io.paywire.ledger;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Binary form of a journaled command: the payload of one journal record. Names are ASCII (checked
 * by {@link AccountName}), so one byte each; key and signature lengths take two bytes.
 *
 * <pre>
 * OPEN_ACCOUNT (1): id 16 | deposit 8 | nameLength 1 | name | keyLength 2 | key
 * TRANSFER     (2): id 16 | amount 8 | payerLength 1 | payer | payeeLength 1 | payee
 *                   | payerSignatureLength 2 | payerSignature | payeeSignatureLength 2 | payeeSignature
 * </pre>
 */
final class RecordCodec {

  static final byte OPEN_ACCOUNT = 1;
  static final byte TRANSFER = 2;

  /** A signature of an 8192-bit RSA key is 1,024 bytes; anything longer is not a signature. */
  static final int MAX_SIGNATURE_BYTES = 1024;

  private RecordCodec() {}

  static int encodedLength(Command command) {
    if (command instanceof Command.OpenAccount open) {
      return 1 + 16 + 8 + 1 + open.name().length() + 2 + open.publicKey().length;
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

  static void encode(Command command, ByteBuffer out) {
    if (command instanceof Command.OpenAccount open) {
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
      if (type == OPEN_ACCOUNT) {
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
   * accepted commands are journaled, and an accepted name has at most 32 characters.
   */
  static boolean fits(Command command) {
    if (command instanceof Command.OpenAccount open) {
      return open.publicKey().length <= 0xFFFF;
    }
    Command.Transfer t = (Command.Transfer) command;
    return t.payerSignature().length <= MAX_SIGNATURE_BYTES
        && t.payeeSignature().length <= MAX_SIGNATURE_BYTES;
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
