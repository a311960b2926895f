package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.PinnedServerTrust;
import io.paywire.testing.ChildJvm;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-initiated renegotiation is refused on every TLS listener of a node started as an operator
 * starts it (a real process), as a TLS 1.2 client that asks for one sees it.
 */
class TlsRenegotiationTest {

  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  @TempDir Path work;

  @Test
  void bothListenersRefuseAClientThatAsksToRenegotiate() throws Exception {
    try (ChildJvm server =
        ChildJvm.start(
            work,
            "io.paywire.Paywire",
            "server",
            "--data-dir",
            work.resolve("data").toString(),
            "--http-port",
            "0",
            "--tls-port",
            "0",
            "--compat-port",
            "0",
            "--conf",
            "missing.json")) {
      List<String> lines = server.awaitLine("ready", START_TIMEOUT_MILLIS);
      String fingerprint =
          lines.stream()
              .filter(l -> l.startsWith("tls-fingerprint sha256 "))
              .findFirst()
              .orElseThrow()
              .split(" ")[2];
      assertThat(renegotiationRefused(port(lines, "tls"), fingerprint, 1, "LIST\n")).isTrue();
      assertThat(renegotiationRefused(port(lines, "compat"), fingerprint, 2, "LIST")).isTrue();
    }
  }

  private static int port(List<String> lines, String endpoint) {
    String line =
        lines.stream()
            .filter(l -> l.startsWith("endpoint " + endpoint + " "))
            .findFirst()
            .orElseThrow();
    return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
  }

  /**
   * Completes a TLS 1.2 handshake, reads the greeting, asks to renegotiate, and sends a command:
   * true if the server answers the request with an alert or by closing, false if the renegotiation
   * went through and the command was answered.
   */
  private static boolean renegotiationRefused(
      int port, String fingerprint, int greetingLines, String command) throws Exception {
    try (SSLSocket socket = tls12Socket(port, fingerprint)) {
      InputStream in = socket.getInputStream();
      socket.startHandshake();
      for (int seen = 0; seen < greetingLines; ) {
        int b = in.read();
        assertThat(b).as("the server's greeting").isNotEqualTo(-1);
        seen += b == '\n' ? 1 : 0;
      }
      socket.startHandshake(); // on an established TLS 1.2 session: a renegotiation request
      try {
        socket.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return in.read() == -1;
      } catch (SocketTimeoutException unanswered) {
        throw new AssertionError("the server neither answered nor refused", unanswered);
      } catch (SSLException | SocketException refused) {
        return true;
      }
    }
  }

  private static SSLSocket tls12Socket(int port, String fingerprint) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "client",
        keys.getPrivate(),
        new char[0],
        new Certificate[] {Certificates.selfSigned(keys, "renegotiator", Duration.ofDays(1))});
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    context.init(
        keyManagers.getKeyManagers(),
        new TrustManager[] {PinnedServerTrust.fingerprint(fingerprint)},
        new SecureRandom());
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setEnabledProtocols(new String[] {"TLSv1.2"});
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }
}
