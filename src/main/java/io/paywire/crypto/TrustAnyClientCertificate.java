package io.paywire.crypto;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The server's trust manager for client certificates: any certificate is accepted, self-signed,
 * expired or not yet valid. A user is identified by the public key in the certificate, which the
 * account registered, and TLS itself proves the client holds the matching private key (the
 * CertificateVerify message); the certificate's issuer and dates add nothing to that. Whether the
 * key belongs to an account is decided after the handshake, from the session's peer certificate.
 *
 * <p>An X509ExtendedTrustManager (through {@link SimpleTrustManager}), so that the JDK uses it as
 * it is instead of wrapping it in the adapter that adds its own checks to plain ones.
 */
public final class TrustAnyClientCertificate extends SimpleTrustManager {

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException("no client certificate");
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("TrustAnyClientCertificate is for servers; it trusts no server");
  }

  /**
   * None: an empty list of acceptable CAs in the CertificateRequest lets clients send any
   * certificate.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
