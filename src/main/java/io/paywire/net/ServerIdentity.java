package io.paywire.net;

import io.paywire.config.PaywireConfig;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.LocalCertificates;
import io.paywire.crypto.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The node's TLS certificate and key, and the TLS engine to use. Loaded from the files the
 * configuration names, or from {@code certs/}, where the first start generates a local CA and a
 * server certificate for localhost, and later starts renew that certificate when it nears its end
 * ({@code tls.renewBeforeDays}).
 *
 * @param generated true when this start created the files
 * @param chainPem what the server sends, leaf first then its issuer (PEM), for a certificate of
 *     {@code certs/}; null for an operator's {@code tls.certificateFile}, sent as the file has it
 */
public record ServerIdentity(
    Path certificate,
    Path privateKey,
    Path caCertificate,
    String fingerprint,
    boolean generated,
    String chainPem) {

  /** What to do about an operator's certificate or key that cannot be used. */
  private static final String FIX =
      "; give readable PEM files (the key unencrypted), or remove "
          + "both settings to use the generated ones of tls.certsDirectory";

  public static ServerIdentity load(PaywireConfig.Tls tls) throws IOException {
    if (tls.certificateFile() != null) {
      Path certificate = Path.of(tls.certificateFile());
      Path key = Path.of(tls.privateKeyFile());
      if (!Files.isReadable(certificate)) {
        throw new IOException("tls.certificateFile " + certificate + " cannot be read" + FIX);
      }
      if (!Files.isReadable(key)) {
        throw new IOException("tls.privateKeyFile " + key + " cannot be read" + FIX);
      }
      String fingerprint;
      try {
        fingerprint = Certificates.sha256Fingerprint(Pem.readCertificate(certificate));
      } catch (IOException e) {
        throw new IOException("tls.certificateFile " + e.getMessage() + FIX, e);
      }
      try {
        Pem.readPrivateKey(key); // read here to name the file; Vert.x reads it again to serve
      } catch (IOException e) {
        throw new IOException("tls.privateKeyFile " + e.getMessage() + FIX, e);
      }
      return new ServerIdentity(certificate, key, certificate, fingerprint, false, null);
    }
    LocalCertificates.Identity local =
        LocalCertificates.ensure(
            Path.of(tls.certsDirectory()), Duration.ofDays(tls.renewBeforeDays()));
    return new ServerIdentity(
        local.certificate(),
        local.privateKey(),
        local.caCertificate(),
        local.fingerprint(),
        local.generated(),
        local.chain().stream().map(Pem::toPem).collect(Collectors.joining()));
  }

  /** This identity serving {@code renewedChainPem} (same key, a renewed certificate). */
  public ServerIdentity withChain(String renewedChainPem) {
    return new ServerIdentity(
        certificate, privateKey, caCertificate, fingerprint, generated, renewedChainPem);
  }
}
