package io.paywire.net;

import io.paywire.config.PaywireConfig;
import io.paywire.crypto.SingleTrustManagerFactory;
import io.paywire.crypto.TlsPolicy;
import io.paywire.crypto.TrustAnyClientCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;

/** TLS server settings shared by every listener of a node. */
public final class TlsServerOptions {

  /**
   * Node-local, published by the node when it renewed its certificate of {@code certs/}: the new
   * chain (PEM, leaf first), which every listener then loads. The key stays the same.
   */
  public static final String RENEWED = "paywire.tls.renewed";

  private static final System.Logger LOG = System.getLogger(TlsServerOptions.class.getName());

  static {
    TlsPolicy.refuseClientRenegotiation(); // before any server handshake
  }

  /** TLS 1.2 and 1.3 only. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /**
   * Mozilla's "intermediate" list in IANA names, less its finite-field DHE suites: BoringSSL has
   * none, and every client that can do DHE can do ECDHE.
   */
  static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsServerOptions() {}

  /** The SubjectPublicKeyInfo of a connection's client certificate, or null if it showed none. */
  public static byte[] clientKey(NetSocket socket) {
    try {
      List<Certificate> chain = socket.peerCertificates();
      return chain == null || chain.isEmpty() ? null : chain.get(0).getPublicKey().getEncoded();
    } catch (SSLPeerUnverifiedException none) {
      return null;
    }
  }

  /**
   * A TLS server on the node's certificate. Any client certificate is trusted, self-signed or
   * expired: what identifies a user is the public key in it, which sessions compare with the
   * registered one. {@code clientAuth} says whether one is asked for or required.
   */
  /**
   * The TLS engine by its configured name: the JDK's by default (it takes Ed25519 client
   * certificates, which BoringSSL does not ask for); "openssl" (BoringSSL, where it loads) trades
   * that for less memory a session and faster handshakes. Clients of the same name get the same.
   */
  public static SSLEngineOptions engine(String name) {
    return "openssl".equals(name) && OpenSSLEngineOptions.isAvailable()
        ? new OpenSSLEngineOptions()
        : new JdkSSLEngineOptions();
  }

  /**
   * {@code configured}, or a free port when it is 0. Vert.x shares a server among instances by the
   * port they ask for, so instances that all asked for 0 would each get a different one.
   */
  public static int resolvePort(String host, int configured) throws IOException {
    if (configured != 0) {
      return configured;
    }
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }

  public static NetServerOptions create(
      String host,
      int port,
      PaywireConfig.Text limits,
      ServerIdentity identity,
      SSLEngineOptions engine,
      ClientAuth clientAuth) {
    NetServerOptions options =
        secure(new NetServerOptions(), identity, engine, limits.handshakeTimeoutSeconds())
            .setHost(host)
            .setPort(port)
            .setClientAuth(clientAuth)
            .setTrustOptions(
                TrustOptions.wrap(new SingleTrustManagerFactory(new TrustAnyClientCertificate())))
            .setIdleTimeout(limits.idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    return options;
  }

  /**
   * The node's key and what it sends: the chain (leaf, then the local CA) for a certificate of
   * {@code certs/}, so a client that trusts the CA completes the path from what it is sent; an
   * operator's {@code tls.certificateFile} as the file has it (its own chain, if any).
   */
  public static PemKeyCertOptions keyCert(ServerIdentity identity) {
    PemKeyCertOptions pem = new PemKeyCertOptions().setKeyPath(identity.privateKey().toString());
    return identity.chainPem() != null
        ? pem.setCertValue(Buffer.buffer(identity.chainPem()))
        : pem.setCertPath(identity.certificate().toString());
  }

  /**
   * Makes a listener serve a renewed certificate from the next handshake on, when the node
   * publishes one on {@link #RENEWED}; connections already open keep theirs. Nothing for an
   * operator's certificate, which the node never renews. Call it from the verticle's start, so the
   * consumer goes with the verticle.
   *
   * @param update the server's {@code updateSSLOptions}
   */
  public static void followRenewals(
      Vertx vertx,
      ServerIdentity identity,
      NetServerOptions options,
      Function<ServerSSLOptions, Future<Boolean>> update) {
    if (identity.chainPem() == null) {
      return;
    }
    vertx
        .eventBus()
        .<String>localConsumer(
            RENEWED,
            renewed ->
                update
                    .apply(
                        options
                            .getSslOptions()
                            .copy()
                            .setKeyCertOptions(keyCert(identity.withChain(renewed.body()))))
                    .onFailure(
                        e ->
                            LOG.log(
                                Level.ERROR, "event=tls_reload_failed error={0}", e.getMessage())));
  }

  /**
   * The TLS part every listener shares, the HTTPS API's included: the node's certificate, TLS 1.2
   * and 1.3 only, these cipher suites, and a bound on the handshake.
   */
  public static <T extends NetServerOptions> T secure(
      T options, ServerIdentity identity, SSLEngineOptions engine, int handshakeTimeoutSeconds) {
    options
        .setSsl(true)
        .setSslEngineOptions(engine)
        .setKeyCertOptions(keyCert(identity))
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setSslHandshakeTimeout(handshakeTimeoutSeconds)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }
}
