package io.paywire.cluster;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.Pem;
import io.paywire.crypto.Signatures;
import io.paywire.crypto.SimpleTrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS of a Raft member's gRPC traffic with the cluster key ({@link ClusterKeys}), as on the
 * event bus: the member's server (the Raft service between members, and Ratis's client and admin
 * services, which share its port) and every channel the member opens (its log appenders and vote
 * requests to the other members, its own {@code RaftClient}, with its admin calls) present the
 * cluster certificate, accept only a peer that presents that very certificate, and require one from
 * every client. A process without the cluster key can neither append entries, vote, nor propose:
 * its handshake fails before a request is read.
 *
 * <p>Identity is possession of the cluster key, not a host name: every member presents the same
 * certificate, whose only name is {@value ClusterKeys#COMMON_NAME}, so the peer's certificate is
 * pinned (compared with the cluster certificate, byte for byte) instead of checked against the
 * address dialled. The handshake itself proves that the peer holds the matching private key.
 * Nothing is trusted otherwise: no CA, no trust-all.
 *
 * <p>Ratis's {@link GrpcTlsConfig} is set once under {@link GrpcConfigKeys.TLS}, which Ratis's gRPC
 * factory uses for the server, the server-to-server, the client and the admin channels alike (none
 * of them is given a configuration of its own). Ratis has no setting for the TLS versions: the
 * Netty it shades (4.1.119, in ratis-thirdparty-misc 1.0.9, with BoringSSL) enables TLS 1.2 and 1.3
 * only, as the event bus does.
 */
final class RaftTls {

  private final X509Certificate certificate;
  private final GrpcTlsConfig config;

  private RaftTls(X509Certificate certificate, GrpcTlsConfig config) {
    this.certificate = certificate;
    this.config = config;
  }

  /** Reads the cluster key and its certificate; a clear error if either is unreadable. */
  static RaftTls load(ClusterKeys.KeyFiles files) throws IOException {
    X509Certificate certificate = Pem.readCertificate(files.certificate());
    PrivateKey key = Pem.readPrivateKey(files.key());
    byte[] probe = "paywire-raft-tls".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      matches = Signatures.verify(certificate.getPublicKey(), probe, Signatures.sign(key, probe));
    } catch (IllegalArgumentException e) {
      matches = false;
    }
    if (!matches) {
      throw new IOException(files.key() + " is not the key of " + files.certificate());
    }
    try {
      return new RaftTls(
          certificate,
          new GrpcTlsConfig(
              keyManager(key, certificate), new PinnedTrustManager(certificate), true));
    } catch (GeneralSecurityException e) {
      throw new IOException("the cluster key cannot be used for TLS: " + e.getMessage(), e);
    }
  }

  /** Parameters for {@code RaftServer} and {@code RaftClient} builders: every channel with TLS. */
  Parameters parameters() {
    Parameters parameters = new Parameters();
    GrpcConfigKeys.TLS.setConf(parameters, config);
    return parameters;
  }

  /** The SHA-256 fingerprint of the certificate presented and pinned, for the logs. */
  String fingerprint() {
    return Certificates.sha256Fingerprint(certificate);
  }

  private static KeyManager keyManager(PrivateKey key, X509Certificate certificate)
      throws GeneralSecurityException, IOException {
    // In memory only: the password guards nothing, but PKCS#12 wants one.
    char[] password = "paywire-raft".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("cluster", key, password, new X509Certificate[] {certificate});
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers()[0];
  }

  /**
   * Trusts a peer, client or server, only if the first certificate it presents is the cluster
   * certificate, and only while that is valid. No host name is checked: the certificate names no
   * host, and every member holds the same one.
   */
  static final class PinnedTrustManager extends SimpleTrustManager {
    private final X509Certificate pinned;
    private final byte[] pinnedEncoded;

    PinnedTrustManager(X509Certificate pinned) throws CertificateEncodingException {
      this.pinned = pinned;
      this.pinnedEncoded = pinned.getEncoded();
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null
          || chain.length == 0
          || chain[0] == null
          || !MessageDigest.isEqual(pinnedEncoded, chain[0].getEncoded())) {
        throw new CertificateException("the peer does not present the cluster certificate");
      }
      pinned.checkValidity();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[] {pinned};
    }
  }
}
