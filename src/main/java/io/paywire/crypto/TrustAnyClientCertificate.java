package io.paywire.crypto;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's trust manager for client certificates: any certificate is accepted, self-signed,
 * expired or not yet valid. A user is identified by the public key in the certificate, which the
 * account registered, and TLS itself proves the client holds the matching private key (the
 * CertificateVerify message); the certificate's issuer and dates add nothing to that. Whether the
 * key belongs to an account is decided after the handshake, from the session's peer certificate.
 *
 * <p>It extends X509ExtendedTrustManager so that the JDK uses it as it is, instead of wrapping it in
 * the adapter that adds its own checks to plain X509TrustManagers.
 */
public final class TrustAnyClientCertificate extends X509ExtendedTrustManager {

  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException("no client certificate");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("TrustAnyClientCertificate is for servers; it trusts no server");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  /** None: an empty list of acceptable CAs in the CertificateRequest lets clients send any certificate. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
