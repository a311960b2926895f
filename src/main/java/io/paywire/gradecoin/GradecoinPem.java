package io.paywire.gradecoin;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RSA public keys as Gradecoin accepts them at registration: jsonwebtoken 7.2.0's {@code
 * DecodingKey::from_rsa_pem} ({@code src/pem/decoder.rs}) on top of pem 0.8.3's {@code parse}
 * ({@code src/lib.rs}).
 *
 * <p>pem 0.8.3: the first match, anywhere in the text, of its armour regex {@code (?s)-----BEGIN
 * (?P<begin>.*?)-----[ \t\n\r]*(?P<data>.*?)-----END (?P<end>.*?)-----[ \t\n\r]*}; begin and end
 * tags equal and not empty; the data split into lines ({@code str::lines}: at {@code \n}, a
 * trailing {@code \r} dropped), each line right-trimmed and the lines joined, then standard base64.
 * So a PEM on one line is accepted and leading spaces on a line are not. jsonwebtoken: tag {@code
 * RSA PUBLIC KEY} is PKCS#1, {@code PUBLIC KEY} an SPKI whose algorithm is rsaEncryption. The key
 * size is not checked (a 2,047-bit key registers).
 *
 * <p>Stricter than Gradecoin in one way: the DER must be a whole RSA key now (Gradecoin hands a
 * PKCS#1 body to ring unread, and a broken one fails only at the first signature check).
 */
public final class GradecoinPem {

  private static final Pattern ARMOUR =
      Pattern.compile(
          "(?s)-----BEGIN (?<begin>.*?)-----[ \\t\\n\\r]*(?<data>.*?)-----END (?<end>.*?)-----[ \\t\\n\\r]*");

  private static final String SPKI = "PUBLIC KEY";
  private static final String PKCS1 = "RSA PUBLIC KEY";

  private GradecoinPem() {}

  /**
   * The RSA key in {@code text}.
   *
   * @throws IllegalArgumentException when Gradecoin would refuse it ("not in valid PEM format")
   */
  public static RSAPublicKey parse(String text) {
    Matcher m = ARMOUR.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no PEM armour");
    }
    String tag = m.group("begin");
    if (tag.isEmpty() || !tag.equals(m.group("end"))) {
      throw new IllegalArgumentException("PEM tags missing or not matching");
    }
    byte[] der = base64(m.group("data"));
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      PublicKey key;
      if (tag.equals(PKCS1)) {
        org.bouncycastle.asn1.pkcs.RSAPublicKey body =
            org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
        key = rsa.generatePublic(spec(body.getModulus(), body.getPublicExponent()));
      } else if (tag.equals(SPKI)) {
        key = rsa.generatePublic(new X509EncodedKeySpec(der));
      } else {
        throw new IllegalArgumentException("PEM tag is not an RSA public key");
      }
      if (!(key instanceof RSAPublicKey rsaKey)) {
        throw new IllegalArgumentException("not an RSA public key");
      }
      return rsaKey;
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getCause() == null) {
        throw iae;
      }
      throw new IllegalArgumentException("not a DER RSA public key", e);
    }
  }

  private static RSAPublicKeySpec spec(BigInteger modulus, BigInteger exponent) {
    if (modulus.signum() <= 0 || exponent.signum() <= 0) {
      throw new IllegalArgumentException("RSA modulus and exponent must be positive");
    }
    return new RSAPublicKeySpec(modulus, exponent);
  }

  private static byte[] base64(String data) {
    StringBuilder joined = new StringBuilder(data.length());
    for (String line : data.split("\n", -1)) {
      joined.append(line.stripTrailing());
    }
    try {
      return Base64.getDecoder().decode(joined.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM body is not base64", e);
    }
  }
}
