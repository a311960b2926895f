package io.paywire.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A public key's address: the lowercase hex SHA-256 of its SubjectPublicKeyInfo bytes. */
public final class Fingerprint {
  private Fingerprint() {}

  public static String of(byte[] subjectPublicKeyInfo) {
    return HexFormat.of().formatHex(sha256().digest(subjectPublicKeyInfo));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
