package io.paywire.crypto;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.EdECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Locale;

/** The three key families Paywire signs with: RSA 2048, EC on P-256, and Ed25519. */
public enum KeyType {
  RSA,
  EC,
  ED25519;

  public static final int RSA_BITS = 2048;
  public static final String EC_CURVE = "secp256r1";

  /** Parses "rsa", "ec" or "ed25519" in any case, as typed on a command line or in configuration. */
  public static KeyType parse(String name) {
    String normalized = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (normalized) {
      case "rsa" -> RSA;
      case "ec" -> EC;
      case "ed25519" -> ED25519;
      default -> throw new IllegalArgumentException(
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
      default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
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
}
