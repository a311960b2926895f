package io.paywire.session;

/**
 * What the session core tells the node's metrics: sessions opened and closed, and the end of every
 * payment, each by the entry point it came through ({@link Peer#via()}). Called from event loops:
 * implementations must be quick and thread-safe.
 */
public interface SessionEvents {

  SessionEvents NONE = new SessionEvents() {};

  default void opened(String via) {}

  default void closed(String via) {}

  default void paid(String via, boolean duplicate) {}

  default void refused(String via, String code) {}

  default void unknown(String via) {}
}
