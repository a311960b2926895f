package io.paywire.session;

import io.paywire.crypto.KeyType;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Keys no account has, checked against when a login or a signed payment names no account with a
 * key, so that the answer comes after the same work as a wrong signature for a real account
 * (docs/security.md, "What an outsider can learn"). The decoy has the type and size the presented
 * signature implies: an RSA signature is as long as the key's modulus (2048, 3072 or 4096 bits
 * here), an ECDSA P-256 signature 64 bytes (r||s) or about 70 (DER). An Ed25519 signature is also
 * 64 bytes and is taken for ECDSA's: the one case where the work differs (docs/security.md). Keys
 * are made once per size, on first use, on a worker thread. Thread-safe.
 */
final class Decoys {

  /** RSA moduli a decoy may have, in bytes; the account limits are 2048 to 4096 bits. */
  private static final int[] RSA_BYTES = {256, 384, 512};

  /** An ECDSA P-256 signature in DER is at most this long. */
  private static final int MAX_EC_DER_BYTES = 72;

  private static final ConcurrentHashMap<String, PublicKey> KEYS = new ConcurrentHashMap<>();

  private Decoys() {}

  /** The decoy for a signature of {@code signatureBytes} bytes. Blocking on first use. */
  static PublicKey forSignature(int signatureBytes) {
    if (signatureBytes <= MAX_EC_DER_BYTES) {
      return KEYS.computeIfAbsent("EC", k -> KeyType.EC.generate().getPublic());
    }
    for (int bytes : RSA_BYTES) {
      if (signatureBytes <= bytes) {
        return rsa(bytes);
      }
    }
    return rsa(RSA_BYTES[RSA_BYTES.length - 1]);
  }

  /**
   * The decoy for a signature of {@code signatureBytes} bytes that {@code fits} accepts (a token
   * that names its algorithm), or the one for its length when none of the decoys fits.
   */
  static PublicKey forSignature(int signatureBytes, Predicate<PublicKey> fits) {
    PublicKey bySize = forSignature(signatureBytes);
    if (fits.test(bySize)) {
      return bySize;
    }
    for (KeyType type : KeyType.values()) {
      PublicKey key =
          type == KeyType.RSA
              ? rsa(closestRsa(signatureBytes))
              : KEYS.computeIfAbsent(type.name(), k -> type.generate().getPublic());
      if (fits.test(key)) {
        return key;
      }
    }
    return bySize;
  }

  private static int closestRsa(int signatureBytes) {
    for (int bytes : RSA_BYTES) {
      if (signatureBytes <= bytes) {
        return bytes;
      }
    }
    return RSA_BYTES[RSA_BYTES.length - 1];
  }

  private static PublicKey rsa(int bytes) {
    return KEYS.computeIfAbsent(
        "RSA" + bytes,
        k -> {
          try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bytes * 8);
            return generator.generateKeyPair().getPublic();
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime generates RSA keys", e);
          }
        });
  }
}
