package io.paywire.protocol;

import io.paywire.ledger.TransferId;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns one line of the TLS text protocol into a {@link TextCommand}. Never throws: anything
 * malformed becomes {@link TextCommand.Invalid} with a reason for the client.
 */
public final class TextParser {

  /** Amounts are written as at most 18 digits, so they always fit a long with room to spare. */
  static final int MAX_AMOUNT_DIGITS = 18;

  public static final int MIN_PEER_PORT = 1024;
  public static final int MAX_PEER_PORT = 65535;
  public static final int DEFAULT_HISTORY_LINES = 10;

  private final int maxHistoryLines;

  public TextParser(int maxHistoryLines) {
    this.maxHistoryLines = maxHistoryLines;
  }

  public TextCommand parse(String line) {
    if (line.isEmpty()) {
      return invalid("empty line");
    }
    String[] f = line.split("#", -1);
    String word = f[0].toUpperCase(Locale.ROOT);
    switch (word) {
      case "REGISTER":
        return register(f);
      case "LIST":
        return list(f);
      case "KEY":
        return f.length == 2 && !f[1].isEmpty()
            ? new TextCommand.Key(f[1])
            : invalid("usage: KEY#<name>");
      case "PAY":
        return pay(f);
      case "TRANS":
        return trans(f);
      case "HISTORY":
        return history(f);
      case "HELP":
        return f.length == 1 ? new TextCommand.Help() : invalid("HELP takes no fields");
      case "EXIT":
        return f.length == 1 ? new TextCommand.Exit() : invalid("EXIT takes no fields");
      default:
        return f.length == 2 ? login(f) : invalid("unknown command; send HELP");
    }
  }

  private static TextCommand register(String[] f) {
    if (f.length < 2 || f.length > 3 || f[1].isEmpty()) {
      return invalid("usage: REGISTER#<name>#<deposit>");
    }
    if (f.length == 2) {
      return new TextCommand.Register(f[1], null);
    }
    Long deposit = amountOrNull(f[2]);
    return deposit == null
        ? invalid("deposit must be a whole number")
        : new TextCommand.Register(f[1], deposit);
  }

  private static TextCommand list(String[] f) {
    if (f.length == 1) {
      return new TextCommand.ListOnline(0);
    }
    Long offset = f.length == 2 ? amountOrNull(f[1]) : null;
    return offset == null || offset < 0 || offset > Integer.MAX_VALUE
        ? invalid("usage: LIST or LIST#<offset>")
        : new TextCommand.ListOnline(offset.intValue());
  }

  private static TextCommand login(String[] f) {
    if (f[0].isEmpty()) {
      return invalid("usage: <name>#<port>");
    }
    Long port = amountOrNull(f[1]);
    if (port == null || (port != 0 && (port < MIN_PEER_PORT || port > MAX_PEER_PORT))) {
      return invalid("port must be 0 or " + MIN_PEER_PORT + " to " + MAX_PEER_PORT);
    }
    return new TextCommand.Login(f[0], port.intValue());
  }

  private static TextCommand pay(String[] f) {
    if (f.length < 3 || f.length > 4 || f[1].isEmpty()) {
      return invalid("usage: PAY#<payee>#<amount>[#<id>]");
    }
    Long amount = amountOrNull(f[2]);
    if (amount == null) {
      return invalid("amount must be a whole number");
    }
    TransferId id = null;
    if (f.length == 4) {
      id = TransferId.parseOrNull(f[3]);
      if (id == null || !f[3].equals(id.toString())) {
        return invalid("id must be 32 lowercase hex characters");
      }
    }
    return new TextCommand.Pay(f[1], amount, id);
  }

  private static TextCommand trans(String[] f) {
    if (f.length != 7) {
      return invalid("usage: TRANS#<payer>#<amount>#<payee>#<id>#<sigPayer>#<sigPayee>");
    }
    Long amount = amountOrNull(f[2]);
    TransferId id = TransferId.parseOrNull(f[4]);
    byte[] payerSignature = base64OrNull(f[5]);
    byte[] payeeSignature = base64OrNull(f[6]);
    if (f[1].isEmpty() || f[3].isEmpty()) {
      return invalid("payer and payee must be named");
    }
    if (amount == null) {
      return invalid("amount must be a whole number");
    }
    if (id == null || !f[4].equals(id.toString())) {
      return invalid("id must be 32 lowercase hex characters");
    }
    if (payerSignature == null || payeeSignature == null) {
      return invalid("signatures must be standard base64");
    }
    return new TextCommand.Trans(f[1], amount, f[3], id, f[5], payerSignature, payeeSignature);
  }

  private TextCommand history(String[] f) {
    if (f.length == 1) {
      return new TextCommand.History(Math.min(DEFAULT_HISTORY_LINES, maxHistoryLines));
    }
    Long n = f.length == 2 ? amountOrNull(f[1]) : null;
    if (n == null || n < 1 || n > maxHistoryLines) {
      return invalid("usage: HISTORY#<n>, n from 1 to " + maxHistoryLines);
    }
    return new TextCommand.History(n.intValue());
  }

  /**
   * A whole number written as an optional '-' and 1 to 18 ASCII digits; null otherwise. Signs are
   * read so that a negative amount gets the ledger's own "must be positive" answer.
   */
  static Long amountOrNull(String text) {
    int start = text.startsWith("-") ? 1 : 0;
    int digits = text.length() - start;
    if (digits < 1 || digits > MAX_AMOUNT_DIGITS) {
      return null;
    }
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return Long.parseLong(text);
  }

  /** Standard base64 (with padding), non-empty; null otherwise. */
  static byte[] base64OrNull(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static TextCommand invalid(String reason) {
    return new TextCommand.Invalid(reason);
  }
}
