package io.paywire.course;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A plain-TCP client of a course network, as a student's: one write per command, raw bytes. */
public final class CourseClient implements AutoCloseable {

  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final Socket socket;
  private final InputStream in;

  public CourseClient(int port) throws IOException {
    this(InetAddress.getLoopbackAddress(), port);
  }

  /** Connecting from {@code local} (another 127.0.0.x is another client address). */
  public CourseClient(InetAddress local, int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port, local, 0);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
  }

  /** Sends {@code text} as is, in one write. */
  public void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.US_ASCII));
  }

  public void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Exactly {@code expected}'s length in bytes, as text (fails on a timeout). */
  public String read(String expected) throws IOException {
    byte[] got = in.readNBytes(expected.getBytes(StandardCharsets.US_ASCII).length);
    return new String(got, StandardCharsets.US_ASCII);
  }

  /** Sends a command and reads a reply of {@code expected}'s length. */
  public String ask(String command, String expected) throws IOException {
    send(command);
    return read(expected);
  }

  /**
   * What one {@code recv()} into a 1,024-byte buffer returns, as a student's client reads a reply:
   * a reply is one write, so on loopback it arrives whole.
   */
  public String recvOnce() throws IOException {
    byte[] buffer = new byte[1_024];
    int read = in.read(buffer);
    return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.US_ASCII);
  }

  /** As {@link #recvOnce}, waiting at most {@code millis}; "" when the server closed. */
  public String recvWithin(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return recvOnce();
    } finally {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }
  }

  /** Sends {@code command} and returns what one read gets ({@link #recvOnce}). */
  public String exchange(String command) throws IOException {
    send(command);
    return recvOnce();
  }

  /** Whether the server closed the connection (the next read finds its end). */
  boolean closedByServer() throws IOException {
    return in.read() < 0;
  }

  /** A 1,000-byte buffer holding {@code text}, padded with NULs, as C clients send one. */
  public static byte[] padded(String text) {
    byte[] buffer = Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), 1_000);
    return buffer;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
