package io.paywire.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client's trust manager for a Paywire server, in one of two modes.
 *
 * <p>{@link #fingerprint}: trusts exactly the server whose leaf certificate has the pinned SHA-256
 * fingerprint, like an SSH known host. Nothing else is checked, not the dates, not the name: the
 * pin is the identity, and the user chose it.
 *
 * <p>{@link #authority}: the JDK's PKIX trust manager validates the chain against the given CAs
 * (signatures, dates, key usage, serverAuth) and, through the JDK's endpoint identification, that
 * the certificate names the host the client meant. It fails closed: a socket or engine whose
 * endpoint identification is off (set {@code SSLParameters.setEndpointIdentificationAlgorithm(
 * "HTTPS")}), and the variant that has no socket or engine at all, are refused rather than accepted
 * without a host check.
 *
 * <p>Clients never present certificates to be checked by it: checkClientTrusted always throws.
 */
public final class PinnedServerTrust extends X509ExtendedTrustManager {

  /** Set in fingerprint mode, null in authority mode. */
  private final byte[] pinnedFingerprint;

  /** Set in authority mode, null in fingerprint mode. */
  private final X509ExtendedTrustManager pkix;

  private final X509Certificate[] authorities;

  private PinnedServerTrust(
      byte[] pinnedFingerprint, X509ExtendedTrustManager pkix, X509Certificate[] authorities) {
    this.pinnedFingerprint = pinnedFingerprint;
    this.pkix = pkix;
    this.authorities = authorities;
  }

  /**
   * Trusts the server whose certificate has this SHA-256 fingerprint (hex, ':' and case optional).
   */
  public static PinnedServerTrust fingerprint(String hex) {
    String normalized = Certificates.normalizeFingerprint(hex);
    return new PinnedServerTrust(normalized.getBytes(US_ASCII), null, new X509Certificate[0]);
  }

  /** Trusts servers whose chain leads to one of these CAs and whose certificate names the host. */
  public static PinnedServerTrust authority(List<X509Certificate> cas) {
    if (cas == null || cas.isEmpty()) {
      throw new IllegalArgumentException("no CA certificate to trust");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return new PinnedServerTrust(null, extended, cas.toArray(X509Certificate[]::new));
        }
      }
      throw new IllegalStateException(
          "the JDK's PKIX TrustManagerFactory gave no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a PKIX trust manager", e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    requireLeaf(chain);
    if (pkix == null) {
      checkPin(chain[0]);
    } else {
      throw new CertificateException(
          "a CA-trusted server needs its host checked: use a "
              + "socket or engine with endpoint identification");
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    requireLeaf(chain);
    if (pkix == null) {
      checkPin(chain[0]);
    } else {
      if (!(socket instanceof SSLSocket ssl)
          || !identifiesHost(ssl.getSSLParameters().getEndpointIdentificationAlgorithm())) {
        throw new CertificateException(
            "endpoint identification is off on this socket; "
                + "refusing to trust a CA-signed server without checking its host");
      }
      pkix.checkServerTrusted(chain, authType, socket);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    requireLeaf(chain);
    if (pkix == null) {
      checkPin(chain[0]);
    } else {
      if (engine == null
          || !identifiesHost(engine.getSSLParameters().getEndpointIdentificationAlgorithm())) {
        throw new CertificateException(
            "endpoint identification is off on this engine; "
                + "refusing to trust a CA-signed server without checking its host");
      }
      pkix.checkServerTrusted(chain, authType, engine);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("PinnedServerTrust is for clients; it trusts no client");
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
  public X509Certificate[] getAcceptedIssuers() {
    return authorities.clone();
  }

  /** Only "HTTPS" identification checks the host the way a client here needs; "" checks none. */
  private static boolean identifiesHost(String algorithm) {
    return "HTTPS".equalsIgnoreCase(algorithm);
  }

  private static void requireLeaf(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException("server sent no certificate");
    }
  }

  private void checkPin(X509Certificate leaf) throws CertificateException {
    byte[] actual = Certificates.sha256Fingerprint(leaf).getBytes(US_ASCII);
    if (!MessageDigest.isEqual(actual, pinnedFingerprint)) {
      throw new CertificateException(
          "server certificate fingerprint "
              + new String(actual, US_ASCII)
              + " is not the pinned one");
    }
  }
}
