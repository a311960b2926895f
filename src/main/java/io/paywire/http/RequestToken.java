package io.paywire.http;

import io.paywire.crypto.EcdsaFormats;
import io.paywire.crypto.KeyType;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The bearer JWT of {@code POST /transactions}: a compact JWS that the payer signs with the
 * account's own key, binding the exact request body by its SHA-256 ({@code tha}) and limited in
 * time ({@code iat}, {@code exp}, both required). This class checks its form and claims; the
 * signature itself is checked by the session core against the registered key, by key type, never by
 * what the header claims.
 */
final class RequestToken {

  /** The most seconds between a request token's {@code iat} and {@code exp}. */
  static final int MAX_LIFETIME_SECONDS = 300;

  /** The length of an ES256 (r||s) and of an Ed25519 signature. */
  static final int FIXED_SIGNATURE_BYTES = 64;

  /** A compact JWS longer than this is refused before any decoding. */
  static final int MAX_TOKEN_CHARS = 4096;

  /** The algorithm a token must name for each key family. */
  private static final Map<KeyType, String> ALGORITHMS =
      Map.of(KeyType.RSA, "RS256", KeyType.EC, "ES256", KeyType.ED25519, "EdDSA");

  /**
   * A token whose form and claims passed.
   *
   * @param signingInput the ASCII bytes {@code header.payload} that the signature covers
   * @param signature the decoded signature (r||s for ES256)
   * @param compact the whole token, kept in the journal as the payer's proof
   */
  record Checked(String algorithm, byte[] signingInput, byte[] signature, byte[] compact) {

    /** Whether the token's algorithm is the one of the key that will verify it. */
    boolean fits(PublicKey key) {
      try {
        return algorithm.equals(ALGORITHMS.get(KeyType.of(key)));
      } catch (IllegalArgumentException unsupported) {
        return false;
      }
    }
  }

  /**
   * What a 401 says to whoever signed an ES256 token with {@code openssl dgst -sign} or Java's
   * {@code SHA256withECDSA}: the likeliest mistake, and harmless to name.
   */
  static final String DER_ES256 =
      "the ES256 signature is DER-encoded (as openssl dgst -sign "
          + "and Java's SHA256withECDSA write it); JWS wants r||s: r and s as 32-byte big-endian "
          + "integers, concatenated, 64 bytes, then base64url. Node: crypto.sign('sha256', input, "
          + "{ key, dsaEncoding: 'ieee-p1363' }); Python (cryptography): r, s = "
          + "decode_dss_signature(der); r.to_bytes(32, 'big') + s.to_bytes(32, 'big'); openssl: "
          + "see docs/api.md, POST /transactions";

  /** Why a token was refused; told to nobody but the log-free 401 reply, unless said so. */
  static final class Refused extends Exception {
    private enum Kind {
      QUIET,
      DUPLICATE_KEY,
      TOLD
    }

    private final Kind kind;

    Refused(String reason) {
      this(reason, Kind.QUIET);
    }

    private Refused(String reason, Kind kind) {
      super(reason, null, false, false);
      this.kind = kind;
    }

    /** Whether the header or claims name a key twice: a bad request, told as such. */
    boolean duplicateKey() {
      return kind == Kind.DUPLICATE_KEY;
    }

    /** Whether the reason is for the client to read (a mistake in form, not in authority). */
    boolean told() {
      return kind == Kind.TOLD;
    }
  }

  private RequestToken() {}

  /**
   * Checks the token in an {@code Authorization} header against the body it came with.
   *
   * @param nowSeconds the server's time
   * @param skewSeconds how far {@code iat} may lie in the future (clients' clocks differ)
   */
  static Checked check(String authorization, byte[] body, long nowSeconds, int skewSeconds)
      throws Refused {
    if (authorization == null
        || authorization.length() > MAX_TOKEN_CHARS + 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Refused("no bearer token");
    }
    String token = authorization.substring(7).strip();
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new Refused("not a compact JWS");
    }
    JsonObject header = json(parts[0]);
    JsonObject claims = json(parts[1]);
    byte[] signature = base64Url(parts[2]);
    String algorithm = header.getValue("alg") instanceof String alg ? alg : "";
    if (!ALGORITHMS.containsValue(algorithm) || header.containsKey("crit")) {
      throw new Refused("algorithm not accepted");
    }
    if (!algorithm.equals("RS256") && signature.length != FIXED_SIGNATURE_BYTES) {
      // RFC 7518 and RFC 8037: ES256 is r||s and Ed25519 is 64 bytes; no DER, so that every
      // proof the journal keeps verifies with any JWS library.
      if (algorithm.equals("ES256") && EcdsaFormats.isDer(signature)) {
        throw new Refused(DER_ES256, Refused.Kind.TOLD);
      }
      throw new Refused("signature of the wrong length");
    }
    if (!(claims.getValue("tha") instanceof String tha)
        || !tha.equals(HexFormat.of().formatHex(sha256(body)))) {
      throw new Refused("tha does not match the body");
    }
    if (!(claims.getValue("iat") instanceof Number iat)
        || !(claims.getValue("exp") instanceof Number exp)
        || !isWhole(iat)
        || !isWhole(exp)) {
      throw new Refused("iat and exp are required");
    }
    long issued = iat.longValue();
    long expires = exp.longValue();
    if (expires <= issued || expires - issued > MAX_LIFETIME_SECONDS) {
      throw new Refused("exp must follow iat by at most " + MAX_LIFETIME_SECONDS + " seconds");
    }
    if (nowSeconds >= expires || issued > nowSeconds + skewSeconds) {
      throw new Refused("expired or not yet valid");
    }
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    return new Checked(
        algorithm, signingInput, signature, token.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static boolean isWhole(Number n) {
    return n instanceof Integer || n instanceof Long;
  }

  private static JsonObject json(String part) throws Refused {
    try {
      byte[] json = base64Url(part);
      String duplicate = StrictJson.duplicateKey(json);
      if (duplicate != null) {
        // Read two ways, a token could show its signer one amount and the server another.
        throw new Refused("token " + StrictJson.reason(duplicate), Refused.Kind.DUPLICATE_KEY);
      }
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new Refused("not JSON");
    }
  }

  private static byte[] base64Url(String part) throws Refused {
    try {
      if (part.isEmpty() || part.indexOf('=') >= 0) {
        throw new Refused("empty or padded part");
      }
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new Refused("not base64url");
    }
  }
}
