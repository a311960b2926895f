package io.paywire.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The TLS identity of a node that was given no certificate: a local CA and a server certificate it
 * signed, kept in a directory so that the fingerprint clients pin survives restarts.
 *
 * <p>Layout: {@code ca.key} (0600), {@code ca.crt}, {@code server.key} (0600), {@code server.crt}.
 * An operator may instead put their own {@code server.key} and {@code server.crt} there. Blocking
 * file I/O and key generation: call it at start-up, off any event loop.
 */
public final class LocalCertificates {

  public static final String CA_KEY = "ca.key";
  public static final String CA_CERTIFICATE = "ca.crt";
  public static final String SERVER_KEY = "server.key";
  public static final String SERVER_CERTIFICATE = "server.crt";

  public static final String CA_COMMON_NAME = "Paywire local CA";

  /** Issues the credentials of original-client users ({@code keygen --original-client}). */
  public static final String ORIGINAL_CLIENTS_CA_KEY = "original-clients-ca.key";

  public static final String ORIGINAL_CLIENTS_CA_CERTIFICATE = "original-clients-ca.crt";
  public static final String ORIGINAL_CLIENTS_CA_COMMON_NAME = "Paywire original clients CA";

  /** The key encrypted registrations are sealed to (HTTP API), and its public half. */
  public static final String REGISTRATION_KEY = "registration.key";

  public static final String REGISTRATION_PUBLIC_KEY = "registration.pem";

  /** RSA-OAEP with SHA-256 under a key of this size seals the registration's AES key. */
  public static final int REGISTRATION_RSA_BITS = 3072;

  /** The key the node signs API session tokens with (ES256), and its public half. */
  public static final String SESSION_TOKEN_KEY = "session-token.key";

  public static final String SESSION_TOKEN_PUBLIC_KEY = "session-token.pem";
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /**
   * The generated server certificate's validity, notBefore to notAfter: 397 days, within the 398
   * the CA/Browser Forum allows publicly trusted certificates (what Chrome and Safari enforce for
   * them) and well within the 825 Apple's TLS clients accept from any CA, a local one included. The
   * node renews it before it ends ({@link #renewIfDue}), so a short life costs nothing.
   */
  public static final Duration SERVER_VALIDITY = Duration.ofDays(397);

  public static final List<String> SERVER_DNS_NAMES = List.of("localhost");
  public static final List<String> SERVER_IP_ADDRESSES = List.of("127.0.0.1", "::1");

  /**
   * @param caCertificate what clients should trust to reach this node by name: {@code ca.crt}, or
   *     the server certificate itself when the operator supplied one without a CA
   * @param fingerprint the SHA-256 fingerprint of the server certificate, for clients that pin it
   * @param generated whether this call created the server key and certificate
   * @param chain what the server sends: its certificate, then the local CA's when that CA issued it
   *     (an operator's certificate put in the directory is sent alone)
   */
  public record Identity(
      Path certificate,
      Path privateKey,
      Path caCertificate,
      String fingerprint,
      boolean generated,
      List<X509Certificate> chain) {}

  private LocalCertificates() {}

  /**
   * Loads the server identity from {@code certsDirectory}, or generates one there if it has none.
   *
   * <p>An existing local CA ({@code ca.key} and {@code ca.crt}) is reused to sign a new server
   * certificate, so deleting the server files renews the server certificate without breaking
   * clients that trust the CA. A server key without its certificate, or the reverse, is an error
   * rather than something to overwrite: it may be the operator's.
   */
  public static Identity ensure(Path certsDirectory) throws IOException {
    return ensure(certsDirectory, Duration.ZERO);
  }

  /**
   * As {@link #ensure(Path)}, renewing first a server certificate the local CA issued that has less
   * than {@code renewBefore} left ({@link #renewIfDue}).
   */
  public static Identity ensure(Path certsDirectory, Duration renewBefore) throws IOException {
    Path serverCertificate = certsDirectory.resolve(SERVER_CERTIFICATE);
    Path serverKey = certsDirectory.resolve(SERVER_KEY);

    if (bothExist(serverCertificate, serverKey)) {
      X509Certificate certificate = Pem.readCertificate(serverCertificate);
      requireMatch(
          Pem.readPrivateKey(serverKey), certificate.getPublicKey(), serverKey, serverCertificate);
      renewIfDue(certsDirectory, renewBefore, Instant.now());
      return load(certsDirectory, false);
    }

    Files.createDirectories(certsDirectory);
    Ca ca = loadOrCreateCa(certsDirectory);
    KeyPair server = KeyType.EC.generate();
    X509Certificate certificate =
        Certificates.serverCertificate(
            ca.keys,
            ca.certificate,
            server.getPublic(),
            SERVER_DNS_NAMES,
            SERVER_IP_ADDRESSES,
            SERVER_VALIDITY);
    // The key first: server.crt appearing is what marks the identity complete.
    Pem.writePrivateKey(serverKey, server.getPrivate());
    Pem.writeCertificate(serverCertificate, certificate);
    return load(certsDirectory, true);
  }

  /** The identity as the directory holds it now. */
  private static Identity load(Path certsDirectory, boolean generated) throws IOException {
    Path serverCertificate = certsDirectory.resolve(SERVER_CERTIFICATE);
    Path caCertificate = certsDirectory.resolve(CA_CERTIFICATE);
    X509Certificate certificate = Pem.readCertificate(serverCertificate);
    X509Certificate ca = Files.exists(caCertificate) ? Pem.readCertificate(caCertificate) : null;
    List<X509Certificate> chain =
        issuedBy(certificate, ca) ? List.of(certificate, ca) : List.of(certificate);
    return new Identity(
        serverCertificate,
        certsDirectory.resolve(SERVER_KEY),
        ca != null ? caCertificate : serverCertificate,
        Certificates.sha256Fingerprint(certificate),
        generated,
        chain);
  }

  /**
   * Renews the server certificate in {@code certsDirectory} if the local CA there issued it (so
   * never an operator's own) and it has less than {@code renewBefore} left at {@code now}: a new
   * certificate for the same key, names and validity, signed by the same CA. The key stays, so the
   * file replaced (atomically) is the certificate alone and a crash leaves a matching pair; its
   * fingerprint changes, which clients that trust {@code ca.crt} do not notice.
   *
   * @return whether it renewed
   */
  public static boolean renewIfDue(Path certsDirectory, Duration renewBefore, Instant now)
      throws IOException {
    Path serverCertificate = certsDirectory.resolve(SERVER_CERTIFICATE);
    Path caKey = certsDirectory.resolve(CA_KEY);
    Path caCertificate = certsDirectory.resolve(CA_CERTIFICATE);
    if (!Files.exists(serverCertificate) || !Files.exists(caKey) || !Files.exists(caCertificate)) {
      return false;
    }
    X509Certificate current = Pem.readCertificate(serverCertificate);
    if (current.getNotAfter().toInstant().isAfter(now.plus(renewBefore))) {
      return false;
    }
    Ca ca = loadOrCreateCa(certsDirectory);
    if (!issuedBy(current, ca.certificate())) {
      return false;
    }
    X509Certificate renewed =
        Certificates.serverCertificate(
            ca.keys(),
            ca.certificate(),
            current.getPublicKey(),
            SERVER_DNS_NAMES,
            SERVER_IP_ADDRESSES,
            SERVER_VALIDITY);
    Pem.writeCertificate(serverCertificate, renewed); // an atomic rename
    return true;
  }

  /** Whether {@code ca} signed {@code certificate}. */
  private static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
    if (ca == null || !certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException notByThisCa) {
      return false;
    }
  }

  /** A certificate authority's keys and certificate. */
  public record Ca(KeyPair keys, X509Certificate certificate) {}

  /**
   * The CA that issues original-client credentials, from {@code certsDirectory}, made there the
   * first time. One per deployment: any two users it certified verify each other in a peer payment.
   * Like the node's own CA, its key never leaves that directory (never in git).
   */
  public static Ca originalClientsCa(Path certsDirectory) throws IOException {
    Files.createDirectories(certsDirectory);
    return loadOrCreateCa(
        certsDirectory,
        ORIGINAL_CLIENTS_CA_KEY,
        ORIGINAL_CLIENTS_CA_CERTIFICATE,
        ORIGINAL_CLIENTS_CA_COMMON_NAME);
  }

  /**
   * The registration key pair from {@code certsDirectory}, made there the first time (RSA {@value
   * #REGISTRATION_RSA_BITS}): clients fetch the public half and seal their registration to it. A
   * private key without its public file, or the reverse, is an error, as for the server identity.
   */
  public static KeyPair registrationKeys(Path certsDirectory) throws IOException {
    return keyPair(
        certsDirectory,
        REGISTRATION_KEY,
        REGISTRATION_PUBLIC_KEY,
        () -> {
          try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(REGISTRATION_RSA_BITS);
            return generator.generateKeyPair();
          } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has RSA", e);
          }
        });
  }

  /**
   * A Gradecoin network's RSA key is this size, as Gradecoin's own ({@code openssl genrsa 2048}).
   */
  public static final int GRADECOIN_RSA_BITS = 2048;

  /**
   * A Gradecoin network's key pair, in {@code networks/<network>/} below {@code certsDirectory}
   * ({@code gradecoin.key}, {@code gradecoin.pub}), made there the first time: students seal their
   * registration to the public half, which they load from a file ({@code GET /gradecoin.pub}).
   */
  public static KeyPair gradecoinKeys(Path certsDirectory, String network) throws IOException {
    return keyPair(
        certsDirectory.resolve("networks").resolve(network),
        "gradecoin.key",
        "gradecoin.pub",
        () -> {
          try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(GRADECOIN_RSA_BITS);
            return generator.generateKeyPair();
          } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has RSA", e);
          }
        });
  }

  /**
   * The key pair the node signs its API session tokens with (EC P-256, ES256), from {@code
   * certsDirectory}, made there the first time. A private key without its public file, or the
   * reverse, is an error.
   */
  public static KeyPair sessionTokenKeys(Path certsDirectory) throws IOException {
    return keyPair(
        certsDirectory, SESSION_TOKEN_KEY, SESSION_TOKEN_PUBLIC_KEY, KeyType.EC::generate);
  }

  private static KeyPair keyPair(
      Path certsDirectory, String privateName, String publicName, Supplier<KeyPair> generate)
      throws IOException {
    Path privateFile = certsDirectory.resolve(privateName);
    Path publicFile = certsDirectory.resolve(publicName);
    if (bothExist(publicFile, privateFile)) {
      PrivateKey privateKey = Pem.readPrivateKey(privateFile);
      PublicKey publicKey = Pem.readPublicKey(publicFile);
      requireMatch(privateKey, publicKey, privateFile, publicFile);
      return new KeyPair(publicKey, privateKey);
    }
    Files.createDirectories(certsDirectory);
    KeyPair keys = generate.get();
    // The private key first: the public file appearing marks the pair complete.
    Pem.writePrivateKey(privateFile, keys.getPrivate());
    Pem.writePublicKey(publicFile, keys.getPublic());
    return keys;
  }

  private static Ca loadOrCreateCa(Path directory) throws IOException {
    return loadOrCreateCa(directory, CA_KEY, CA_CERTIFICATE, CA_COMMON_NAME);
  }

  private static Ca loadOrCreateCa(
      Path directory, String keyFile, String certificateFile, String commonName)
      throws IOException {
    Path key = directory.resolve(keyFile);
    Path certificate = directory.resolve(certificateFile);
    if (bothExist(certificate, key)) {
      X509Certificate existing = Pem.readCertificate(certificate);
      PrivateKey privateKey = Pem.readPrivateKey(key);
      requireMatch(privateKey, existing.getPublicKey(), key, certificate);
      return new Ca(new KeyPair(existing.getPublicKey(), privateKey), existing);
    }
    KeyPair keys = KeyType.EC.generate();
    X509Certificate created = Certificates.certificateAuthority(keys, commonName, CA_VALIDITY);
    Pem.writePrivateKey(key, keys.getPrivate());
    Pem.writeCertificate(certificate, created);
    return new Ca(keys, created);
  }

  /** True if both files exist, false if neither does; an IOException if only one does. */
  private static boolean bothExist(Path certificate, Path key) throws IOException {
    boolean hasCertificate = Files.exists(certificate);
    boolean hasKey = Files.exists(key);
    if (hasCertificate != hasKey) {
      Path present = hasCertificate ? certificate : key;
      Path missing = hasCertificate ? key : certificate;
      throw new IOException(
          present
              + " exists but "
              + missing
              + " does not;"
              + " supply both, or remove "
              + present
              + " to have them generated");
    }
    return hasCertificate;
  }

  /** Proves the private key belongs to the certificate by signing a random challenge with it. */
  private static void requireMatch(
      PrivateKey privateKey, PublicKey publicKey, Path keyFile, Path certificateFile)
      throws IOException {
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean matches;
    try {
      matches = Signatures.verify(publicKey, challenge, Signatures.sign(privateKey, challenge));
    } catch (IllegalArgumentException unsupported) {
      throw new IOException(keyFile + ": unsupported key type for " + certificateFile, unsupported);
    }
    if (!matches) {
      throw new IOException(keyFile + " does not match the public key of " + certificateFile);
    }
  }
}
