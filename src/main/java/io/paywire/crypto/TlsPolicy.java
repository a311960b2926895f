package io.paywire.crypto;

/**
 * JVM-wide TLS settings that no engine option can carry.
 *
 * <p>Client-initiated renegotiation (TLS 1.2; TLS 1.3 has none) lets a client make the server
 * repeat its most expensive step at will, a cheap denial of service. The JDK engine refuses it only
 * by a system property, read once when the first server-side handshake class loads; so every TLS
 * server (node listeners, the client's peer listener) calls {@link #refuseClientRenegotiation}
 * before it is built, and the command line calls it first thing. The OpenSSL (BoringSSL) engine
 * never renegotiates as a server.
 */
public final class TlsPolicy {

  static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  private TlsPolicy() {}

  public static void refuseClientRenegotiation() {
    System.setProperty(REJECT_RENEGOTIATION, "true");
  }
}
