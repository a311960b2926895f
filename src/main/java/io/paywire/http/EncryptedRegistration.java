package io.paywire.http;

import io.paywire.crypto.LocalCertificates;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PublicKeys;
import io.paywire.crypto.RegistrationCipher;
import io.paywire.ledger.AccountName;
import io.paywire.session.Session;
import io.vertx.core.json.JsonObject;
import java.security.PrivateKey;

/**
 * Opens the body of {@code POST /register}: {@code {c, iv, key, alg?}} in base64, sealed as {@link
 * RegistrationCipher} describes, holding {@code {student_id, passwd, public_key, deposit?}}.
 *
 * <p>One answer for every failure, after the same work: whatever is wrong (base64, the RSA block,
 * the IV, the padding, the JSON, a field, the key, the enrollment pair), {@link #open} returns
 * null, having done one RSA decryption and one AES decryption; the session core then does one
 * Argon2 hash when enrollment is on, whatever this returned. That is what keeps CBC's padding check
 * from leaking through later steps.
 */
final class EncryptedRegistration {

  /** An RSA-OAEP block under the node's registration key: its modulus, in bytes. */
  static final int RSA_BLOCK_BYTES = LocalCertificates.REGISTRATION_RSA_BITS / Byte.SIZE;

  /** Stands in for an RSA block that is not base64: as long as a real one. */
  private static final byte[] NO_BLOCK = new byte[RSA_BLOCK_BYTES];

  /** Stands in for a ciphertext that is not base64: two AES blocks. */
  private static final byte[] NO_CIPHERTEXT = new byte[32];

  /** A longer enrollment password is not hashed: a bound on Argon2id's input. */
  private static final int MAX_PASSWORD_CHARS = 1024;

  private EncryptedRegistration() {}

  /**
   * The request, or null. Blocking and slow (RSA): the session core runs it on its registration
   * workers, and checks enrollment after it.
   */
  static Session.Registration open(JsonObject body, PrivateKey registrationKey) {
    boolean good = true;
    Object alg = body.getValue("alg");
    RegistrationCipher.Mode mode = RegistrationCipher.Mode.CBC;
    if ("A128GCM".equals(alg)) {
      mode = RegistrationCipher.Mode.GCM;
    } else if (alg != null && !"A128CBC".equals(alg)) {
      good = false;
    }
    byte[] c = RegistrationCipher.base64OrNull(body.getValue("c"));
    byte[] iv = RegistrationCipher.base64OrNull(body.getValue("iv"));
    byte[] key = RegistrationCipher.base64OrNull(body.getValue("key"));
    if (c == null || iv == null || key == null) {
      good = false;
    }
    byte[] plain = null;
    try {
      plain =
          RegistrationCipher.open(
              registrationKey,
              new RegistrationCipher.Envelope(
                  mode,
                  c == null ? NO_CIPHERTEXT : c,
                  iv == null ? new byte[0] : iv,
                  key == null ? NO_BLOCK : key));
    } catch (RegistrationCipher.Refused refused) {
      good = false;
    }
    JsonObject fields = good ? RegistrationCipher.jsonOrNull(plain) : null;
    String name = fields != null && fields.getValue("student_id") instanceof String s ? s : null;
    String password = fields != null && fields.getValue("passwd") instanceof String p ? p : null;
    String pem = fields != null && fields.getValue("public_key") instanceof String k ? k : null;
    Object deposit = fields == null ? null : fields.getValue("deposit");
    byte[] publicKey = Pem.publicKeyInfo(pem);
    good =
        good
            && name != null
            && AccountName.isValid(name)
            && publicKey != null
            && PublicKeys.problemWith(publicKey).isEmpty()
            && (deposit == null || deposit instanceof Integer || deposit instanceof Long)
            && (password == null || password.length() <= MAX_PASSWORD_CHARS);
    if (!good) {
      return null;
    }
    return new Session.Registration(
        name, deposit == null ? null : ((Number) deposit).longValue(), publicKey, password);
  }
}
