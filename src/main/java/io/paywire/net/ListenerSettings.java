package io.paywire.net;

import io.paywire.config.PaywireConfig;
import io.paywire.session.Sessions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * What a TLS listener instance needs; the session objects are shared by all instances of all
 * listeners of a node. Connections are counted and capped before they reach a listener, from accept
 * ({@link AcceptGates}).
 */
public record ListenerSettings(
    String host,
    int port,
    PaywireConfig.Text limits,
    ServerIdentity identity,
    Sessions.Shared sessions,
    String engine) {

  /** The configured TLS engine ({@link TlsServerOptions#engine}). */
  public SSLEngineOptions sslEngine() {
    return TlsServerOptions.engine(engine);
  }

  /** The pipeline limits of a connection, from the text limits. */
  public CommandPipeline.Limits pipelineLimits(int maxInFlight) {
    return new CommandPipeline.Limits(
        maxInFlight, limits.maxBufferedReplyBytes(), limits.writeStallTimeoutSeconds() * 1000L);
  }

  /** A fresh command-rate bucket for a connection. */
  public TokenBucket newRate() {
    return new TokenBucket(limits.maxCommandsPerSecond(), limits.commandBurst(), System.nanoTime());
  }
}
