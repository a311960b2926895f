package io.paywire.crypto;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The envelope of an encrypted registration (HTTP API, in the manner of Gradecoin's register page):
 * a fresh 16-byte AES key encrypted with RSA-OAEP under the node's registration key, and the
 * registration JSON encrypted with that AES key, by AES-128-CBC with PKCS#7 padding (what the seed
 * describes) or AES-128-GCM (recommended: authenticated).
 *
 * <p>RSA-OAEP here is SHA-256 with MGF1 over SHA-256 and an empty label, spelled out as an {@link
 * OAEPParameterSpec}: the JCA's {@code OAEPWithSHA-256AndMGF1Padding} alone would use MGF1 with
 * SHA-1 and fail against every other implementation.
 *
 * <p>{@link #open} is no oracle by itself: whatever is wrong (the RSA block, the key length, the
 * IV, the padding, the GCM tag) it throws the same {@link Refused} after the same work, an AES
 * decryption with a random key standing in when the RSA block does not decrypt. But CBC is not
 * authenticated: a tampered ciphertext whose padding happens to be valid decrypts to garbage and is
 * returned, so the caller must answer every later failure (not JSON, a missing field, a refused
 * enrollment) exactly as it answers {@link Refused}, after the same work, or the padding check
 * leaks through it. GCM has no such gap; prefer it. The mode is not bound to the envelope either:
 * it is whatever the caller says it is.
 */
public final class RegistrationCipher {

  /** The AES key length, in bytes: AES-128. */
  public static final int AES_KEY_BYTES = 16;

  /** The CBC IV length, in bytes. */
  public static final int CBC_IV_BYTES = 16;

  /** The GCM nonce length, in bytes. */
  public static final int GCM_IV_BYTES = 12;

  public static final int GCM_TAG_BITS = 128;

  private static final OAEPParameterSpec OAEP_SHA256 =
      new OAEPParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The symmetric half of the envelope. */
  public enum Mode {
    /** AES-128-CBC with PKCS#7 padding, as in the seed. */
    CBC,
    /** AES-128-GCM, 96-bit nonce, 128-bit tag ({@code "alg": "A128GCM"}). */
    GCM
  }

  /**
   * The three parts, decoded from base64: {@code c} the ciphertext, {@code iv}, and {@code key} the
   * RSA-OAEP block holding the AES key.
   */
  public record Envelope(Mode mode, byte[] c, byte[] iv, byte[] key) {}

  /** Any failure to open an envelope: deliberately without detail. */
  public static final class Refused extends Exception {
    public Refused() {
      super("the registration could not be decrypted", null, false, false);
    }
  }

  private RegistrationCipher() {}

  /** A field of an envelope decoded from standard base64, or null if it is not a base64 string. */
  public static byte[] base64OrNull(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  /** An opened envelope's plaintext as a JSON object, or null if it is not one. */
  public static JsonObject jsonOrNull(byte[] plain) {
    try {
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /** Decrypts an envelope with the node's registration private key. */
  public static byte[] open(PrivateKey registrationKey, Envelope envelope) throws Refused {
    byte[] aesKey = null;
    try {
      Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
      rsa.init(Cipher.DECRYPT_MODE, registrationKey, OAEP_SHA256);
      aesKey = rsa.doFinal(envelope.key());
    } catch (GeneralSecurityException | RuntimeException wrongBlock) {
      aesKey = null;
    }
    boolean keyUsable = aesKey != null && aesKey.length == AES_KEY_BYTES;
    if (!keyUsable) {
      // Same work as a good block: decrypt with a key nobody knows, then refuse.
      aesKey = new byte[AES_KEY_BYTES];
      RANDOM.nextBytes(aesKey);
    }
    byte[] plain = decrypt(envelope, aesKey);
    if (!keyUsable || plain == null) {
      throw new Refused();
    }
    return plain;
  }

  /** Encrypts {@code plaintext} for the holder of {@code registrationKey} (clients, tests). */
  public static Envelope seal(PublicKey registrationKey, byte[] plaintext, Mode mode)
      throws GeneralSecurityException {
    byte[] aesKey = new byte[AES_KEY_BYTES];
    RANDOM.nextBytes(aesKey);
    byte[] iv = new byte[mode == Mode.GCM ? GCM_IV_BYTES : CBC_IV_BYTES];
    RANDOM.nextBytes(iv);
    Cipher aes = aes(mode);
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), parameters(mode, iv));
    byte[] c = aes.doFinal(plaintext);
    Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
    rsa.init(Cipher.ENCRYPT_MODE, registrationKey, OAEP_SHA256);
    return new Envelope(mode, c, iv, rsa.doFinal(aesKey));
  }

  /** The plaintext, or null for any failure (wrong IV length, padding, tag). */
  private static byte[] decrypt(Envelope envelope, byte[] aesKey) {
    int ivBytes = envelope.mode() == Mode.GCM ? GCM_IV_BYTES : CBC_IV_BYTES;
    byte[] iv = envelope.iv();
    boolean ivUsable = iv != null && iv.length == ivBytes;
    if (!ivUsable) {
      iv = new byte[ivBytes];
    }
    try {
      Cipher aes = aes(envelope.mode());
      aes.init(
          Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), parameters(envelope.mode(), iv));
      byte[] plain = aes.doFinal(envelope.c() == null ? new byte[0] : envelope.c());
      return ivUsable ? plain : null;
    } catch (GeneralSecurityException | RuntimeException bad) {
      return null;
    }
  }

  private static Cipher aes(Mode mode) throws GeneralSecurityException {
    return Cipher.getInstance(mode == Mode.GCM ? "AES/GCM/NoPadding" : "AES/CBC/PKCS5Padding");
  }

  private static AlgorithmParameterSpec parameters(Mode mode, byte[] iv) {
    return mode == Mode.GCM ? new GCMParameterSpec(GCM_TAG_BITS, iv) : new IvParameterSpec(iv);
  }
}
