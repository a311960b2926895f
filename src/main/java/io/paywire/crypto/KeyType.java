package io.paywire.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** The three key families Paywire signs with: RSA 2048, EC on P-256, and Ed25519. */
public enum KeyType {
  RSA,
  EC,
  ED25519;

  public static final int RSA_BITS = 2048;
  public static final String EC_CURVE = "secp256r1";

  /**
   * Parses "rsa", "ec" or "ed25519" in any case, as typed on a command line or in configuration.
   */
  public static KeyType parse(String name) {
    String normalized = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (normalized) {
      case "rsa" -> RSA;
      case "ec" -> EC;
      case "ed25519" -> ED25519;
      default ->
          throw new IllegalArgumentException(
              "unknown key type '" + name + "' (expected rsa, ec or ed25519)");
    };
  }

  /**
   * The family of a public or private key, by its algorithm name. The JDK names EC keys "EC" and
   * Bouncy Castle "ECDSA"; the JDK names Ed25519 keys "EdDSA" (shared with Ed448, hence the curve
   * check) and Bouncy Castle "Ed25519". The EC curve is not checked here: {@link PublicKeys}
   * decides which curves an account may use.
   */
  public static KeyType of(Key key) {
    if (key == null) {
      throw new IllegalArgumentException("no key");
    }
    return switch (key.getAlgorithm()) {
      case "RSA" -> RSA;
      case "EC", "ECDSA" -> EC;
      case "Ed25519" -> ED25519;
      case "EdDSA" -> {
        if (key instanceof EdECKey edec
            && NamedParameterSpec.ED25519.getName().equalsIgnoreCase(edec.getParams().getName())) {
          yield ED25519;
        }
        throw new IllegalArgumentException("EdDSA key that is not Ed25519");
      }
      default ->
          throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    };
  }

  /**
   * A fresh key pair from the JDK's providers, so that the keys work with javax.net.ssl as well as
   * with {@link Signatures}. Blocking (RSA takes tens of milliseconds): keep it off event loops.
   */
  public KeyPair generate() {
    try {
      KeyPairGenerator generator;
      switch (this) {
        case RSA -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(RSA_BITS);
        }
        case EC -> {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec(EC_CURVE));
        }
        case ED25519 -> generator = KeyPairGenerator.getInstance("Ed25519");
        default -> throw new AssertionError(this);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      // Every Java 17 runtime must provide these three algorithms.
      throw new IllegalStateException("cannot generate " + this + " key pair", e);
    }
  }

  /**
   * The key pair a private key belongs to, its public half computed from the private one: an RSA
   * CRT key carries the modulus and public exponent, an EC P-256 public point is the private scalar
   * times the curve's generator, an Ed25519 public key is derived from the seed. For a PKCS#8 file
   * that comes alone, as the console's backup does. Throws IllegalArgumentException for keys that
   * are none of these (an RSA key without CRT parameters, another curve).
   */
  public static KeyPair pairOf(PrivateKey key) {
    try {
      PublicKey publicKey =
          switch (of(key)) {
            case RSA -> {
              if (!(key instanceof RSAPrivateCrtKey rsa)) {
                throw new IllegalArgumentException("RSA private key without its public exponent");
              }
              yield KeyFactory.getInstance("RSA")
                  .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            case EC -> {
              ECPrivateKey ec = (ECPrivateKey) key;
              var curve = ECNamedCurveTable.getByName(EC_CURVE);
              if (!curve.getN().equals(ec.getParams().getOrder())) {
                throw new IllegalArgumentException("EC key not on P-256");
              }
              var point = curve.getG().multiply(ec.getS()).normalize();
              yield KeyFactory.getInstance("EC")
                  .generatePublic(
                      new ECPublicKeySpec(
                          new ECPoint(
                              point.getAffineXCoord().toBigInteger(),
                              point.getAffineYCoord().toBigInteger()),
                          ec.getParams()));
            }
            case ED25519 -> {
              byte[] seed =
                  ((EdECPrivateKey) key)
                      .getBytes()
                      .orElseThrow(
                          () -> new IllegalArgumentException("Ed25519 key without its seed"));
              byte[] raw = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
              byte[] info =
                  new SubjectPublicKeyInfo(
                          new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), raw)
                      .getEncoded();
              yield KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(info));
            }
          };
      return new KeyPair(publicKey, key);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot compute the public key: " + e.getMessage(), e);
    }
  }
}
