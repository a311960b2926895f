package io.paywire.client;

import java.util.List;

/**
 * Every bound the client library puts on the network: how long it waits, how much it reads, how
 * many peers it serves at once. One place, so a reader sees them all.
 */
public final class ClientLimits {

  /** TCP connect to the server or to a payee's listener. */
  public static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  /** The server's reply to one command (also bounds the TLS handshake with the server). */
  public static final int READ_TIMEOUT_MILLIS = 30_000;

  /** A payer has this long, once connected, to send its one peer message. */
  public static final int PEER_READ_TIMEOUT_MILLIS = 10_000;

  /**
   * A payer waits this long for the payee's answer: the payee asks the server for the payer's key
   * and then submits TRANS, so two server round trips, each bounded by {@link
   * #READ_TIMEOUT_MILLIS}, plus the peer handshake.
   */
  public static final int PEER_REPLY_TIMEOUT_MILLIS = 2 * READ_TIMEOUT_MILLIS + 10_000;

  /**
   * The longest line read from a server or a peer. Server lines are short (a KEY line with an
   * 8192-bit RSA key is under 1,600 bytes); this only stops a broken peer from filling memory.
   */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  /** The most lines one reply may announce: a LIST of a full node is about this long. */
  public static final int MAX_REPLY_LINES = 1_000_002;

  /** Peer connections handled at once by a {@link PeerListener}; more are closed at once. */
  public static final int MAX_PEER_CONNECTIONS = 16;

  /** How long closing a peer listener waits for its accepting thread to end. */
  public static final long CLOSE_WAIT_MILLIS = 5_000;

  /** Backlog of the peer listener's server socket. */
  public static final int PEER_BACKLOG = 50;

  /**
   * While a peer listener runs, a connection idle this long sends a harmless KEY#<self>: the server
   * closes connections idle for its text.idleTimeoutSeconds (300 by default), which would log out a
   * payee who is only waiting for payments. Well below any sensible server setting.
   */
  public static final long KEEPALIVE_IDLE_MILLIS = 60_000;

  /**
   * A payment whose outcome the server reports unknown ({@code TRANS FAIL UNKNOWN <id>}) is sent
   * again with the same id this many times at most: the id makes every retry safe.
   */
  public static final int MAX_PAY_RETRIES = 3;

  /** The wait before the first such retry; it doubles for each further one. */
  public static final long PAY_RETRY_BACKOFF_MILLIS = 200;

  /** What a `wait` in a script may ask for at most. */
  public static final int MAX_WAIT_SECONDS = 24 * 3600;

  /** TLS 1.2 and 1.3 only, as the server. */
  public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private ClientLimits() {}
}
