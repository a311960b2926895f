package io.paywire.compat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * The original client's payment forward, checked. The payer's client applied its RSA private key
 * (PKCS#1 v1.5 type 1, OpenSSL's {@code RSA_private_encrypt}) to {@code payer#amount#payee} and a
 * NUL; the payee's client split those 256 bytes in two halves of 128 and applied its own private
 * key to each. Reversing both layers with the registered public keys, and finding the header's text
 * inside, proves that both agreed to exactly this payment.
 */
final class LegacyTrans {

  /** Every key of the original program is RSA-2048: 256-byte blocks, 128-byte halves. */
  static final int BLOCK_BYTES = 256;

  static final int HALF_BYTES = BLOCK_BYTES / 2;
  static final int PAYLOAD_BYTES = 2 * BLOCK_BYTES;

  /** A parsed forward: the header's fields and the two blocks. */
  record Forward(String payer, long amount, String payee, String headerText, byte[] blocks) {}

  private LegacyTrans() {}

  /**
   * Reverses both layers and compares with the header; returns the payer's block (the two halves
   * reversed and joined, kept in the journal as the payer's signature), or null if the forward is
   * not valid. Never throws: any malformed block, wrong key or other text is simply not valid.
   * Three RSA public operations: run it off the event loop, once.
   */
  static byte[] verifiedPayerBlock(Forward forward, PublicKey payerKey, PublicKey payeeKey) {
    if (!isRsa2048(payerKey) || !isRsa2048(payeeKey) || forward.blocks().length != PAYLOAD_BYTES) {
      return null;
    }
    try {
      byte[] first = publicDecrypt(payeeKey, Arrays.copyOfRange(forward.blocks(), 0, BLOCK_BYTES));
      byte[] second =
          publicDecrypt(payeeKey, Arrays.copyOfRange(forward.blocks(), BLOCK_BYTES, PAYLOAD_BYTES));
      if (first.length != HALF_BYTES || second.length != HALF_BYTES) {
        return null;
      }
      byte[] inner = new byte[BLOCK_BYTES];
      System.arraycopy(first, 0, inner, 0, HALF_BYTES);
      System.arraycopy(second, 0, inner, HALF_BYTES, HALF_BYTES);
      byte[] text = publicDecrypt(payerKey, inner);
      byte[] expected = (forward.headerText() + "\0").getBytes(StandardCharsets.US_ASCII);
      return MessageDigest.isEqual(text, expected) ? inner : null;
    } catch (Exception invalid) {
      return null;
    }
  }

  private static boolean isRsa2048(PublicKey key) {
    return key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() == 2048;
  }

  /** The reverse of RSA_private_encrypt with PKCS#1 v1.5 type 1 padding. */
  private static byte[] publicDecrypt(PublicKey key, byte[] block) throws Exception {
    Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    cipher.init(Cipher.DECRYPT_MODE, key);
    return cipher.doFinal(block);
  }
}
