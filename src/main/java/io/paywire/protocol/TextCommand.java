package io.paywire.protocol;

import io.paywire.ledger.TransferId;

/**
 * One line of the TLS text protocol, parsed. Parsing checks form only (field count, numbers, ids,
 * base64); whether a name exists or an amount is affordable is the ledger's to say.
 */
public sealed interface TextCommand {

  /**
   * Whether the command changes the session (who is logged in, or whether it stays open): such a
   * command waits for every command before it, and every command after it waits for it.
   */
  static boolean changesSession(TextCommand command) {
    return command instanceof Register || command instanceof Login || command instanceof Exit;
  }

  /** {@code REGISTER#name#deposit} or {@code REGISTER#name}: deposit null means the default. */
  record Register(String name, Long deposit) implements TextCommand {}

  /** {@code name#port}: port 0 means the client takes no peer payments. */
  record Login(String name, int port) implements TextCommand {}

  /** {@code LIST} or {@code LIST#offset}: who is online, a page from {@code offset}. */
  record ListOnline(int offset) implements TextCommand {}

  record Key(String name) implements TextCommand {}

  /** {@code PAY#payee#amount} or {@code PAY#payee#amount#id}: id null means a fresh one. */
  record Pay(String payee, long amount, TransferId id) implements TextCommand {}

  /**
   * {@code TRANS#payer#amount#payee#id#sigPayer#sigPayee}, sent by the payee. The signatures are
   * kept both as sent (the payee signed the payer's base64 text) and decoded.
   */
  record Trans(
      String payer,
      long amount,
      String payee,
      TransferId id,
      String payerSignatureText,
      byte[] payerSignature,
      byte[] payeeSignature)
      implements TextCommand {}

  /** {@code HISTORY} or {@code HISTORY#n}. */
  record History(int count) implements TextCommand {}

  record Help() implements TextCommand {}

  record Exit() implements TextCommand {}

  /** A line that is not a valid command; {@code reason} goes back to the client. */
  record Invalid(String reason) implements TextCommand {}
}
