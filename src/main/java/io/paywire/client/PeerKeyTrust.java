package io.paywire.client;

import io.paywire.crypto.SimpleTrustManager;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Trusts a payee's peer listener only if its certificate carries the key the payee registered with
 * the server: a man in the middle of the payer-to-payee hop cannot show it, whatever its
 * certificate says. Issuer, dates and names are not looked at: the registered key is the identity,
 * and TLS proves the listener holds its private half.
 *
 * <p>An X509ExtendedTrustManager, so that the JDK uses it as it is instead of adding its own checks
 * around it.
 */
final class PeerKeyTrust extends SimpleTrustManager {

  private final byte[] expectedKey;
  private final String payee;

  PeerKeyTrust(String payee, byte[] subjectPublicKeyInfo) {
    this.payee = payee;
    this.expectedKey = subjectPublicKeyInfo.clone();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException(payee + "'s listener sent no certificate");
    }
    if (!MessageDigest.isEqual(chain[0].getPublicKey().getEncoded(), expectedKey)) {
      throw new CertificateException("the listener does not hold " + payee + "'s registered key");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("PeerKeyTrust checks payees' listeners, not clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
