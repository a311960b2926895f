package io.paywire.session;

import io.paywire.bus.LedgerApi;
import io.paywire.ledger.RejectCode;

/**
 * Why the session core said no: a stable {@code code} for programs (the ledger's rejection codes,
 * docs/event-bus.md, or one of the session codes below) and a {@code reason} for people. Each entry
 * point turns it into its own dialect.
 */
public record Refusal(String code, String reason, long retryAfterSeconds) {

  public Refusal(String code, String reason) {
    this(code, reason, 0);
  }

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

  /** A forward's payer is not logged in when its payee submits it. */
  public static final String PAYER_OFFLINE = "PAYER_OFFLINE";

  /** Only the account's owner may do this (list its transfers). */
  public static final String FORBIDDEN = "FORBIDDEN";

  /** A signature does not verify against the registered key. */
  public static final String BAD_SIGNATURE = "BAD_SIGNATURE";

  /** No account of that name with a key (one answer for both). */
  public static final String NO_KEY = "NO_KEY";

  /** The session was closed while the command was in flight. */
  public static final String CLOSED = "CLOSED";

  /** The ledger gave no answer; for reads and registrations (payments say unknown). */
  public static final String UNAVAILABLE = "UNAVAILABLE";

  /** Too many requests of this kind from this address; retry after {@code retryAfterSeconds}. */
  public static final String RATE_LIMITED = "RATE_LIMITED";

  /**
   * This node admits enrolled users only, and this entry point cannot carry an enrollment password:
   * register by the HTTPS API or the browser console.
   */
  public static final String ENROLLMENT_REQUIRED = "ENROLLMENT_REQUIRED";

  /**
   * A registration that could not be read or was not admitted by enrollment: one answer for every
   * such case, after the same work (docs/api.md).
   */
  public static final String REGISTRATION_REFUSED = "REGISTRATION_REFUSED";

  /** The name breaks the name rules ({@link Names}). */
  public static final String INVALID_NAME = "INVALID_NAME";

  /** The node's workers for this kind of request are all busy; nothing was done. */
  public static final String BUSY = "BUSY";

  /** What kind of no a refusal is: what every entry point maps to its own status or line. */
  public enum Kind {
    /** The request itself is wrong (a value out of range, a malformed field). */
    INVALID,
    /** Who is asking is not established (no login, wrong key, bad signature). */
    UNAUTHENTICATED,
    /** Who is asking is known, and may not do this. */
    FORBIDDEN,
    /** No such account or transfer, as far as the asker may know. */
    NOT_FOUND,
    /** The request clashes with the ledger's or the session's state. */
    CONFLICT,
    /** Too much from this client, or the node is busy: retry later. */
    TOO_MANY,
    /** The node cannot answer now. */
    UNAVAILABLE
  }

  /** The kind of this refusal: the session core's one mapping of codes, ledger codes included. */
  public Kind kind() {
    switch (code) {
      case AUTH_FAIL, BAD_SIGNATURE, LOGIN_FIRST, KEY_PROOF_REQUIRED:
        return Kind.UNAUTHENTICATED;
      case NOT_PAYEE, FORBIDDEN, ENROLLMENT_REQUIRED:
        return Kind.FORBIDDEN;
      case LedgerApi.UNKNOWN_TRANSFER:
        return Kind.NOT_FOUND;
      case ALREADY_ONLINE, ALREADY_LOGGED_IN, PAYER_OFFLINE:
        return Kind.CONFLICT;
      case RATE_LIMITED, BUSY, LedgerApi.OVERLOADED:
        return Kind.TOO_MANY;
      case UNAVAILABLE, CLOSED:
        return Kind.UNAVAILABLE;
      default:
        break;
    }
    RejectCode ledger;
    try {
      ledger = RejectCode.valueOf(code);
    } catch (IllegalArgumentException notALedgerCode) {
      return Kind.INVALID;
    }
    return switch (ledger) {
      case UNKNOWN_ACCOUNT -> Kind.NOT_FOUND;
      case INSUFFICIENT_FUNDS, ID_REUSED, NAME_TAKEN, KEY_TAKEN -> Kind.CONFLICT;
      case SUPPLY_EXHAUSTED, LEDGER_FULL -> Kind.UNAVAILABLE;
      default -> Kind.INVALID;
    };
  }

  public static Refusal of(String code, String reason) {
    return new Refusal(code, reason);
  }
}
