package io.paywire.ledger;

import java.util.HexFormat;
import java.util.Random;

/**
 * A transfer's 128-bit identifier, chosen by the client so that a retry of the same request can be
 * recognised. Written as 32 lowercase hex characters.
 */
public record TransferId(long high, long low) {

  public static final int HEX_LENGTH = 32;

  /** Parses 32 hex characters (either case); returns null for anything else. */
  public static TransferId parseOrNull(String hex) {
    if (hex == null || hex.length() != HEX_LENGTH) {
      return null;
    }
    for (int i = 0; i < HEX_LENGTH; i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        return null;
      }
    }
    return new TransferId(
        Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
  }

  public static TransferId random(Random random) {
    return new TransferId(random.nextLong(), random.nextLong());
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return hex.toHexDigits(high) + hex.toHexDigits(low);
  }
}
