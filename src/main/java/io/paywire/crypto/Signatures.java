package io.paywire.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Signs and verifies payment messages with the algorithm that fits the key:
 *
 * <ul>
 *   <li>RSA: SHA256withRSA (PKCS#1 v1.5), as {@code openssl dgst -sha256 -sign} writes it;
 *   <li>EC: SHA256withECDSA, signature DER-encoded, as {@code openssl dgst -sha256 -sign} writes
 *       it;
 *   <li>Ed25519: pure Ed25519, 64 bytes, as {@code openssl pkeyutl -sign -rawin} writes it.
 * </ul>
 *
 * <p>Providers are chosen by measurement (see SignatureSpeed in the tests): the JDK verifies RSA
 * fast, Bouncy Castle verifies ECDSA and Ed25519 many times faster than the JDK 17 does. The Bouncy
 * Castle provider is passed explicitly rather than registered globally, so nothing else in the
 * process changes provider. It accepts keys made by the JDK's key factories as they are.
 */
public final class Signatures {

  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  // Signature objects keep state between init and sign/verify, so each thread gets its own; the
  // threads that verify (event loops, workers) are few and long-lived.
  private static final ThreadLocal<Signature> RSA =
      ThreadLocal.withInitial(() -> signature("SHA256withRSA", null));
  private static final ThreadLocal<Signature> ECDSA =
      ThreadLocal.withInitial(() -> signature("SHA256withECDSA", BOUNCY_CASTLE));
  private static final ThreadLocal<Signature> ED25519 =
      ThreadLocal.withInitial(() -> signature("Ed25519", BOUNCY_CASTLE));

  private Signatures() {}

  /**
   * Signs {@code data}. Throws IllegalArgumentException for a key of another family or a key the
   * provider refuses: signing with our own key is not expected to fail.
   */
  public static byte[] sign(PrivateKey key, byte[] data) {
    Signature signature = forType(KeyType.of(key));
    try {
      signature.initSign(key);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with " + key.getAlgorithm() + " key", e);
    }
  }

  /**
   * Whether {@code signature} is a valid signature of {@code data} by {@code key}. Returns false,
   * never throws, for anything that is not: a null argument, a malformed signature, a key of an
   * unsupported family. Signatures come from the network, so bad ones are ordinary input.
   */
  public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
    if (key == null || data == null || signature == null) {
      return false;
    }
    try {
      Signature verifier = forType(KeyType.of(key));
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException invalid) {
      // Bouncy Castle throws SignatureException for a signature that is not valid DER, and may
      // throw runtime exceptions for other malformed input; all of it means "not verified".
      return false;
    }
  }

  private static Signature forType(KeyType type) {
    return switch (type) {
      case RSA -> RSA.get();
      case EC -> ECDSA.get();
      case ED25519 -> ED25519.get();
    };
  }

  private static Signature signature(String algorithm, Provider provider) {
    try {
      return provider == null
          ? Signature.getInstance(algorithm)
          : Signature.getInstance(algorithm, provider);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no " + algorithm + " signature available", e);
    }
  }
}
