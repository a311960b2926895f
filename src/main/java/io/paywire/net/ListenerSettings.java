package io.paywire.net;

import io.paywire.config.PaywireConfig;
import io.paywire.session.Sessions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * What a TLS listener instance needs; the gate and the session objects are shared by all
 * instances of all listeners of a node.
 */
public record ListenerSettings(String host, int port, PaywireConfig.Text limits,
    ServerIdentity identity, ConnectionGate gate, Sessions.Shared sessions, String engine) {

  /**
   * The JDK's TLS by default: it takes Ed25519 client certificates, which BoringSSL does not
   * ask for. "openssl" trades that for less memory a session and faster handshakes.
   */
  public SSLEngineOptions sslEngine() {
    return "openssl".equals(engine) && OpenSSLEngineOptions.isAvailable()
        ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  /** The pipeline limits of a connection, from the text limits. */
  public CommandPipeline.Limits pipelineLimits(int maxInFlight) {
    return new CommandPipeline.Limits(maxInFlight, limits.maxBufferedReplyBytes(),
        limits.writeStallTimeoutSeconds() * 1000L);
  }

  /** A fresh command-rate bucket for a connection. */
  public TokenBucket newRate() {
    return new TokenBucket(limits.maxCommandsPerSecond(), limits.commandBurst(),
        System.nanoTime());
  }
}
