package io.paywire.net;

import io.paywire.config.PaywireConfig;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.LocalCertificates;
import io.paywire.crypto.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's TLS certificate and key, and the TLS engine to use. Loaded from the files the
 * configuration names, or from {@code certs/}, where the first start generates a local CA and a
 * server certificate for localhost.
 *
 * @param generated true when this start created the files
 */
public record ServerIdentity(Path certificate, Path privateKey, Path caCertificate,
    String fingerprint, boolean generated) {

  public static ServerIdentity load(PaywireConfig.Tls tls) throws IOException {
    if (tls.certificateFile() != null) {
      Path certificate = Path.of(tls.certificateFile());
      Path key = Path.of(tls.privateKeyFile());
      if (!Files.isReadable(certificate)) {
        throw new IOException("tls.certificateFile " + certificate + " cannot be read");
      }
      if (!Files.isReadable(key)) {
        throw new IOException("tls.privateKeyFile " + key + " cannot be read");
      }
      String fingerprint = Certificates.sha256Fingerprint(Pem.readCertificate(certificate));
      return new ServerIdentity(certificate, key, certificate, fingerprint, false);
    }
    LocalCertificates.Identity local = LocalCertificates.ensure(Path.of(tls.certsDirectory()));
    return new ServerIdentity(local.certificate(), local.privateKey(), local.caCertificate(),
        local.fingerprint(), local.generated());
  }
}
