package io.paywire.cluster;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * The cluster's member credential: one EC P-256 key and its self-signed certificate, made once by
 * {@code paywire cluster-keys} and copied to every member. Members present it on the event bus and
 * on their Raft traffic ({@link RaftTls}), mutual TLS both, and trust nothing else, so a process
 * without the key can neither join the event bus nor put a request on the ledger's addresses, nor
 * append, vote or propose in the ledger's Raft group. Never in git.
 */
public final class ClusterKeys {

  public static final String KEY_FILE = "cluster.key";
  public static final String CERTIFICATE_FILE = "cluster.crt";
  public static final String COMMON_NAME = "paywire-cluster";

  /** Long: rotating means stopping every member, so it is an operator's decision, not a date's. */
  public static final Duration VALIDITY = Duration.ofDays(3650);

  /** The files of one directory. */
  public record KeyFiles(Path key, Path certificate) {}

  private ClusterKeys() {}

  /** Where the credential of {@code directory} is. */
  public static KeyFiles in(Path directory) {
    return new KeyFiles(directory.resolve(KEY_FILE), directory.resolve(CERTIFICATE_FILE));
  }

  /**
   * Makes a new credential in {@code directory} (created if missing); never overwrites one.
   *
   * @return the certificate's SHA-256 fingerprint
   */
  public static String generate(Path directory) throws IOException {
    KeyFiles files = in(directory);
    for (Path existing : new Path[] {files.key(), files.certificate()}) {
      if (Files.exists(existing)) {
        throw new FileAlreadyExistsException(
            existing
                + " already exists: the cluster has a key; "
                + "copy it to new members instead");
      }
    }
    Files.createDirectories(directory);
    KeyPair keys = KeyType.EC.generate();
    X509Certificate certificate = Certificates.selfSigned(keys, COMMON_NAME, VALIDITY);
    Pem.writePrivateKey(files.key(), keys.getPrivate());
    Pem.writeCertificate(files.certificate(), certificate);
    return Certificates.sha256Fingerprint(certificate);
  }

  /** The SHA-256 fingerprint of a credential's certificate. */
  public static String fingerprint(KeyFiles files) throws IOException {
    return Certificates.sha256Fingerprint(Pem.readCertificate(files.certificate()));
  }

  /** The credential of {@code directory}; a clear error if it is missing. */
  public static KeyFiles require(Path directory) throws IOException {
    KeyFiles files = in(directory);
    if (!Files.isReadable(files.key()) || !Files.isReadable(files.certificate())) {
      throw new IOException(
          "no cluster key in "
              + directory
              + ": make one with `paywire "
              + "cluster-keys --out "
              + directory
              + "` and copy the directory to every member");
    }
    return files;
  }
}
