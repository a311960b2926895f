package io.paywire.client;

/**
 * Something the client refuses or cannot do, with a message for the user: the payee is not online,
 * a port is taken, a key file does not match its certificate. The server connection is still
 * usable. A broken server connection is an {@link java.io.IOException} instead.
 */
public final class ClientException extends Exception {

  public ClientException(String message) {
    super(message);
  }

  public ClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
