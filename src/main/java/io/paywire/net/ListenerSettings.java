package io.paywire.net;

import io.paywire.config.PaywireConfig;
import io.paywire.session.LoginThrottle;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * What a TLS listener instance needs; shared objects (gate, throttle) are shared by all
 * instances of all listeners of a node.
 */
public record ListenerSettings(String host, int port, PaywireConfig.Text limits,
    ServerIdentity identity, ConnectionGate gate, LoginThrottle throttle, String nodeName,
    String engine) {

  /**
   * The JDK's TLS by default: it takes Ed25519 client certificates, which BoringSSL does not
   * ask for. "openssl" trades that for less memory a session and faster handshakes.
   */
  public SSLEngineOptions sslEngine() {
    return "openssl".equals(engine) && OpenSSLEngineOptions.isAvailable()
        ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }
}
