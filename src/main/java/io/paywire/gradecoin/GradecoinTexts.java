package io.paywire.gradecoin;

/**
 * Every reply text of Gradecoin v0.3.1 (yigitsever/gradecoin commit 3ccea00, {@code
 * src/handlers.rs}), byte for byte, as constants and formatters; the wire reference is
 * /work/briefs/gradecoin-wire.md (the issue's {@code wire.md}). Which of the registration texts are
 * actually sent is the listener's choice: Paywire answers every refused registration with one text
 * (docs/gradecoin.md, "No oracle").
 */
public final class GradecoinTexts {

  private GradecoinTexts() {}

  // Reply envelope {"res": RES, "message": TEXT}.
  public static final String RES_SUCCESS = "Success";
  public static final String RES_ERROR = "Error";

  // GET /version: warp::reply::html of "{CARGO_PKG_NAME} - version {CARGO_PKG_VERSION}".
  public static final String VERSION = "gradecoin - version 0.3.1";

  /** GET /block before any block is accepted: {@code Block::default()} in block.rs, compact. */
  public static final String PLACEHOLDER_BLOCK =
      "{\"transaction_list\":[\"gradecoin_bank\"],\"nonce\":0,"
          + "\"timestamp\":\"2022-04-11T20:45:00\",\"hash\":\"not_actually_mined\"}";

  // POST /register (authenticate_user), in the order Gradecoin checks.
  public static final String REGISTER_KEY_DECRYPT =
      "Failed to decrypt the 'key_ciphertext' field of the auth request";
  public static final String REGISTER_C_DECRYPT =
      "Failed to decrypt the 'c' field of the auth request, 'iv' and 'k_temp' were valid so far"
          + " though";
  public static final String REGISTER_NOT_UTF8 =
      "P_AR couldn't get converted to UTF-8, please check your encoding";
  public static final String REGISTER_BAD_JSON =
      "The P_AR JSON did not serialize correctly, did it include all 3 fields 'student_id',"
          + " 'passwd' and 'public_key'?";
  public static final String REGISTER_NOT_ENROLLED =
      "The credentials given ('student_id', 'passwd') cannot hold a Gradecoin account";
  public static final String REGISTER_ALREADY =
      "This user is already authenticated, do you think this is a mistake? Contact me";
  public static final String REGISTER_BAD_PEM =
      "The RSA 'public_key' in 'P_AR' is not in valid PEM format";

  // JWT (authorize_proposer).
  public static final String JWT_INVALID_TOKEN = "Invalid Token";
  public static final String JWT_INVALID_RSA_KEY = "The RSA key does not have a valid format";
  public static final String JWT_EXPIRED = "This token has expired";
  public static final String JWT_USER_KEY_INVALID = "This User's RSA key is invalid";

  // POST /transaction (deduct_gas_fee, then propose_transaction), in order.
  public static final String TX_SOURCE_UNKNOWN =
      "User with the given public key signature is not authorized";
  public static final String TX_FROM_BOT = "Don't send transactions on behalf of bots";
  public static final String TX_HASH_MISMATCH =
      "The hash of the transaction did not match the hash given in JWT";
  public static final String TX_GAS_FEE = "You cannot afford the gas fee for this transaction";
  public static final String TX_PENDING_TWICE =
      "This user already has another pending transaction with this recipient";
  public static final String TX_TO_SELF = "transaction to yourself, you had to try didn't you? :)";
  public static final String TX_BALANCE =
      "User does not have enough balance in their account for this transaction";
  public static final String TX_ACCEPTED = "Transaction accepted";

  // POST /block (propose_block), in order.
  public static final String BLOCK_FIRST_UNKNOWN =
      "First transaction in the block is not found in the system";
  public static final String BLOCK_PROPOSER_UNKNOWN =
      "User with that public key signature is not found in the database";
  public static final String BLOCK_HASH_MISMATCH_JWT =
      "The hash of the block did not match the hash given in JWT tha field";
  public static final String BLOCK_DUPLICATES = "Block cannot contain duplicate transactions";
  public static final String BLOCK_UNKNOWN_TX = "Block contains an unknown transaction";
  public static final String BLOCK_HASH_WRONG =
      "Given hash value does not match the actual block hash";
  public static final String BLOCK_ACCEPTED = "Block accepted, coinbase reward awarded";

  // Framework-level (warp) refusals, plain text.
  public static final String MISSING_AUTHORIZATION = "Missing request header \"Authorization\"";

  /** warp's body-deserialize refusal; {@code serdeError} is serde_json's Display text. */
  public static String deserializeError(String serdeError) {
    return "Request body deserialize error: " + serdeError;
  }

  /** A refused base64 field of a registration; {@code field} is key, iv or c. */
  public static String registerNotBase64(String field, String sent, String error) {
    return "\""
        + field
        + "\" field of initial auth request was not base64 encoded: "
        + sent
        + ", "
        + error;
  }

  /** A key or iv that makes no AES-128-CBC cipher; {@code keyDebug} is Rust's {@code {:?}}. */
  public static String registerNoCipher(String keyDebug, String iv, String error) {
    return "Could not create a cipher from given 'temp_key': "
        + keyDebug
        + " and 'IV': "
        + iv
        + ", "
        + error;
  }

  /** Success of POST /register (201). */
  public static String registered(String fingerprint) {
    return "You have authenticated to use Gradecoin with identifier " + fingerprint;
  }

  /** Any other jsonwebtoken error, {@code kind} being its Display text. */
  public static String jwtError(String kind) {
    return "JWT Error: " + kind;
  }

  public static String txTargetUnknown(String target) {
    return "Target of the transaction " + target + " is not found in the system";
  }

  public static String txAmountBounds(long lower, long upper) {
    return "Transaction amount should be between " + lower + " and " + upper;
  }

  public static String blockTooFew(long count) {
    return "There should be at least " + count + " transactions in the block";
  }

  public static String blockZeros(long zeros) {
    return "Given block hash does not start with " + zeros + " zero hexadecimal characters";
  }
}
