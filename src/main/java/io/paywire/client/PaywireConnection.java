package io.paywire.client;

import io.paywire.protocol.Replies;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection to a Paywire server's text protocol, with blocking sockets: connect, read the
 * greeting, then one command and its whole reply at a time. Safe to share between threads (the
 * interactive user and the peer listener do): commands take turns on a lock, because the protocol
 * is strictly one request, one reply.
 */
public final class PaywireConnection implements AutoCloseable {

  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String remote;
  private final ReentrantLock turn = new ReentrantLock();

  /** Set when a reply could not be read whole: later replies would be out of step. */
  private volatile String broken;

  /** When the last command was sent, for keep-alives. */
  private volatile long lastCommandNanos = System.nanoTime();

  private PaywireConnection(SSLSocket socket, String remote) throws IOException {
    this.socket = socket;
    this.remote = remote;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream());
  }

  /**
   * Connects, completes the TLS handshake (presenting {@code identity}'s certificate if given) and
   * reads the greeting. Throws with the reason when the server cannot be reached, is not trusted,
   * or refuses the connection (a full server answers an error instead of the greeting).
   */
  public static PaywireConnection connect(
      String host, int port, ServerTrust trust, ClientIdentity identity) throws IOException {
    SSLContext context = ClientTls.context(identity, trust.trustManager());
    Socket plain = new Socket();
    SSLSocket socket = null;
    try {
      plain.connect(new InetSocketAddress(host, port), ClientLimits.CONNECT_TIMEOUT_MILLIS);
      plain.setSoTimeout(ClientLimits.READ_TIMEOUT_MILLIS);
      plain.setTcpNoDelay(true);
      // Layered over the connected socket so that the peer host is the one the user typed.
      socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
      ClientTls.configure(socket, trust.checkHost());
      socket.startHandshake();
      PaywireConnection connection = new PaywireConnection(socket, host + ":" + port);
      String greeting = LineIo.readLine(connection.in, ClientLimits.MAX_LINE_BYTES);
      if (!Replies.GREETING.equals(greeting)) {
        throw new IOException(
            "server "
                + host
                + ":"
                + port
                + " did not accept the connection: "
                + (greeting == null ? "closed without a greeting" : greeting));
      }
      return connection;
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket != null ? socket : plain);
      throw e;
    }
  }

  /**
   * Sends one command line and returns its whole reply (see {@link ReplyShape}). Waits for any
   * other thread's command to finish first. An IOException means the connection is unusable.
   */
  public List<String> command(String line) throws IOException {
    LineIo.requireSingleLine(line);
    turn.lock();
    try {
      if (broken != null) {
        throw new IOException("connection to " + remote + " is unusable: " + broken);
      }
      try {
        lastCommandNanos = System.nanoTime();
        LineIo.writeLine(out, line);
        ReplyAssembler reply = new ReplyAssembler(line);
        while (true) {
          String next = LineIo.readLine(in, ClientLimits.MAX_LINE_BYTES);
          if (next == null) {
            throw new IOException("server " + remote + " closed the connection");
          }
          List<String> whole = reply.add(next);
          if (whole != null) {
            return whole;
          }
        }
      } catch (SocketTimeoutException e) {
        throw fail("no reply within " + ClientLimits.READ_TIMEOUT_MILLIS + " ms", e);
      } catch (ProtocolException e) {
        throw fail("unreadable reply: " + e.getMessage(), e);
      } catch (IOException e) {
        throw fail(e.getMessage(), e);
      }
    } finally {
      turn.unlock();
    }
  }

  /** The first line of the reply, for commands that answer one line. */
  public String commandLine(String line) throws IOException {
    return command(line).get(0);
  }

  /**
   * A payment line ({@code PAY} or {@code TRANS}, which carries its transfer id): its reply line.
   * An unknown outcome ({@code TRANS FAIL UNKNOWN <id>: ...}) is sent again, the same line with the
   * same id, at most {@link ClientLimits#MAX_PAY_RETRIES} times with doubling pauses: the server
   * applies an id at most once, so a retry never pays twice.
   */
  public String paymentLine(String line) throws IOException {
    String reply = commandLine(line);
    long backoff = ClientLimits.PAY_RETRY_BACKOFF_MILLIS;
    for (int retry = 0; retry < ClientLimits.MAX_PAY_RETRIES && isUnknown(reply); retry++) {
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return reply;
      }
      backoff *= 2;
      reply = commandLine(line);
    }
    return reply;
  }

  /** {@code TRANS FAIL UNKNOWN <id>: ...}: the server does not know whether it was applied. */
  static boolean isUnknown(String reply) {
    return reply != null
        && reply.startsWith(Replies.TRANS_FAILED + " " + Replies.UNKNOWN_OUTCOME + " ");
  }

  /** Nanoseconds since the last command was sent (or since connecting). */
  public long idleNanos() {
    return System.nanoTime() - lastCommandNanos;
  }

  public String remote() {
    return remote;
  }

  public boolean isOpen() {
    return broken == null && !socket.isClosed();
  }

  private IOException fail(String reason, IOException cause) {
    broken = reason;
    closeQuietly(socket);
    return cause instanceof SocketTimeoutException || cause instanceof ProtocolException
        ? new IOException("server " + remote + ": " + reason, cause)
        : cause;
  }

  /** Closes the socket; the server then logs the session out. Safe to call more than once. */
  @Override
  public void close() {
    broken = broken == null ? "closed" : broken;
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is best effort: the socket is gone either way
    }
  }
}
