package io.paywire.client;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.Fingerprint;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * A user's key and self-signed certificate: shown to the server (whose account holds the public
 * key), presented by the user's peer listener, and used to sign payments. {@link #toString} names
 * the key's fingerprint, never the key.
 */
public record ClientIdentity(PrivateKey privateKey, X509Certificate certificate) {

  /** The in-memory KeyStore's password: it never leaves this process, so it protects nothing. */
  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

  private static final int CHALLENGE_BYTES = 32;

  /** The subject of a certificate made for a key that came without one. */
  static final String SELF_CERTIFIED_NAME = "paywire-client";

  /** Reads NAME.key and NAME.crt (any pair of PEM files) and checks that they belong together. */
  public static ClientIdentity load(Path keyFile, Path certificateFile) throws IOException {
    PrivateKey key = Pem.readPrivateKey(keyFile);
    X509Certificate certificate = Pem.readCertificate(certificateFile);
    byte[] challenge = new byte[CHALLENGE_BYTES];
    new SecureRandom().nextBytes(challenge);
    boolean matches;
    try {
      matches =
          Signatures.verify(certificate.getPublicKey(), challenge, Signatures.sign(key, challenge));
    } catch (IllegalArgumentException unsupported) {
      throw new IOException(keyFile + ": unsupported key: " + unsupported.getMessage());
    }
    if (!matches) {
      throw new IOException(keyFile + " does not belong to the certificate " + certificateFile);
    }
    return new ClientIdentity(key, certificate);
  }

  /**
   * Reads a private key alone (a PKCS#8 file such as the console's backup download, or NAME.key
   * without its NAME.crt) and makes the self-signed certificate TLS needs, in memory, valid as long
   * as keygen's. The server and payers trust the key, never the certificate, so one made here
   * serves as well as the file keygen writes.
   */
  public static ClientIdentity load(Path keyFile) throws IOException {
    KeyPair keys;
    try {
      keys = KeyType.pairOf(Pem.readPrivateKey(keyFile));
    } catch (IllegalArgumentException unsupported) {
      throw new IOException(keyFile + ": unsupported key: " + unsupported.getMessage());
    }
    return of(
        keys, Certificates.selfSigned(keys, SELF_CERTIFIED_NAME, KeyFiles.CERTIFICATE_VALIDITY));
  }

  public static ClientIdentity of(KeyPair keys, X509Certificate certificate) {
    return new ClientIdentity(keys.getPrivate(), certificate);
  }

  /** The public key as the server stores it: X.509 SubjectPublicKeyInfo DER. */
  public byte[] publicKeyInfo() {
    return certificate.getPublicKey().getEncoded();
  }

  /** Lowercase hex SHA-256 of {@link #publicKeyInfo}, as KEY and the ledger show it. */
  public String fingerprint() {
    return Fingerprint.of(publicKeyInfo());
  }

  /** Key managers presenting this identity, for an SSLContext. */
  KeyManager[] keyManagers() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "identity", privateKey, IN_MEMORY_PASSWORD, new Certificate[] {certificate});
      // SunX509 picks the one entry whatever the issuers the peer asks for (Paywire's server
      // asks for none) and does not refuse a certificate past its dates: the key is what counts.
      KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
      factory.init(store, IN_MEMORY_PASSWORD);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an in-memory key store", e);
    }
  }

  @Override
  public String toString() {
    return "ClientIdentity["
        + certificate.getSubjectX500Principal().getName()
        + ", key sha256 "
        + fingerprint()
        + "]";
  }
}
