package io.paywire.net;

import java.io.IOException;

/**
 * A listener that could not bind because another process holds its port, named for the operator
 * (docs/operations.md): {@code listener tls (text protocol) 127.0.0.1:16000: Address already in
 * use; another process holds the port: stop it or set --tls-port}. An IOException, so a start
 * reports it in one line without a stack trace: the operator's to fix, not a bug.
 */
public final class PortTaken {

  private PortTaken() {}

  /** Whether {@code failure} or any of its causes says the address is in use. */
  public static boolean is(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      // The JDK's and Netty's native transport's wording; Hazelcast's ends "is already in use".
      if (String.valueOf(cause.getMessage()).contains("already in use")) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /**
   * @param listener its name and what it serves, {@code tls (text protocol)}
   * @param option what sets its port, {@code --tls-port}
   */
  public static IOException named(
      String listener, String host, int port, String option, Throwable cause) {
    return new IOException(
        "listener "
            + listener
            + " "
            + host
            + ":"
            + port
            + ": Address already in use; another process holds the port: stop it or set "
            + option,
        cause);
  }
}
