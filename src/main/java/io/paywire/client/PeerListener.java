package io.paywire.client;

import io.paywire.crypto.Signatures;
import io.paywire.crypto.TlsPolicy;
import io.paywire.ledger.AccountName;
import io.paywire.protocol.Replies;
import io.paywire.protocol.SignedText;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The payee's side of a peer payment: a TLS server, presenting the user's own certificate, on the
 * port the user logged in with. Each payer connects, sends one peer message {@code
 * payer#amount#payee#id#sigPayer}, and gets one line back: the server's reply to the TRANS this
 * listener submitted, or {@code TRANS FAIL <reason>} when the message was refused here (and nothing
 * was sent to the server).
 *
 * <p>Payers need no certificate: the payer's signature, checked against the key the server holds
 * for the payer, is what authorizes a payment, and the server checks it again.
 */
public final class PeerListener implements AutoCloseable {

  static {
    TlsPolicy.refuseClientRenegotiation(); // before any server handshake
  }

  /**
   * One peer connection's outcome, for the user to see.
   *
   * @param payment the peer message, or null if none could be read or parsed
   * @param reply the line written back to the payer, or null if nothing could be
   * @param submitted true if a TRANS went to the server
   */
  public record Event(
      String remote, SignedText.PeerPayment payment, String reply, boolean submitted) {}

  private final SSLServerSocket serverSocket;
  private final String user;
  private final ClientIdentity identity;
  private final PaywireConnection server;
  private final Consumer<Event> events;
  private final ThreadPoolExecutor handlers;
  private final Thread acceptor;

  private PeerListener(
      SSLServerSocket serverSocket,
      String user,
      ClientIdentity identity,
      PaywireConnection server,
      Consumer<Event> events) {
    this.serverSocket = serverSocket;
    this.user = user;
    this.identity = identity;
    this.server = server;
    this.events = events;
    AtomicInteger threads = new AtomicInteger();
    // No queue: a payer beyond the limit is turned away at once rather than left waiting.
    this.handlers =
        new ThreadPoolExecutor(
            0,
            ClientLimits.MAX_PEER_CONNECTIONS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> {
              Thread thread = new Thread(task, "peer-" + port() + "-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.acceptor = new Thread(this::acceptLoop, "peer-listener-" + port());
    this.acceptor.setDaemon(true);
  }

  /**
   * Binds {@code bindHost:port} and starts taking peer payments for {@code user}, whose logged-in
   * server connection (proven by {@code identity}'s key) submits them.
   */
  public static PeerListener start(
      String bindHost,
      int port,
      String user,
      ClientIdentity identity,
      PaywireConnection server,
      Consumer<Event> events)
      throws IOException {
    if (identity == null) {
      throw new IllegalArgumentException("a peer listener needs the user's key and certificate");
    }
    SSLServerSocket socket =
        (SSLServerSocket)
            ClientTls.context(identity, null)
                .getServerSocketFactory()
                .createServerSocket(
                    port, ClientLimits.PEER_BACKLOG, InetAddress.getByName(bindHost));
    socket.setEnabledProtocols(ClientLimits.TLS_PROTOCOLS.toArray(String[]::new));
    socket.setNeedClientAuth(false);
    PeerListener listener = new PeerListener(socket, user, identity, server, events);
    listener.acceptor.start();
    return listener;
  }

  public int port() {
    return serverSocket.getLocalPort();
  }

  public String user() {
    return user;
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (serverSocket.isClosed()) {
          return;
        }
        continue; // one failed accept (a reset connection) does not stop the listener
      }
      try {
        handlers.execute(() -> handle((SSLSocket) socket));
      } catch (RejectedExecutionException full) {
        closeQuietly(socket);
      }
    }
  }

  private void handle(SSLSocket socket) {
    String remote = String.valueOf(socket.getRemoteSocketAddress());
    SignedText.PeerPayment payment = null;
    String reply = null;
    boolean submitted = false;
    try (socket) {
      // Bounds the handshake (it runs on the first read) and the wait for the message.
      socket.setSoTimeout(ClientLimits.PEER_READ_TIMEOUT_MILLIS);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String line = LineIo.readLine(in, ClientLimits.MAX_LINE_BYTES);
      if (line == null) {
        return;
      }
      payment = SignedText.parsePeerMessage(line);
      Outcome outcome = payment == null ? refused("malformed peer message") : settle(payment);
      reply = outcome.reply;
      submitted = outcome.submitted;
      OutputStream out = socket.getOutputStream();
      LineIo.writeLine(out, reply);
    } catch (IOException | RuntimeException e) {
      // The payer went away, sent garbage, or the handshake failed: the event shows how far it
      // got; there is nobody left to answer.
    } finally {
      events.accept(new Event(remote, payment, reply, submitted));
    }
  }

  private record Outcome(String reply, boolean submitted) {}

  private static Outcome refused(String reason) {
    return new Outcome(Replies.withReason(Replies.TRANS_FAILED, reason), false);
  }

  /** Checks the message, countersigns it and submits it; the line for the payer. */
  private Outcome settle(SignedText.PeerPayment p) {
    if (!p.payee().equalsIgnoreCase(user)) {
      return refused("this listener takes payments to " + user + ", not to " + p.payee());
    }
    if (!AccountName.isValid(p.payer())) {
      return refused("payer is not an account name");
    }
    if (p.amount() <= 0) {
      return refused("amount must be positive");
    }
    String keyReply;
    try {
      keyReply = server.commandLine("KEY#" + p.payer());
    } catch (IOException e) {
      return refused("payee has no server connection: " + e.getMessage());
    }
    Optional<RegisteredKey> payerKey = RegisteredKey.parse(keyReply);
    if (payerKey.isEmpty()) {
      return refused("no key for payer " + p.payer() + ": " + keyReply);
    }
    byte[] payerText = SignedText.signedByPayer(p.payer(), p.amount(), p.payee(), p.id());
    if (!Signatures.verify(
        payerKey.get().publicKey(),
        payerText,
        Base64.getDecoder().decode(p.payerSignatureBase64()))) {
      return refused("BAD_SIGNATURE: the payer's signature does not verify");
    }
    byte[] payeeText =
        SignedText.signedByPayee(
            p.payer(), p.amount(), p.payee(), p.id(), p.payerSignatureBase64());
    String payeeSignature =
        Base64.getEncoder().encodeToString(Signatures.sign(identity.privateKey(), payeeText));
    String trans =
        SignedText.transLine(
            p.payer(), p.amount(), p.payee(), p.id(), p.payerSignatureBase64(), payeeSignature);
    try {
      return new Outcome(server.paymentLine(trans), true);
    } catch (IOException e) {
      // Sent or not, the reply is lost: the payer can look the id up in HISTORY later.
      return new Outcome(
          Replies.withReason(
              Replies.TRANS_FAILED,
              "payee lost its server "
                  + "connection; outcome of "
                  + p.id()
                  + " unknown: "
                  + e.getMessage()),
          true);
    }
  }

  /** Stops accepting and abandons payments in progress. Safe to call more than once. */
  @Override
  public void close() {
    closeQuietly(serverSocket);
    handlers.shutdownNow();
    // The socket is released only once the thread blocked in accept() has noticed the close;
    // waiting for it means the port is free when close() returns.
    if (Thread.currentThread() != acceptor) {
      try {
        acceptor.join(ClientLimits.CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // best effort
    }
  }
}
