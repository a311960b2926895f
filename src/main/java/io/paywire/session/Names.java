package io.paywire.session;

import io.paywire.ledger.AccountName;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The syntax a new account's name must have, on every entry point (docs/security.md, "Names").
 * Stricter than what the ledger accepts ({@link AccountName#isValid}), which must still replay the
 * names of older journals:
 *
 * <ul>
 *   <li>1 to {@value AccountName#MAX_LENGTH} ASCII letters, digits, {@code _}, {@code -} and {@code
 *       .}, a letter first and a letter or digit last, and never two of {@code _-.} in a row: so no
 *       name is only punctuation, none ends in a dot ({@code alice.}), and every name can be
 *       written in a URL path ({@code /accounts/..} is not a name);
 *   <li>not one of the {@link #RESERVED} names, nor a look-alike of one: a name is compared by its
 *       {@linkplain #skeleton skeleton}, where case, separators and the characters most often
 *       confused ({@code 1 I i l}, {@code 0 o}, {@code 5 s}, {@code rn m}) do not count, so {@code
 *       lssuer}, {@code Issuer}, {@code i.ssuer} and {@code ISSUER} are all refused.
 * </ul>
 *
 * <p>Look-alikes between two users' names ({@code alice} and {@code a1ice}) are not refused: that
 * would need the ledger to index skeletons, and is left to a later change (docs/security.md).
 */
public final class Names {

  /** Names no user may take, nor a look-alike of: the issuer, command words, and staff roles. */
  public static final Set<String> RESERVED =
      Set.of(
          AccountName.ISSUER,
          "register",
          "list",
          "key",
          "pay",
          "trans",
          "history",
          "help",
          "exit",
          "admin",
          "administrator",
          "root",
          "system",
          "paywire",
          "operator",
          "staff",
          "support",
          "bank",
          "treasury",
          "null");

  private static final Set<String> RESERVED_SKELETONS;

  static {
    HashSet<String> skeletons = new HashSet<>();
    RESERVED.forEach(name -> skeletons.add(skeleton(name)));
    RESERVED_SKELETONS = Set.copyOf(skeletons);
  }

  private Names() {}

  /** Why {@code name} cannot be a new account's name, or empty when it can. */
  public static Optional<String> problemWith(String name) {
    if (!AccountName.isValid(name)) {
      return Optional.of(
          "a name is 1 to " + AccountName.MAX_LENGTH + " ASCII letters, digits, '_', '-' or '.'");
    }
    if (!isLetter(name.charAt(0)) || isSeparator(name.charAt(name.length() - 1))) {
      return Optional.of("a name starts with a letter and ends with a letter or digit");
    }
    for (int i = 1; i < name.length(); i++) {
      if (isSeparator(name.charAt(i)) && isSeparator(name.charAt(i - 1))) {
        return Optional.of("a name has no two of '_', '-' and '.' in a row");
      }
    }
    if (RESERVED_SKELETONS.contains(skeleton(name))) {
      return Optional.of("that name is reserved, or looks like a reserved name");
    }
    return Optional.empty();
  }

  /**
   * What a name looks like to a hurried reader: lower case, no separators, and one letter for each
   * group of characters that are easily taken for each other.
   */
  static String skeleton(String name) {
    String lower = name.toLowerCase(Locale.ROOT).replace("rn", "m");
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (isSeparator(c)) {
        continue;
      }
      out.append(
          switch (c) {
            case '1', 'i', 'l', '|' -> 'l';
            case '0' -> 'o';
            case '5' -> 's';
            default -> c;
          });
    }
    return out.toString();
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isSeparator(char c) {
    return c == '_' || c == '-' || c == '.';
  }
}
