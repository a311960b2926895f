package io.paywire.ledger;

import java.util.Set;

/**
 * The rules for account names. A name is shown as registered, but compared case-insensitively so
 * that look-alikes such as {@code Alice} and {@code alice} cannot both exist.
 */
public final class AccountName {

  public static final int MAX_LENGTH = 32;

  /** The issuer funds every registration; it is account 0 and no user can take its name. */
  public static final String ISSUER = "issuer";

  /**
   * Command words of the text protocols. A user named like one could never log in there (the line
   * would read as the command), so no account may take these names, whatever the case.
   */
  public static final Set<String> RESERVED =
      Set.of(ISSUER, "register", "list", "key", "pay", "trans", "history", "help", "exit");

  private AccountName() {}

  /** True for 1 to {@value #MAX_LENGTH} characters of ASCII letters, digits, '_', '-' and '.'. */
  public static boolean isValid(String name) {
    return isValid(name, MAX_LENGTH);
  }

  /**
   * True for 1 to {@code maxLength} characters of ASCII letters, digits, '_', '-' and '.': a ledger
   * may allow longer names than {@value #MAX_LENGTH} ({@link LedgerRules#maxNameLength}).
   */
  public static boolean isValid(String name, int maxLength) {
    if (name == null || name.isEmpty() || name.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** The key names are compared by. Only ASCII is allowed, so this is locale-independent. */
  public static String key(String name) {
    int firstUpper = 0;
    while (firstUpper < name.length() && !isAsciiUpper(name.charAt(firstUpper))) {
      firstUpper++;
    }
    if (firstUpper == name.length()) {
      return name; // already a key: the common case costs no allocation
    }
    StringBuilder key = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      key.append(isAsciiUpper(c) ? (char) (c + ('a' - 'A')) : c);
    }
    return key.toString();
  }

  private static boolean isAsciiUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}
