package io.paywire.client;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.LocalCertificates;
import io.paywire.crypto.Pem;
import io.paywire.ledger.AccountName;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A user's key files, {@code NAME.key} (PKCS#8, mode 0600) and {@code NAME.crt} (self-signed,
 * CN=NAME): what {@code keygen} writes and {@code client --key --cert} reads.
 */
public record KeyFiles(Path privateKey, Path certificate) {

  public static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);

  /** The two paths for {@code name} in {@code directory}; the name must be an account name. */
  public static KeyFiles of(Path directory, String name) {
    if (!AccountName.isValid(name)) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not an account name: 1 to "
              + AccountName.MAX_LENGTH
              + " letters, digits, '_', '-' or '.'");
    }
    return new KeyFiles(directory.resolve(name + ".key"), directory.resolve(name + ".crt"));
  }

  /** What {@link #create} made. */
  public record Created(KeyFiles files, ClientIdentity identity) {
    public String fingerprint() {
      return identity.fingerprint();
    }
  }

  /**
   * Generates a key of {@code type} and a self-signed certificate for {@code name} and writes them,
   * the key first. Refuses, before generating anything, if either file exists: a key may be the
   * only copy of an account's identity. Blocking (RSA generation takes a while).
   */
  public static Created create(Path directory, String name, KeyType type) throws IOException {
    KeyFiles files = of(directory, name);
    for (Path file : new Path[] {files.privateKey, files.certificate}) {
      if (Files.exists(file)) {
        throw new FileAlreadyExistsException(
            file.toString(),
            null,
            "exists; refusing to overwrite it (remove it or choose another --out)");
      }
    }
    Files.createDirectories(directory);
    KeyPair keys = type.generate();
    X509Certificate certificate = Certificates.selfSigned(keys, name, CERTIFICATE_VALIDITY);
    Pem.writePrivateKey(files.privateKey, keys.getPrivate());
    Pem.writeCertificate(files.certificate, certificate);
    return new Created(files, ClientIdentity.of(keys, certificate));
  }

  /** The file names the original C++ client loads from its working directory. */
  public static final String ORIGINAL_KEY = "client.key";

  public static final String ORIGINAL_CERTIFICATE = "client.crt";

  /**
   * Credentials for the original C++ client: {@code client.key} (RSA 2048, PKCS#8, mode 0600) and
   * {@code client.crt} holding the user's certificate issued by {@code ca}, then the CA's own. That
   * client presents the first and trusts every certificate in the file when a payer connects, so
   * any two users with credentials from the same CA verify each other. Refuses, before generating
   * anything, if either file exists.
   */
  public static Created createOriginalClient(Path directory, String name, LocalCertificates.Ca ca)
      throws IOException {
    if (!AccountName.isValid(name)) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not an account name: 1 to "
              + AccountName.MAX_LENGTH
              + " letters, digits, '_', '-' or '.'");
    }
    KeyFiles files =
        new KeyFiles(directory.resolve(ORIGINAL_KEY), directory.resolve(ORIGINAL_CERTIFICATE));
    for (Path file : new Path[] {files.privateKey, files.certificate}) {
      if (Files.exists(file)) {
        throw new FileAlreadyExistsException(
            file.toString(),
            null,
            "exists; refusing to overwrite it (remove it or choose another --out)");
      }
    }
    Files.createDirectories(directory);
    KeyPair keys = KeyType.RSA.generate();
    X509Certificate certificate =
        Certificates.peerCertificate(
            ca.keys(), ca.certificate(), keys.getPublic(), name, CERTIFICATE_VALIDITY);
    Pem.writePrivateKey(files.privateKey, keys.getPrivate());
    Pem.writeCertificates(files.certificate, List.of(certificate, ca.certificate()));
    return new Created(files, ClientIdentity.of(keys, certificate));
  }

  public ClientIdentity load() throws IOException {
    return ClientIdentity.load(privateKey, certificate);
  }
}
