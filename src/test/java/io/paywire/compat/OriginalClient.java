package io.paywire.compat;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PinnedServerTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The original C++ course client, re-enacted over a JDK SSLSocket byte for byte, for the
 * compatibility listener's tests.
 *
 * <p>What it copies from the original: an RSA 2048 key with a self-signed (possibly expired) client
 * certificate; two reads right after the handshake, each of which must get its own TLS record
 * ({@code Connection accepted!\n}, then {@code Handler assigned!\n}); one write per command with
 * exactly the original's bytes; one read per reply (a single {@link InputStream#read(byte[])},
 * which the JDK answers from one TLS record at most, as OpenSSL's SSL_read does); and the
 * peer-to-peer payment with raw RSA PKCS#1 v1.5 type 1 blocks (what {@code RSA_private_encrypt}
 * produces), forwarded by the payee as {@code TRANS#<payer>#<amount>#<payee>&} and two 256-byte
 * blocks in one write.
 *
 * <p>The server is pinned by fingerprint (the original verified nothing; pinning only makes the
 * tests stricter). On a peer hop the payer trusts any payee, and the payee's listener lets in only
 * a payer whose certificate the payee's {@code client.crt} vouches for, as the original.
 */
final class OriginalClient implements AutoCloseable {

  static final String ACCEPTED = "Connection accepted!\n";
  static final String HANDLER_ASSIGNED = "Handler assigned!\n";
  static final int READ_TIMEOUT_MILLIS = 10_000;

  /** One RSA 2048 block. */
  static final int BLOCK_BYTES = 256;

  /** The payee splits the payer's block into two halves of this size before its own operation. */
  static final int HALF_BYTES = 128;

  /** Enough for the largest TLS record, so one read is never cut short by our buffer. */
  private static final int READ_BUFFER_BYTES = 16 * 1024 + 1;

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A user of the original client: an RSA key, the certificate it presents, and what its {@code
   * client.crt} holds: the original presents the first certificate of that file and trusts every
   * certificate in it (and nothing else) when a payer connects to its peer listener.
   */
  record Identity(KeyPair keys, X509Certificate certificate, List<X509Certificate> trusted) {

    /** A hand-made {@code client.crt} holding just this certificate. */
    Identity(KeyPair keys, X509Certificate certificate) {
      this(keys, certificate, List.of(certificate));
    }

    /** {@code client.key} and {@code client.crt} from a directory, as the original loads them. */
    static Identity fromFiles(Path directory) throws IOException {
      List<X509Certificate> chain = Pem.readCertificates(directory.resolve("client.crt"));
      PrivateKey key = Pem.readPrivateKey(directory.resolve("client.key"));
      return new Identity(new KeyPair(chain.get(0).getPublicKey(), key), chain.get(0), chain);
    }

    /** Trusts exactly the certificates of {@code client.crt}, with full path validation. */
    TrustManager peerTrust() {
      try {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
          anchors.setCertificateEntry("trusted" + i, trusted.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(anchors);
        return factory.getTrustManagers()[0];
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build the peer trust", e);
      }
    }

    /** A fresh RSA 2048 key with a certificate valid for a day. */
    static Identity fresh(String commonName) {
      KeyPair keys = KeyType.RSA.generate();
      return new Identity(keys, Certificates.selfSigned(keys, commonName, Duration.ofDays(1)));
    }

    /**
     * A fresh RSA 2048 key with a certificate that expired a month ago, like copies in circulation.
     */
    static Identity expired(String commonName) {
      KeyPair keys = KeyType.RSA.generate();
      Instant now = Instant.now();
      return new Identity(
          keys,
          Certificates.selfSigned(
              keys, commonName, now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(30))));
    }

    PrivateKey privateKey() {
      return keys.getPrivate();
    }

    PublicKey publicKey() {
      return keys.getPublic();
    }

    KeyManager[] keyManagers() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
            "original", keys.getPrivate(), new char[0], new Certificate[] {certificate});
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return factory.getKeyManagers();
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build key managers", e);
      }
    }
  }

  private final Identity identity;
  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;
  private volatile String loggedInAs;

  private OriginalClient(Identity identity, SSLSocket socket) throws IOException {
    this.identity = identity;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects as the original does: handshake with the client certificate, then two reads that must
   * return exactly {@code Connection accepted!\n} and {@code Handler assigned!\n}.
   */
  static OriginalClient connect(int port, String serverFingerprint, Identity identity)
      throws Exception {
    return connect(port, serverFingerprint, identity, PROTOCOLS);
  }

  /** As {@link #connect(int, String, Identity)}, offering only the given TLS versions. */
  static OriginalClient connect(
      int port, String serverFingerprint, Identity identity, String... protocols) throws Exception {
    OriginalClient client = open(port, serverFingerprint, identity, protocols);
    try {
      String first = client.readReply();
      String second = client.readReply();
      if (!ACCEPTED.equals(first) || !HANDLER_ASSIGNED.equals(second)) {
        throw new AssertionError(
            "greeting reads were "
                + show(first)
                + " then "
                + show(second)
                + ", expected "
                + show(ACCEPTED)
                + " then "
                + show(HANDLER_ASSIGNED)
                + " as two separate reads");
      }
      return client;
    } catch (Exception | AssertionError e) {
      client.close();
      throw e;
    }
  }

  /**
   * Connects and completes the handshake, reading nothing; {@code identity} null sends no
   * certificate.
   */
  static OriginalClient open(
      int port, String serverFingerprint, Identity identity, String... protocols) throws Exception {
    SSLContext context =
        context(
            identity == null ? null : identity.keyManagers(),
            PinnedServerTrust.fingerprint(serverFingerprint));
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    try {
      socket.setEnabledProtocols(protocols.length == 0 ? PROTOCOLS : protocols);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      socket.startHandshake();
      return new OriginalClient(identity, socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  Identity identity() {
    return identity;
  }

  // ---- the original's commands, one write each, one read for the reply --------------------------

  String register(String name, long deposit) throws IOException {
    return ask("REGISTER#" + name + "#" + deposit + "\n");
  }

  /** Logs in with the port where this user takes peer payments; the reply is the list. */
  String login(String name, int port) throws IOException {
    String reply = ask(name + "#" + port + "\n");
    if (reply != null && reply.matches("(?s)-?\\d+\n.*")) {
      loggedInAs = name;
    }
    return reply;
  }

  String list() throws IOException {
    return ask("LIST");
  }

  String exit() throws IOException {
    return ask("EXIT");
  }

  /** One write of {@code command} (no newline added), then one read. */
  String ask(String command) throws IOException {
    return ask(command.getBytes(StandardCharsets.UTF_8));
  }

  /** One write of {@code bytes}, then one read. */
  synchronized String ask(byte[] bytes) throws IOException {
    send(bytes);
    return readReply();
  }

  /** Exactly these bytes in one write (one TLS record for anything up to 16 KiB). */
  synchronized void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * One {@link InputStream#read(byte[])}, as the original's one SSL_read: the bytes of at most one
   * TLS record, as a String. Null at end of stream; {@link java.net.SocketTimeoutException} if
   * nothing comes within the read timeout.
   */
  synchronized String readReply() throws IOException {
    byte[] buffer = new byte[READ_BUFFER_BYTES];
    int n = in.read(buffer);
    return n < 0 ? null : new String(buffer, 0, n, StandardCharsets.UTF_8);
  }

  /** As {@link #readReply()}, waiting at most {@code timeout}. */
  synchronized String readReply(Duration timeout) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      return readReply();
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(before);
      }
    }
  }

  /** The payee's forward, one write: {@code TRANS#<payer>#<amount>#<payee>&} and two blocks. */
  String forwardTrans(String payer, long amount, String payee, byte[] first, byte[] second)
      throws IOException {
    return ask(transMessage(payer, amount, payee, first, second));
  }

  // ---- the payment blocks
  // ------------------------------------------------------------------------

  /** The text the payer encrypts: {@code <payer>#<amount>#<payee>} and one NUL byte. */
  static byte[] paymentText(String payer, long amount, String payee) {
    byte[] text = (payer + "#" + amount + "#" + payee).getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(text, text.length + 1);
  }

  /** The payer's 256 bytes: its private-key operation, PKCS#1 v1.5 type 1, over the text. */
  static byte[] payerBlock(PrivateKey payerKey, String payer, long amount, String payee) {
    return privateEncrypt(payerKey, paymentText(payer, amount, payee));
  }

  /**
   * The payee's two 256-byte blocks, one after the other: each 128-byte half of the payer's block
   * under its key.
   */
  static byte[] payeeBlocks(PrivateKey payeeKey, byte[] payerBlock) {
    if (payerBlock.length != BLOCK_BYTES) {
      throw new IllegalArgumentException("a payer block has " + BLOCK_BYTES + " bytes");
    }
    byte[] first = privateEncrypt(payeeKey, Arrays.copyOfRange(payerBlock, 0, HALF_BYTES));
    byte[] second =
        privateEncrypt(payeeKey, Arrays.copyOfRange(payerBlock, HALF_BYTES, BLOCK_BYTES));
    return concat(first, second);
  }

  /** {@code TRANS#<payer>#<amount>#<payee>&} followed by the blocks, as bytes. */
  static byte[] transMessage(String payer, long amount, String payee, byte[]... blocks) {
    byte[] message =
        ("TRANS#" + payer + "#" + amount + "#" + payee + "&").getBytes(StandardCharsets.UTF_8);
    for (byte[] block : blocks) {
      message = concat(message, block);
    }
    return message;
  }

  /**
   * RSA_private_encrypt(..., RSA_PKCS1_PADDING): the JDK pads a private-key encryption with type 1.
   */
  static byte[] privateEncrypt(PrivateKey key, byte[] data) {
    return rsa(Cipher.ENCRYPT_MODE, key, data);
  }

  /** RSA_public_decrypt(..., RSA_PKCS1_PADDING): the reverse of {@link #privateEncrypt}. */
  static byte[] publicDecrypt(PublicKey key, byte[] block) {
    return rsa(Cipher.DECRYPT_MODE, key, block);
  }

  private static byte[] rsa(int mode, Key key, byte[] data) {
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      cipher.init(mode, key);
      return cipher.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA PKCS#1 v1.5 failed", e);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  // ---- peer to peer
  // ------------------------------------------------------------------------------

  /**
   * The payer's side: opens TLS to the payee's client (presenting this client's certificate,
   * trusting any), sends the 256-byte payer block in one write, and closes.
   */
  void payPeer(String host, int port, String payee, long amount) throws Exception {
    String payer = loggedInAs;
    if (payer == null) {
      throw new IllegalStateException("log in before paying: the payer's name is the login's");
    }
    payPeerRaw(host, port, payerBlock(identity.privateKey(), payer, amount, payee));
  }

  /** Sends any 256 bytes (or any bytes) to a peer, one write, then closes. */
  void payPeerRaw(String host, int port, byte[] bytes) throws Exception {
    SSLContext context = context(identity.keyManagers(), new TrustAnyServer());
    try (SSLSocket peer = (SSLSocket) context.getSocketFactory().createSocket(host, port)) {
      peer.setEnabledProtocols(PROTOCOLS);
      peer.setSoTimeout(READ_TIMEOUT_MILLIS);
      peer.startHandshake();
      OutputStream peerOut = peer.getOutputStream();
      peerOut.write(bytes);
      peerOut.flush();
    }
  }

  /** This client's peer listener, as the payee: see {@link PeerServer}. */
  PeerServer peerServer() throws IOException {
    return new PeerServer(this);
  }

  /** What a {@link PeerServer} received from a payer and what the server answered its forward. */
  record Forward(String paymentText, String reply) {}

  /**
   * The payee's TLS server (127.0.0.1, a free port, the payee's own certificate). For each payer
   * connection, one after another: reads exactly 256 bytes, recovers the text with the public key
   * of the payer's client certificate (the header needs payer and amount), makes the two payee
   * blocks, sends the TRANS forward over the payee's server connection, and queues the server's
   * reply.
   */
  static final class PeerServer implements AutoCloseable {

    private final OriginalClient payee;
    private final SSLServerSocket server;
    private final BlockingQueue<Forward> forwards = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private final Thread thread;

    private PeerServer(OriginalClient payee) throws IOException {
      this.payee = payee;
      // As the original: a payer is let in only if client.crt vouches for its certificate.
      SSLContext context = context(payee.identity.keyManagers(), payee.identity.peerTrust());
      this.server =
          (SSLServerSocket)
              context
                  .getServerSocketFactory()
                  .createServerSocket(0, 8, InetAddress.getLoopbackAddress());
      server.setEnabledProtocols(PROTOCOLS);
      server.setNeedClientAuth(true);
      this.thread = new Thread(this::serve, "peer-server-" + server.getLocalPort());
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    /** The next forward's outcome, waiting at most {@code timeout}. */
    Forward nextForward(Duration timeout) throws Exception {
      Forward forward = forwards.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (forward == null) {
        Throwable failure = failures.poll();
        throw new AssertionError("the peer server forwarded nothing within " + timeout, failure);
      }
      return forward;
    }

    /** The next payer connection that failed here, waiting at most {@code timeout}. */
    Throwable nextFailure(Duration timeout) throws InterruptedException {
      Throwable failure = failures.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (failure == null) {
        throw new AssertionError("no payer connection failed within " + timeout);
      }
      return failure;
    }

    private void serve() {
      while (!server.isClosed()) {
        try (SSLSocket peer = (SSLSocket) server.accept()) {
          peer.setSoTimeout(READ_TIMEOUT_MILLIS);
          byte[] block = peer.getInputStream().readNBytes(BLOCK_BYTES);
          if (block.length != BLOCK_BYTES) {
            throw new IOException("the payer sent " + block.length + " bytes, not " + BLOCK_BYTES);
          }
          PublicKey payerKey = peer.getSession().getPeerCertificates()[0].getPublicKey();
          byte[] text = publicDecrypt(payerKey, block);
          String payment = new String(text, 0, withoutTrailingNul(text), StandardCharsets.UTF_8);
          String[] fields = payment.split("#", -1);
          byte[] blocks = payeeBlocks(payee.identity.privateKey(), block);
          String reply =
              payee.ask(transMessage(fields[0], Long.parseLong(fields[1]), fields[2], blocks));
          forwards.add(new Forward(payment, reply));
        } catch (Exception e) {
          if (!server.isClosed()) {
            failures.add(e);
          }
        }
      }
    }

    private static int withoutTrailingNul(byte[] text) {
      int end = text.length;
      while (end > 0 && text[end - 1] == 0) {
        end--;
      }
      return end;
    }

    @Override
    public void close() throws IOException {
      server.close();
      try {
        thread.join(READ_TIMEOUT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The list as the original sends it (reply to login and LIST): {@code <balance>\n<number
   * online>\n}, then {@code <name>#<ip>#<port>\n} per user online, in any order.
   */
  record Listing(long balance, int online, List<String> users) {

    /** Parses a reply strictly: every line ends in {@code \n}, and the count matches the lines. */
    static Listing parse(String reply) {
      if (reply == null || !reply.endsWith("\n")) {
        throw new AssertionError("not a list (each line ends in \\n): " + show(reply));
      }
      List<String> lines = List.of(reply.substring(0, reply.length() - 1).split("\n", -1));
      if (lines.size() < 2 || !lines.get(0).matches("-?\\d+") || !lines.get(1).matches("\\d+")) {
        throw new AssertionError("not a list (balance, count, users): " + show(reply));
      }
      int online = Integer.parseInt(lines.get(1));
      List<String> users = lines.subList(2, lines.size());
      if (users.size() != online) {
        throw new AssertionError(
            "the list says "
                + online
                + " online but has "
                + users.size()
                + " users: "
                + show(reply));
      }
      return new Listing(Long.parseLong(lines.get(0)), online, users);
    }

    /** The {@code <ip>#<port>} of a user in the list, as the original looks up a payee. */
    String[] address(String name) {
      for (String user : users) {
        String[] fields = user.split("#", -1);
        if (fields.length == 3 && fields[0].equals(name)) {
          return new String[] {fields[1], fields[2]};
        }
      }
      throw new AssertionError(name + " is not in the list " + users);
    }
  }

  // ---- plumbing
  // ----------------------------------------------------------------------------------

  private static SSLContext context(KeyManager[] keyManagers, TrustManager trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trust}, RANDOM);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this Java runtime", e);
    }
  }

  /** A reply as Java source, so a missing or extra {@code \n} shows in a failure message. */
  static String show(String text) {
    if (text == null) {
      return "<end of stream>";
    }
    StringBuilder shown = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\n' -> shown.append("\\n");
        case '\r' -> shown.append("\\r");
        case '\0' -> shown.append("\\0");
        default -> shown.append(c);
      }
    }
    return shown.append('"').toString();
  }

  /** The original client verified no peer; peer hops in these tests do the same. */
  private static final class TrustAnyServer extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("a client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("a client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("a client-side trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
