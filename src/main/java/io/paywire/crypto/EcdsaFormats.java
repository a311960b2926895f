package io.paywire.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * ECDSA signatures come in two encodings: DER (what {@code openssl dgst} and JCA write) and IEEE
 * P1363, the two coordinates {@code r||s} at the curve's size (what WebCrypto and JWS ES256 write).
 * {@link Signatures} verifies DER; this turns P1363 into DER.
 */
public final class EcdsaFormats {

  private EcdsaFormats() {}

  /**
   * The signature as DER: unchanged unless {@code key} is an EC key and {@code signature} is
   * exactly twice the curve's field size, which no DER signature of that curve can be.
   */
  public static byte[] toDer(PublicKey key, byte[] signature) {
    if (!(key instanceof ECPublicKey ec) || signature == null) {
      return signature;
    }
    int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    if (signature.length != 2 * size) {
      return signature;
    }
    ASN1EncodableVector rs = new ASN1EncodableVector();
    rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(signature, 0, size))));
    rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(signature, size, 2 * size))));
    try {
      return new DERSequence(rs).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding in memory cannot fail", e);
    }
  }

  /**
   * Whether {@code signature} is a DER ECDSA signature: a SEQUENCE of two positive INTEGERs,
   * encoded exactly as DER would. Never throws on bad input.
   */
  public static boolean isDer(byte[] signature) {
    if (signature == null || signature.length == 0) {
      return false;
    }
    try {
      ASN1Sequence sequence = ASN1Sequence.getInstance(signature);
      return sequence.size() == 2
          && sequence.getObjectAt(0) instanceof ASN1Integer r
          && r.getValue().signum() > 0
          && sequence.getObjectAt(1) instanceof ASN1Integer s
          && s.getValue().signum() > 0
          && Arrays.equals(sequence.getEncoded(ASN1Encoding.DER), signature);
    } catch (IOException | IllegalArgumentException notDer) {
      return false;
    }
  }

  /** {@link Signatures#verify}, taking ECDSA signatures in either encoding. */
  public static boolean verifyAnyEncoding(PublicKey key, byte[] data, byte[] signature) {
    return Signatures.verify(key, data, toDer(key, signature));
  }
}
