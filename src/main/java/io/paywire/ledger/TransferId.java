package io.paywire.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A transfer's 128-bit identifier, chosen by the client so that a retry of the same request can be
 * recognised. Written as 32 lowercase hex characters.
 */
public record TransferId(long high, long low) {

  public static final int HEX_LENGTH = 32;
  private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Parses 32 hex characters (either case); returns null for anything else. */
  public static TransferId parseOrNull(String hex) {
    if (hex == null || hex.length() != HEX_LENGTH) {
      return null;
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < HEX_LENGTH; i++) {
      int digit = hexDigit(hex.charAt(i));
      if (digit < 0) {
        return null;
      }
      if (i < HEX_LENGTH / 2) {
        high = high << 4 | digit;
      } else {
        low = low << 4 | digit;
      }
    }
    return new TransferId(high, low);
  }

  /**
   * 0-15 for an ASCII hex digit of either case, -1 for anything else (other scripts' digits too).
   */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  public static TransferId random(Random random) {
    return new TransferId(random.nextLong(), random.nextLong());
  }

  @Override
  public String toString() {
    // On every reply's path; a table lookup per digit is several times HexFormat's cost here.
    byte[] text = new byte[HEX_LENGTH];
    for (int i = 0; i < HEX_LENGTH / 2; i++) {
      int shift = 60 - 4 * i;
      text[i] = LOWER_HEX[(int) (high >>> shift) & 0xf];
      text[HEX_LENGTH / 2 + i] = LOWER_HEX[(int) (low >>> shift) & 0xf];
    }
    return new String(text, StandardCharsets.ISO_8859_1);
  }
}
