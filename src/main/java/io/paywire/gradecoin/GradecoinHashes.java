package io.paywire.gradecoin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * The bytes Gradecoin hashes, and the hashes: a transaction's {@code tha} (MD5 of serde_json's
 * compact {@code Transaction}, block.rs field order), a block's hash (BLAKE2s-256 of the compact
 * {@code BlockForHashing}, transaction_list skipped when empty), a user's fingerprint (SHA-256 of
 * the public key text as sent) and a transaction id (SHA-256 of source, target and the clock).
 * Strings are escaped as serde_json 1.0.64 does ({@code ser.rs ESCAPE}: {@code \" \\ \b \t \n \f
 * \r}, other control characters {@code \}{@code u00xx} in lowercase hex, everything else raw
 * UTF-8).
 */
public final class GradecoinHashes {

  private static final HexFormat HEX = HexFormat.of();
  private static final int BLAKE2S_BITS = 256;

  private GradecoinHashes() {}

  /** {@code {"source":S,"target":T,"amount":N,"timestamp":TS}}, compact. */
  public static String transactionJson(
      String source, String target, long amount, String timestamp) {
    StringBuilder out = new StringBuilder(64 + source.length() + target.length());
    out.append("{\"source\":");
    string(out, source);
    out.append(",\"target\":");
    string(out, target);
    out.append(",\"amount\":").append(amount).append(",\"timestamp\":");
    string(out, timestamp);
    return out.append('}').toString();
  }

  /** The transaction's {@code tha}: lowercase hex MD5 of {@link #transactionJson}. */
  public static String transactionHash(
      String source, String target, long amount, String timestamp) {
    return hex("MD5", transactionJson(source, target, amount, timestamp));
  }

  /**
   * {@code {"transaction_list":[..],"nonce":N,"timestamp":TS}}, compact; transaction_list is left
   * out when empty ({@code skip_serializing_if = "Vec::is_empty"} in block.rs).
   */
  public static String blockJson(List<String> ids, long nonce, String timestamp) {
    StringBuilder out = new StringBuilder(64 + ids.size() * 67);
    out.append('{');
    if (!ids.isEmpty()) {
      out.append("\"transaction_list\":[");
      for (int i = 0; i < ids.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        string(out, ids.get(i));
      }
      out.append("],");
    }
    out.append("\"nonce\":").append(nonce).append(",\"timestamp\":");
    string(out, timestamp);
    return out.append('}').toString();
  }

  /** The block hash: lowercase hex BLAKE2s-256 of {@link #blockJson}. */
  public static String blockHash(List<String> ids, long nonce, String timestamp) {
    byte[] in = blockJson(ids, nonce, timestamp).getBytes(StandardCharsets.UTF_8);
    Blake2sDigest digest = new Blake2sDigest(BLAKE2S_BITS);
    digest.update(in, 0, in.length);
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return HEX.formatHex(out);
  }

  /** A user's address: lowercase hex SHA-256 of the public key text exactly as sent. */
  public static String fingerprint(String publicKeyText) {
    return hex("SHA-256", publicKeyText);
  }

  /** A transaction id: hex SHA-256 of source, target and {@link GradecoinTime#txIdClock}. */
  public static String transactionId(String source, String target, String txIdClock) {
    return hex("SHA-256", source + target + txIdClock);
  }

  /** Whether the first {@code zeros} characters of {@code hexHash} are all {@code '0'}. */
  public static boolean startsWithZeros(String hexHash, int zeros) {
    if (zeros < 0 || zeros > hexHash.length()) {
      return false;
    }
    for (int i = 0; i < zeros; i++) {
      if (hexHash.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  /** {@code s} as a JSON string, escaped as serde_json does. */
  static String jsonString(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    string(out, s);
    return out.toString();
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static String hex(String algorithm, String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance(algorithm);
      return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has " + algorithm, e);
    }
  }
}
