package io.paywire.gradecoin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

/**
 * Gradecoin's JWT check ({@code handlers.rs authorize_proposer}): jsonwebtoken 7.2.0's {@code
 * decode::<Claims>} with {@code Validation::new(RS256)}, its errors mapped to Gradecoin's texts.
 *
 * <p>Order, from jsonwebtoken v7.2.0 {@code src/decoding.rs decode} (lines 155-178): split at the
 * last two dots ({@code rsplitn}, else "Invalid Token"); header: base64url without padding, UTF-8,
 * JSON with a known {@code alg}; {@code alg} must be RS256 ("InvalidAlgorithm"); signature:
 * base64url, then RSASSA-PKCS1-v1_5 SHA-256 as ring checks it (a modulus of 2,048 to 8,192 bits
 * once rounded up to whole bytes, so a 2,047-bit key verifies; anything else "InvalidSignature");
 * claims: base64url, UTF-8, JSON with {@code tha} (string), {@code iat} and {@code exp} (unsigned
 * integers) required, other claims ignored; then {@code validation.rs validate}: expired when
 * {@code exp < now} (no leeway), {@code iat} and {@code nbf} unchecked. Texts: {@code errors.rs}
 * Display ({@code {:?}} of the kind, "JSON error: ", "Base64 error: ", "UTF-8 error: ") behind
 * Gradecoin's "JWT Error: ". serde_json's syntax-error texts are followed for missing and duplicate
 * fields and wrong types; other malformed JSON gets a generic serde-like text with the position
 * Jackson reports.
 *
 * <p>Paywire adds {@link #MAX_TOKEN_BYTES}: a longer token is "Invalid Token" before any work.
 */
public final class GradecoinJwt {

  /** Longest token read; a longer one is "Invalid Token" (Gradecoin bounds it by 32 KiB bodies). */
  public static final int MAX_TOKEN_BYTES = 8192;

  private static final String BEARER = "Bearer ";
  private static final int RING_MIN_BITS = 2048;
  private static final int RING_MAX_BITS = 8192;
  private static final List<String> ALGORITHMS =
      List.of(
          "HS256", "HS384", "HS512", "ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384",
          "PS512");
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private GradecoinJwt() {}

  /** The claims Gradecoin requires; unknown claims are ignored. */
  public record Claims(String tha, long iat, long exp) {}

  /** A refused token; the message is Gradecoin's reply text, exactly. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The token in an {@code Authorization} header value: every leading "Bearer " removed, as Rust's
   * {@code trim_start_matches} does.
   */
  public static String stripBearer(String header) {
    String rest = header;
    while (rest.startsWith(BEARER)) {
      rest = rest.substring(BEARER.length());
    }
    return rest;
  }

  /**
   * Verifies {@code token} (already stripped of "Bearer ") with {@code key} at {@code
   * nowEpochSeconds}.
   *
   * @throws Refused with Gradecoin's text when jsonwebtoken 7.2.0 would refuse it
   */
  public static Claims verify(String token, PublicKey key, long nowEpochSeconds) throws Refused {
    if (token.length() > MAX_TOKEN_BYTES
        || token.getBytes(StandardCharsets.UTF_8).length > MAX_TOKEN_BYTES) {
      throw new Refused(GradecoinTexts.JWT_INVALID_TOKEN);
    }
    int last = token.lastIndexOf('.');
    int middle = last < 0 ? -1 : token.lastIndexOf('.', last - 1);
    if (middle < 0) {
      throw new Refused(GradecoinTexts.JWT_INVALID_TOKEN);
    }
    String header = token.substring(0, middle);
    String claims = token.substring(middle + 1, last);
    String signature = token.substring(last + 1);

    String alg = algorithm(utf8(base64Url(header)));
    if (!alg.equals("RS256")) {
      throw new Refused(GradecoinTexts.jwtError("InvalidAlgorithm"));
    }
    byte[] signatureBytes = base64Url(signature);
    if (!verifies(token.substring(0, last), signatureBytes, key)) {
      throw new Refused(GradecoinTexts.jwtError("InvalidSignature"));
    }
    Claims parsed = claims(utf8(base64Url(claims)));
    if (parsed.exp() < nowEpochSeconds) {
      throw new Refused(GradecoinTexts.JWT_EXPIRED);
    }
    return parsed;
  }

  private static boolean verifies(String message, byte[] signature, PublicKey key) {
    if (!(key instanceof RSAPublicKey rsa)) {
      return false;
    }
    int bits = (rsa.getModulus().bitLength() + 7) / 8 * 8;
    if (bits < RING_MIN_BITS || bits > RING_MAX_BITS) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(message.getBytes(StandardCharsets.UTF_8));
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** base64 0.12.3 {@code decode_config(URL_SAFE_NO_PAD)}, with its error texts. */
  static byte[] base64Url(String text) throws Refused {
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    int padding = 0;
    for (int i = in.length - 1; i >= 0 && in[i] == '='; i--) {
      padding++;
    }
    int length = in.length - padding;
    for (int i = 0; i < length; i++) {
      if (value(in[i]) < 0) {
        throw new Refused(base64Error("Invalid byte " + (in[i] & 0xff) + ", offset " + i + "."));
      }
    }
    if (length % 4 == 1) {
      throw new Refused(base64Error("Encoded text cannot have a 6-bit remainder."));
    }
    byte[] out = new byte[length * 3 / 4];
    int bits = 0;
    int acc = 0;
    int at = 0;
    for (int i = 0; i < length; i++) {
      acc = (acc << 6) | value(in[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[at++] = (byte) (acc >> bits);
        acc &= (1 << bits) - 1;
      }
    }
    if (acc != 0) {
      int lastIndex = length - 1;
      throw new Refused(
          base64Error(
              "Invalid last symbol " + (in[lastIndex] & 0xff) + ", offset " + lastIndex + "."));
    }
    return out;
  }

  private static int value(byte b) {
    if (b >= 'A' && b <= 'Z') {
      return b - 'A';
    } else if (b >= 'a' && b <= 'z') {
      return b - 'a' + 26;
    } else if (b >= '0' && b <= '9') {
      return b - '0' + 52;
    } else if (b == '-') {
      return 62;
    } else if (b == '_') {
      return 63;
    }
    return -1;
  }

  private static String base64Error(String text) {
    return GradecoinTexts.jwtError("Base64 error: " + text);
  }

  /** Rust's {@code String::from_utf8}, with its error text (best effort on the length). */
  private static String utf8(byte[] bytes) throws Refused {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      return out.flip().toString();
    }
    int index = in.position();
    int lead = bytes[index] & 0xff;
    int wanted = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 1;
    String text =
        (wanted > 1 && index + wanted > bytes.length && index + result.length() == bytes.length)
            ? "incomplete utf-8 byte sequence from index " + index
            : "invalid utf-8 sequence of " + result.length() + " bytes from index " + index;
    throw new Refused(GradecoinTexts.jwtError("UTF-8 error: " + text));
  }

  /** The header's {@code alg}; other header fields are optional strings and otherwise ignored. */
  private static String algorithm(String json) throws Refused {
    String alg = null;
    try (JsonParser p = JSON.createParser(json.getBytes(StandardCharsets.UTF_8))) {
      expectObject(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("alg")) {
          if (alg != null) {
            throw jsonError("duplicate field `alg`", p.currentLocation());
          }
          if (value != JsonToken.VALUE_STRING) {
            throw jsonError(invalidType(p, "variant identifier"), afterValue(p));
          }
          alg = p.getText();
          if (!ALGORITHMS.contains(alg)) {
            throw jsonError(unknownVariant(alg), afterValue(p));
          }
        } else {
          p.skipChildren();
        }
      }
      JsonLocation end = p.currentTokenLocation();
      if (alg == null) {
        throw jsonError("missing field `alg`", end);
      }
      expectEnd(p);
      return alg;
    } catch (IOException e) {
      throw syntaxError(e);
    }
  }

  private static Claims claims(String json) throws Refused {
    String tha = null;
    Long iat = null;
    Long exp = null;
    try (JsonParser p = JSON.createParser(json.getBytes(StandardCharsets.UTF_8))) {
      expectObject(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "tha" -> {
            if (tha != null) {
              throw jsonError("duplicate field `tha`", p.currentTokenLocation());
            }
            if (value != JsonToken.VALUE_STRING) {
              throw jsonError(invalidType(p, "a string"), afterValue(p));
            }
            tha = p.getText();
          }
          case "iat" -> {
            if (iat != null) {
              throw jsonError("duplicate field `iat`", p.currentTokenLocation());
            }
            iat = unsigned(p, value);
          }
          case "exp" -> {
            if (exp != null) {
              throw jsonError("duplicate field `exp`", p.currentTokenLocation());
            }
            exp = unsigned(p, value);
          }
          default -> p.skipChildren();
        }
      }
      JsonLocation end = p.currentTokenLocation();
      String missing = tha == null ? "tha" : iat == null ? "iat" : exp == null ? "exp" : null;
      if (missing != null) {
        throw jsonError("missing field `" + missing + "`", end);
      }
      expectEnd(p);
      return new Claims(tha, iat, exp);
    } catch (IOException e) {
      throw syntaxError(e);
    }
  }

  /** A Rust {@code usize}; above {@code Long.MAX_VALUE} it saturates (never expires here). */
  private static long unsigned(JsonParser p, JsonToken value) throws IOException, Refused {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw jsonError(invalidType(p, "usize"), afterValue(p));
    }
    BigInteger v = p.getBigIntegerValue();
    if (v.signum() < 0) {
      throw jsonError("invalid value: integer `" + v + "`, expected usize", afterValue(p));
    }
    return v.bitLength() < Long.SIZE ? v.longValue() : Long.MAX_VALUE;
  }

  private static String invalidType(JsonParser p, String expected) throws IOException {
    String found =
        switch (p.currentToken()) {
          case VALUE_STRING -> "string \"" + p.getText() + "\"";
          case VALUE_NUMBER_INT -> "integer `" + p.getText() + "`";
          case VALUE_NUMBER_FLOAT -> "floating point `" + p.getText() + "`";
          case VALUE_TRUE, VALUE_FALSE -> "boolean `" + p.getText() + "`";
          case VALUE_NULL -> "null";
          case START_ARRAY -> "sequence";
          case START_OBJECT -> "map";
          default -> "value";
        };
    if (p.currentToken() == JsonToken.START_ARRAY || p.currentToken() == JsonToken.START_OBJECT) {
      p.skipChildren();
    }
    return "invalid type: " + found + ", expected " + expected;
  }

  private static String unknownVariant(String alg) {
    StringBuilder out =
        new StringBuilder("unknown variant `").append(alg).append("`, expected one of ");
    for (int i = 0; i < ALGORITHMS.size(); i++) {
      out.append(i == 0 ? "`" : ", `").append(ALGORITHMS.get(i)).append('`');
    }
    return out.toString();
  }

  private static JsonLocation afterValue(JsonParser p) throws IOException {
    p.getText(); // Jackson reads a string lazily: finish it so the location is after it.
    return p.currentLocation();
  }

  private static void expectObject(JsonParser p) throws IOException, Refused {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw jsonError("EOF while parsing a value", p.currentLocation());
    }
    if (first != JsonToken.START_OBJECT) {
      throw jsonError(invalidType(p, "a map"), afterValue(p));
    }
  }

  private static void expectEnd(JsonParser p) throws IOException, Refused {
    JsonLocation afterObject = p.currentLocation();
    if (p.nextToken() != null) {
      throw jsonError("trailing characters", afterObject);
    }
  }

  /**
   * serde_json's position: line, and bytes consumed on that line; a Jackson location's column is
   * one-based and counts bytes for a byte parser, so it is one more than serde's.
   */
  private static Refused jsonError(String text, JsonLocation at) {
    long column = Math.max(0, at.getColumnNr() - 1);
    return new Refused(
        GradecoinTexts.jwtError(
            "JSON error: " + text + " at line " + at.getLineNr() + " column " + column));
  }

  private static Refused syntaxError(IOException e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      return jsonError("expected value", j.getLocation());
    }
    return new Refused(GradecoinTexts.JWT_INVALID_TOKEN);
  }
}
