package io.paywire.crypto;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Which public keys an account may hold: RSA of at least {@value #MIN_RSA_BITS} bits, EC on P-256,
 * or Ed25519, each as X.509 SubjectPublicKeyInfo (the DER inside a PEM "PUBLIC KEY" block).
 */
public final class PublicKeys {

  public static final int MIN_RSA_BITS = 2048;

  /** RSA keys above this size only cost verification time; 8192 bits is already far beyond need. */
  public static final int MAX_RSA_BITS = 8192;

  /** A SubjectPublicKeyInfo of an 8192-bit RSA key is about 1,100 bytes. */
  public static final int MAX_ENCODED_BYTES = 2048;

  public enum Type {
    RSA,
    EC_P256,
    ED25519
  }

  private PublicKeys() {}

  /**
   * The key's family, or empty if it is not an RSA, EC P-256 or Ed25519 key at all. The size of an
   * RSA key is checked by {@link #problemWith}, not here.
   */
  public static Optional<Type> typeOf(byte[] subjectPublicKeyInfo) {
    return Optional.ofNullable(parse(subjectPublicKeyInfo)).map(Parsed::type);
  }

  /**
   * The smallest RSA modulus a Gradecoin network accepts: what its JWT library (jsonwebtoken 7.2.0
   * over ring) verifies with, 256 bytes, so 2,041 bits and up.
   */
  public static final int MIN_GRADECOIN_RSA_BITS = 2041;

  /** Why the key is refused, or empty if it is acceptable. Never throws on bad input. */
  public static Optional<String> problemWith(byte[] subjectPublicKeyInfo) {
    return problemWith(subjectPublicKeyInfo, MIN_RSA_BITS);
  }

  /** As {@link #problemWith(byte[])}, with RSA keys of {@code minRsaBits} and up acceptable. */
  public static Optional<String> problemWith(byte[] subjectPublicKeyInfo, int minRsaBits) {
    if (subjectPublicKeyInfo == null || subjectPublicKeyInfo.length == 0) {
      return Optional.of("no key");
    }
    if (subjectPublicKeyInfo.length > MAX_ENCODED_BYTES) {
      return Optional.of("key longer than " + MAX_ENCODED_BYTES + " bytes");
    }
    Parsed parsed = parse(subjectPublicKeyInfo);
    if (parsed == null) {
      return Optional.of("not an RSA, EC P-256 or Ed25519 SubjectPublicKeyInfo");
    }
    if (parsed.type == Type.RSA) {
      int bits = ((RSAPublicKey) parsed.key).getModulus().bitLength();
      if (bits < minRsaBits || bits > MAX_RSA_BITS) {
        return Optional.of(
            "RSA key of " + bits + " bits, not " + minRsaBits + " to " + MAX_RSA_BITS);
      }
    }
    return Optional.empty();
  }

  /** Decodes an acceptable key for signature checks; throws IllegalArgumentException otherwise. */
  public static PublicKey decode(byte[] subjectPublicKeyInfo) {
    Optional<String> problem = problemWith(subjectPublicKeyInfo);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    return parse(subjectPublicKeyInfo).key;
  }

  private record Parsed(Type type, PublicKey key) {}

  private static Parsed parse(byte[] der) {
    try {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(der);
      ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
      Type type;
      String jcaName;
      if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
        type = Type.RSA;
        jcaName = "RSA";
      } else if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)
          && SECObjectIdentifiers.secp256r1.equals(info.getAlgorithm().getParameters())) {
        type = Type.EC_P256;
        jcaName = "EC";
      } else if (algorithm.equals(EdECObjectIdentifiers.id_Ed25519)) {
        type = Type.ED25519;
        jcaName = "Ed25519";
      } else {
        return null;
      }
      PublicKey key = KeyFactory.getInstance(jcaName).generatePublic(new X509EncodedKeySpec(der));
      return new Parsed(type, key);
    } catch (Exception malformed) {
      // Bad input is a value here, not an error: callers turn it into a rejection code.
      return null;
    }
  }
}
