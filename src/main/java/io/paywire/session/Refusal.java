package io.paywire.session;

/**
 * Why the session core said no: a stable {@code code} for programs (the ledger's rejection codes,
 * docs/event-bus.md, or one of the session codes below) and a {@code reason} for people. Each
 * entry point turns it into its own dialect.
 */
public record Refusal(String code, String reason) {

  /** Unknown account or wrong key: told apart nowhere, so logins cannot probe accounts. */
  public static final String AUTH_FAIL = "AUTH_FAIL";
  /** The command needs a logged-in session. */
  public static final String LOGIN_FIRST = "LOGIN_FIRST";
  /** This session is logged in already. */
  public static final String ALREADY_LOGGED_IN = "ALREADY_LOGGED_IN";
  /** The account is online through another session (on any node). */
  public static final String ALREADY_ONLINE = "ALREADY_ONLINE";
  /** The command needs a login proven by the account's key. */
  public static final String KEY_PROOF_REQUIRED = "KEY_PROOF_REQUIRED";
  /** Only the payee may submit a countersigned payment. */
  public static final String NOT_PAYEE = "NOT_PAYEE";
  /** A signature does not verify against the registered key. */
  public static final String BAD_SIGNATURE = "BAD_SIGNATURE";
  /** No account of that name with a key (one answer for both). */
  public static final String NO_KEY = "NO_KEY";
  /** The session was closed while the command was in flight. */
  public static final String CLOSED = "CLOSED";
  /** The ledger gave no answer; for reads and registrations (payments say unknown). */
  public static final String UNAVAILABLE = "UNAVAILABLE";

  public static Refusal of(String code, String reason) {
    return new Refusal(code, reason);
  }
}
