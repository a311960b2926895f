package io.paywire.client;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PinnedServerTrust;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.X509TrustManager;

/**
 * How the client decides the server is the right one: by the SHA-256 fingerprint of its certificate
 * (like an SSH known host), or by a CA plus the host name in the certificate.
 *
 * @param checkHost true in CA mode: the JDK's HTTPS endpoint identification is switched on, without
 *     which {@link PinnedServerTrust} refuses the server
 */
public record ServerTrust(X509TrustManager trustManager, boolean checkHost, String description) {

  public static ServerTrust fingerprint(String hex) {
    String normalized = Certificates.normalizeFingerprint(hex);
    return new ServerTrust(
        PinnedServerTrust.fingerprint(normalized),
        false,
        "server certificate sha256 " + normalized);
  }

  public static ServerTrust authority(Path caFile) throws IOException {
    return new ServerTrust(
        PinnedServerTrust.authority(Pem.readCertificates(caFile)), true, "CA " + caFile);
  }
}
