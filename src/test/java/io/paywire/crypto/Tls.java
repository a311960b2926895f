package io.paywire.crypto;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Real TLS between two JDK endpoints in one process, over loopback sockets or paired SSLEngines.
 */
final class Tls {

  static final int TIMEOUT_MILLIS = 10_000;
  private static final char[] PASSWORD = "in-memory".toCharArray();

  private Tls() {}

  /** A TLS context presenting {@code chain} (if any) and trusting peers with {@code trust}. */
  static SSLContext context(PrivateKey key, X509Certificate[] chain, TrustManager trust)
      throws Exception {
    KeyManager[] keyManagers = null;
    if (key != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("identity", key, PASSWORD, chain);
      // SunX509 does not look at validity dates, so a deliberately expired certificate is sent.
      KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
      factory.init(store, PASSWORD);
      keyManagers = factory.getKeyManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers, trust == null ? null : new TrustManager[] {trust}, null);
    return context;
  }

  /**
   * Connects a client to a server on 127.0.0.1, asking for {@code host}, and echoes one byte so
   * both ends finish the handshake. Returns the certificates the server saw from the client (empty
   * if it did not ask); throws what either side threw.
   */
  static Certificate[] handshake(
      SSLContext server, boolean needClientAuth, SSLContext client, String host) throws Exception {
    return handshake(server, needClientAuth, client, host, true);
  }

  /** As above; {@code identifyEndpoint} false leaves the JDK's host check off on the client. */
  static Certificate[] handshake(
      SSLContext server,
      boolean needClientAuth,
      SSLContext client,
      String host,
      boolean identifyEndpoint)
      throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (SSLServerSocket listener =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      listener.setNeedClientAuth(needClientAuth);
      listener.setSoTimeout(TIMEOUT_MILLIS);
      Future<Certificate[]> serverSide =
          executor.submit(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.setSoTimeout(TIMEOUT_MILLIS);
                  int echoed = socket.getInputStream().read();
                  socket.getOutputStream().write(echoed);
                  socket.getOutputStream().flush();
                  return needClientAuth
                      ? socket.getSession().getPeerCertificates()
                      : new Certificate[0];
                }
              });
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(loopback, listener.getLocalPort()), TIMEOUT_MILLIS);
        plain.setSoTimeout(TIMEOUT_MILLIS);
        // Layered over a connected socket so the peer host is exactly `host`, whatever it resolves
        // to.
        try (SSLSocket socket =
            (SSLSocket)
                client
                    .getSocketFactory()
                    .createSocket(plain, host, listener.getLocalPort(), true)) {
          if (identifyEndpoint) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
          }
          socket.getOutputStream().write(42);
          socket.getOutputStream().flush();
          if (socket.getInputStream().read() != 42) {
            throw new IOException("no echo from the server");
          }
        }
      }
      return serverSide.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * A handshake between two SSLEngines passing buffers to each other, the way Vert.x and Netty use
   * TLS; the client engine is created for {@code host}. Throws what either engine threw.
   */
  static void engineHandshake(SSLContext server, SSLContext client, String host) throws Exception {
    SSLEngine clientEngine = client.createSSLEngine(host, 443);
    clientEngine.setUseClientMode(true);
    SSLParameters parameters = clientEngine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    clientEngine.setSSLParameters(parameters);
    SSLEngine serverEngine = server.createSSLEngine();
    serverEngine.setUseClientMode(false);
    int packet =
        Math.max(
            clientEngine.getSession().getPacketBufferSize(),
            serverEngine.getSession().getPacketBufferSize());
    ByteBuffer clientToServer = ByteBuffer.allocate(packet * 4);
    ByteBuffer serverToClient = ByteBuffer.allocate(packet * 4);
    ByteBuffer clientOut = ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer serverOut = ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer clientIn = ByteBuffer.allocate(packet * 4);
    ByteBuffer serverIn = ByteBuffer.allocate(packet * 4);
    for (int round = 0; round < 100; round++) {
      clientEngine.wrap(clientOut, clientToServer);
      runTasks(clientEngine);
      serverEngine.wrap(serverOut, serverToClient);
      runTasks(serverEngine);
      clientToServer.flip();
      serverToClient.flip();
      clientEngine.unwrap(serverToClient, clientIn);
      runTasks(clientEngine);
      serverEngine.unwrap(clientToServer, serverIn);
      runTasks(serverEngine);
      clientToServer.compact();
      serverToClient.compact();
      if (clientIn.position() == 4 && serverIn.position() == 4) {
        return;
      }
    }
    throw new IOException("engines did not exchange data in 100 rounds");
  }

  private static void runTasks(SSLEngine engine) {
    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
      for (Runnable task = engine.getDelegatedTask();
          task != null;
          task = engine.getDelegatedTask()) {
        task.run();
      }
    }
  }
}
