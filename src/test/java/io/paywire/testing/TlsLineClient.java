package io.paywire.testing;

import io.paywire.crypto.PinnedServerTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * A bare TLS line client for protocol tests: sends lines or raw bytes, reads lines, and shows
 * exactly what the server wrote. Optionally presents a client certificate. The server is pinned by
 * fingerprint, as real clients do.
 */
public final class TlsLineClient implements AutoCloseable {

  public static final int READ_TIMEOUT_MILLIS = 10_000;

  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;

  private TlsLineClient(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects, completes the handshake and reads the greeting line. */
  public static TlsLineClient connect(
      int port, String serverFingerprint, KeyPair keys, X509Certificate certificate)
      throws Exception {
    TlsLineClient client = open(port, serverFingerprint, keys, certificate);
    String greeting = client.readLine();
    if (!"Connection accepted!".equals(greeting)) {
      throw new AssertionError("unexpected greeting: " + greeting);
    }
    return client;
  }

  /** Connects and completes the handshake, reading nothing. */
  public static TlsLineClient open(
      int port, String serverFingerprint, KeyPair keys, X509Certificate certificate)
      throws Exception {
    return open(null, port, serverFingerprint, keys, certificate);
  }

  /**
   * Connects from {@code local} (any 127.x.y.z address works on Linux loopback, so tests can be
   * several clients), completes the handshake and reads nothing.
   */
  public static TlsLineClient open(
      InetAddress local,
      int port,
      String serverFingerprint,
      KeyPair keys,
      X509Certificate certificate)
      throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyManager[] keyManagers = null;
    if (keys != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", keys.getPrivate(), new char[0], new Certificate[] {certificate});
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, new char[0]);
      keyManagers = factory.getKeyManagers();
    }
    context.init(
        keyManagers,
        new TrustManager[] {PinnedServerTrust.fingerprint(serverFingerprint)},
        new SecureRandom());
    SSLSocket socket =
        (SSLSocket)
            (local == null
                ? context.getSocketFactory().createSocket("127.0.0.1", port)
                : context
                    .getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), port, local, 0));
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.startHandshake();
    return new TlsLineClient(socket);
  }

  public static TlsLineClient connect(int port, String serverFingerprint) throws Exception {
    return connect(port, serverFingerprint, null, null);
  }

  public void send(String line) throws IOException {
    sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** One line without its newline; null at end of stream. */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  /** Exactly {@code count} bytes, or fewer if the stream ends first. */
  public byte[] readBytes(int count) throws IOException {
    return in.readNBytes(count);
  }

  /** Sends a command and reads a one-line reply. */
  public String ask(String line) throws IOException {
    send(line);
    return readLine();
  }

  /** Sends a command whose reply is a count line and that many lines; returns those lines. */
  public List<String> askCounted(String line) throws IOException {
    send(line);
    int count = Integer.parseInt(readLine());
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      lines.add(readLine());
    }
    return lines;
  }

  /**
   * Sends a login or LIST and reads the list: balance, count, then count lines. Returns all of it;
   * an error line alone if the first line is not a number.
   */
  public List<String> askList(String line) throws IOException {
    send(line);
    List<String> lines = new ArrayList<>();
    String first = readLine();
    lines.add(first);
    if (first == null || !first.matches("-?\\d+")) {
      return lines;
    }
    String count = readLine();
    lines.add(count);
    for (int i = 0; i < Integer.parseInt(count); i++) {
      lines.add(readLine());
    }
    return lines;
  }

  /** True once the server has closed the connection (reads end of stream within the timeout). */
  public boolean closedByServer() throws IOException {
    try {
      while (true) {
        if (in.read() == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
