package io.paywire.protocol;

import java.util.List;

/**
 * The reply strings of the text protocols. Where the original course program defined a string, it
 * is kept exactly, so clients that match on it keep working; a reason may follow after a space.
 */
public final class Replies {

  public static final String GREETING = "Connection accepted!";
  public static final String REGISTERED = "100 OK";
  public static final String REGISTER_FAILED = "210 FAIL";
  public static final String AUTH_FAILED = "220 AUTH_FAIL";
  public static final String INVALID = "230 INVALID";
  public static final String ALREADY_ONLINE = "User already logged in!";
  public static final String ONE_LOGIN_PER_CONNECTION = "Only one account can log in once!";
  public static final String LOGIN_FIRST = "Please login to access the list!";
  public static final String TRANS_OK = "TRANS OK";
  public static final String TRANS_FAILED = "TRANS FAIL";

  /** The code of a payment whose outcome the node does not know. */
  public static final String UNKNOWN_OUTCOME = "UNKNOWN";

  public static final String BYE = "Bye";

  /** One line per command for HELP, in the order shown. */
  public static final List<String> HELP =
      List.of(
          "REGISTER#<name>#<deposit> | REGISTER#<name>  open an account (your certificate's key is bound to it)",
          "<name>#<port>  log in; port where you take peer payments, or 0",
          "LIST[#<offset>]  your balance, then who is online: <name>#<ip>#<port>, a page at a time",
          "KEY#<name>  an account's public key (base64 SubjectPublicKeyInfo) and fingerprint",
          "PAY#<payee>#<amount>[#<id>]  pay directly (needs a login proven by your key)",
          "TRANS#<payer>#<amount>#<payee>#<id>#<sigPayer>#<sigPayee>  submit a peer payment (payee only)",
          "HISTORY[#<n>]  your last n transfers: <time>#<id>#<payer>#<payee>#<amount>",
          "HELP  this list",
          "EXIT  log out and close the connection");

  private Replies() {}

  /** {@code code} alone, or {@code code reason}. */
  public static String withReason(String code, String reason) {
    return reason == null || reason.isEmpty() ? code : code + " " + reason;
  }
}
