package io.paywire.client;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/** SSLContexts and socket settings shared by the server connection and the peer hops. */
final class ClientTls {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ClientTls() {}

  static SSLContext context(ClientIdentity identity, TrustManager trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keys = identity == null ? null : identity.keyManagers();
      context.init(keys, trust == null ? null : new TrustManager[] {trust}, RANDOM);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this Java runtime", e);
    }
  }

  /**
   * TLS 1.2 and 1.3 only; with {@code checkHost}, the JDK checks the certificate names the host.
   */
  static void configure(SSLSocket socket, boolean checkHost) {
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setProtocols(ClientLimits.TLS_PROTOCOLS.toArray(String[]::new));
    if (checkHost) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    socket.setSSLParameters(parameters);
  }
}
