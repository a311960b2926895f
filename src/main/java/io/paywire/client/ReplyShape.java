package io.paywire.client;

import java.util.Locale;

/**
 * How many lines the server answers to a command, known from the command word alone, as the
 * server's {@code TextParser} reads it. Every error reply is one line that is not a number, so a
 * reader first looks at the first line: a number means the announced lines follow.
 *
 * <ul>
 *   <li>{@link #COUNTED}: HELP, HISTORY: {@code <n>} then n lines;
 *   <li>{@link #LISTING}: LIST and a login {@code <name>#<port>}: {@code <balance>}, {@code <n>},
 *       then n lines;
 *   <li>{@link #SINGLE}: everything else, and any reply whose first line is not a number.
 * </ul>
 */
public enum ReplyShape {
  SINGLE,
  COUNTED,
  LISTING;

  public static ReplyShape of(String commandLine) {
    String[] fields = commandLine.split("#", -1);
    return switch (fields[0].toUpperCase(Locale.ROOT)) {
      case "HELP", "HISTORY" -> COUNTED;
      case "LIST" -> LISTING;
      case "REGISTER", "KEY", "PAY", "TRANS", "EXIT" -> SINGLE;
      // The server reads any other word followed by exactly one field as a login.
      default -> fields.length == 2 ? LISTING : SINGLE;
    };
  }

  /** True for a line of 1 to 18 ASCII digits (a count or a balance), false for anything else. */
  static boolean isNumber(String line) {
    if (line.isEmpty() || line.length() > 18) {
      return false;
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
