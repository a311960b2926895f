package io.paywire.testing;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Public keys (SubjectPublicKeyInfo) of any kind and size, for tests of key policy. */
public final class TestKeys {
  private TestKeys() {}

  /** A key of {@code algorithm} ("RSA", "Ed25519", ...), of {@code bits} when above 0. */
  public static byte[] generate(String algorithm, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (bits > 0) {
        generator.initialize(bits);
      }
      return generator.generateKeyPair().getPublic().getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An EC key on the named curve ("secp256r1", "secp384r1", ...). */
  public static byte[] generateEc(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair().getPublic().getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
