package io.paywire.client;

import io.paywire.crypto.PublicKeys;
import io.paywire.ledger.Fingerprint;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;

/**
 * An account's public key as the server answers {@code KEY#<name>}: {@code KEY <name> <base64
 * SubjectPublicKeyInfo> <fingerprint>}.
 */
public record RegisteredKey(String name, byte[] subjectPublicKeyInfo, PublicKey publicKey) {

  /** The key in a KEY reply line; empty for an error line or a key that does not add up. */
  public static Optional<RegisteredKey> parse(String line) {
    String[] f = line.split(" ", -1);
    if (f.length != 4 || !f[0].equals("KEY")) {
      return Optional.empty();
    }
    try {
      byte[] der = Base64.getDecoder().decode(f[2]);
      if (!Fingerprint.of(der).equals(f[3])) {
        return Optional.empty();
      }
      return Optional.of(new RegisteredKey(f[1], der, PublicKeys.decode(der)));
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }
}
