package io.paywire.client;

import io.paywire.crypto.Signatures;
import io.paywire.ledger.TransferId;
import io.paywire.protocol.Replies;
import io.paywire.protocol.SignedText;
import io.paywire.protocol.TextCommand;
import io.paywire.protocol.TextParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * A user's session with a Paywire server: the server connection, the user's key, who is logged in,
 * and the peer listener that runs while logged in with a port. What the {@code client} subcommand
 * drives, and what a program embeds to pay and be paid.
 */
public final class PaywireClient implements AutoCloseable {

  /** Only the command word and field count matter here; the history bound is the server's. */
  private static final TextParser PARSER = new TextParser(Integer.MAX_VALUE);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final PaywireConnection connection;
  private final ClientIdentity identity;
  private final String listenHost;
  private final Consumer<PeerListener.Event> peerEvents;

  /** The logged-in account's name as the server shows it, or null. Guarded by this. */
  private String user;

  /** Running while logged in with a port other than 0. Guarded by this. */
  private PeerListener listener;

  /** Keeps the connection of a waiting payee from timing out; runs with the listener. */
  private ScheduledExecutorService keepAlive;

  private PaywireClient(
      PaywireConnection connection,
      ClientIdentity identity,
      String listenHost,
      Consumer<PeerListener.Event> peerEvents) {
    this.connection = connection;
    this.identity = identity;
    this.listenHost = listenHost;
    this.peerEvents = peerEvents;
  }

  /**
   * Connects to the server.
   *
   * @param identity the user's key and certificate, or null to connect without (such a login proves
   *     nothing, so PAY and TRANS are refused and no peer listener can run)
   * @param listenHost the address the peer listener binds
   * @param peerEvents told about every peer connection the listener handles, on its threads
   * @throws ClientException if the server's certificate is not issued by the trusted CA: the user's
   *     to fix (another CA file, or the fingerprint), said in words
   */
  public static PaywireClient connect(
      String host,
      int port,
      ServerTrust trust,
      ClientIdentity identity,
      String listenHost,
      Consumer<PeerListener.Event> peerEvents)
      throws IOException, ClientException {
    PaywireConnection connection;
    try {
      connection = PaywireConnection.connect(host, port, trust, identity);
    } catch (SSLHandshakeException e) {
      if (!notIssuedByTrustedCa(e)) {
        throw e;
      }
      throw new ClientException(
          "cannot connect to "
              + host
              + ":"
              + port
              + ": the server's "
              + "certificate is not issued by the "
              + trust.description()
              + " (no certification path to it); give "
              + "the CA of that server (its certs/ca.crt) or pin its certificate with "
              + "--server-fingerprint",
          e);
    }
    return new PaywireClient(connection, identity, listenHost, peerEvents);
  }

  /** The JDK's PKIX validation found no path from the server's certificate to a trusted CA. */
  private static boolean notIssuedByTrustedCa(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CertPathBuilderException
          || cause instanceof CertPathValidatorException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  public PaywireConnection connection() {
    return connection;
  }

  public synchronized String user() {
    return user;
  }

  public synchronized Optional<PeerListener> listener() {
    return Optional.ofNullable(listener);
  }

  /**
   * Sends any protocol line and returns the reply. A login {@code NAME#PORT} with a port other than
   * 0 first starts the peer listener on that port (so the port is known to work before the server
   * lists it), and stops it again if the login fails; EXIT stops it.
   *
   * @throws ClientException if the listener cannot start; nothing was sent then
   */
  public List<String> command(String line) throws IOException, ClientException {
    TextCommand parsed = PARSER.parse(LineIo.requireSingleLine(line));
    if (parsed instanceof TextCommand.Login login) {
      return login(line, login);
    }
    List<String> reply = connection.command(line);
    if (parsed instanceof TextCommand.Exit) {
      loggedOut();
    }
    return reply;
  }

  public List<String> register(String name, long deposit) throws IOException, ClientException {
    return command("REGISTER#" + name + "#" + deposit);
  }

  /** Logs in; port 0 takes no peer payments, any other starts the peer listener on it. */
  public List<String> login(String name, int port) throws IOException, ClientException {
    return command(name + "#" + port);
  }

  /** LIST: the balance and who is online, or the server's refusal as the exception's message. */
  public Listing list() throws IOException, ClientException {
    List<String> reply = connection.command("LIST");
    return Listing.parse(reply).orElseThrow(() -> new ClientException(reply.get(0)));
  }

  /** {@code KEY#name}: the account's registered public key. */
  public RegisteredKey key(String name) throws IOException, ClientException {
    String reply = connection.commandLine("KEY#" + name);
    return RegisteredKey.parse(reply)
        .orElseThrow(() -> new ClientException("no usable key for " + name + ": " + reply));
  }

  /**
   * A direct payment, {@code PAY#payee#amount#id}, with a fresh id: the server's reply line. An
   * unknown outcome is retried with the same id (at most {@link ClientLimits#MAX_PAY_RETRIES}
   * times), which can never pay twice.
   */
  public String pay(String payee, long amount) throws IOException {
    return pay(payee, amount, TransferId.random(RANDOM));
  }

  /** {@link #pay(String, long)} with the caller's id. */
  public String pay(String payee, long amount, TransferId id) throws IOException {
    return connection.paymentLine("PAY#" + payee + "#" + amount + "#" + id);
  }

  /**
   * A peer-to-peer payment: finds the payee in LIST, fetches the payee's key, connects to the
   * payee's listener trusting exactly that key, sends the payment signed by this user, and returns
   * the one line the payee sends back (the server's TRANS reply, relayed, or the payee's own {@code
   * TRANS FAIL <reason>}).
   *
   * @throws ClientException if the payment could not be handed to the payee: not logged in, no key,
   *     payee offline or without a port, listener unreachable or not holding the payee's key, or no
   *     answer (then the message says the outcome is unknown and names the id)
   */
  public String payPeer(String payee, long amount) throws IOException, ClientException {
    requireSigner();
    Listing listing = list();
    Listing.Online online =
        listing.find(payee).orElseThrow(() -> new ClientException(payee + " is not online"));
    if (online.port() == 0) {
      throw new ClientException(online.name() + " is online but takes no peer payments (port 0)");
    }
    return payPeer(online, amount);
  }

  /** A peer payment to someone already found in a LIST. */
  public String payPeer(Listing.Online payee, long amount) throws IOException, ClientException {
    String payer = requireSigner();
    if (amount <= 0) {
      throw new ClientException("amount must be positive");
    }
    RegisteredKey payeeKey = key(payee.name());
    TransferId id = TransferId.random(RANDOM);
    String payerSignature =
        Base64.getEncoder()
            .encodeToString(
                Signatures.sign(
                    identity.privateKey(),
                    SignedText.signedByPayer(payer, amount, payee.name(), id)));
    String message = SignedText.peerMessage(payer, amount, payee.name(), id, payerSignature);
    String where = payee.name() + "'s listener at " + payee.ip() + ":" + payee.port();

    Socket plain = new Socket();
    try (plain) {
      try {
        plain.connect(
            new InetSocketAddress(payee.ip(), payee.port()), ClientLimits.CONNECT_TIMEOUT_MILLIS);
        plain.setSoTimeout(ClientLimits.PEER_REPLY_TIMEOUT_MILLIS);
      } catch (IOException e) {
        throw new ClientException("cannot reach " + where + ": " + e.getMessage(), e);
      }
      SSLSocket socket;
      try {
        socket =
            (SSLSocket)
                ClientTls.context(
                        null, new PeerKeyTrust(payee.name(), payeeKey.subjectPublicKeyInfo()))
                    .getSocketFactory()
                    .createSocket(plain, payee.ip(), payee.port(), true);
        ClientTls.configure(socket, false);
        socket.startHandshake();
      } catch (SSLHandshakeException e) {
        throw new ClientException("refusing " + where + ": " + rootMessage(e), e);
      } catch (IOException e) {
        throw new ClientException("no TLS with " + where + ": " + e.getMessage(), e);
      }
      try (socket) {
        LineIo.writeLine(socket.getOutputStream(), message);
        String reply =
            LineIo.readLine(
                new BufferedInputStream(socket.getInputStream()), ClientLimits.MAX_LINE_BYTES);
        if (reply == null) {
          throw new ClientException(
              where
                  + " closed without answering; outcome of payment "
                  + id
                  + " unknown (see HISTORY)");
        }
        return reply;
      } catch (SocketTimeoutException e) {
        throw new ClientException(
            where
                + " did not answer within "
                + ClientLimits.PEER_REPLY_TIMEOUT_MILLIS
                + " ms; outcome of payment "
                + id
                + " unknown (see HISTORY)",
            e);
      } catch (IOException e) {
        throw new ClientException(
            "payment "
                + id
                + " to "
                + where
                + " interrupted, outcome "
                + "unknown (see HISTORY): "
                + e.getMessage(),
            e);
      }
    } catch (IOException closing) {
      throw new ClientException(
          "closing the connection to " + where + ": " + closing.getMessage(), closing);
    }
  }

  private synchronized String requireSigner() throws ClientException {
    if (user == null) {
      throw new ClientException("log in first: a peer payment is signed by the logged-in account");
    }
    if (identity == null) {
      throw new ClientException("a peer payment needs your key (--key)");
    }
    return user;
  }

  private synchronized List<String> login(String line, TextCommand.Login login)
      throws IOException, ClientException {
    if (user != null || login.port() == 0) {
      // Already logged in: the server answers "Only one account can log in once!".
      return loggedIn(login.name(), connection.command(line), null);
    }
    if (identity == null) {
      throw new ClientException(
          "taking peer payments on port "
              + login.port()
              + " needs your "
              + "key (--key); log in with port 0 to take none");
    }
    PeerListener started;
    try {
      started =
          PeerListener.start(
              listenHost, login.port(), login.name(), identity, connection, peerEvents);
    } catch (IOException e) {
      throw new ClientException(
          "cannot take peer payments on "
              + listenHost
              + ":"
              + login.port()
              + ": "
              + e.getMessage()
              + " (not logged in)",
          e);
    }
    try {
      return loggedIn(login.name(), connection.command(line), started);
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /** Records the login if the reply is a listing; stops {@code started} otherwise. */
  private List<String> loggedIn(String name, List<String> reply, PeerListener started) {
    Optional<Listing> listing = user == null ? Listing.parse(reply) : Optional.empty();
    if (listing.isEmpty()) {
      if (started != null) {
        started.close();
      }
      return reply;
    }
    user = listing.get().find(name).map(Listing.Online::name).orElse(name);
    listener = started;
    if (started != null) {
      startKeepAlive(user);
    }
    return reply;
  }

  private void startKeepAlive(String self) {
    keepAlive =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "keepalive-" + self);
              thread.setDaemon(true);
              return thread;
            });
    long period = ClientLimits.KEEPALIVE_IDLE_MILLIS / 4;
    // The schedule runs until the executor is shut down with the connection: no handle needed.
    ScheduledFuture<?> unused =
        keepAlive.scheduleWithFixedDelay(
            () -> {
              if (connection.idleNanos()
                  < TimeUnit.MILLISECONDS.toNanos(ClientLimits.KEEPALIVE_IDLE_MILLIS)) {
                return;
              }
              try {
                connection.command("KEY#" + self);
              } catch (IOException | RuntimeException broken) {
                // The next real command reports the broken connection; nothing to keep alive now.
                throw new IllegalStateException(broken);
              }
            },
            period,
            period,
            TimeUnit.MILLISECONDS);
  }

  private synchronized void loggedOut() {
    user = null;
    if (keepAlive != null) {
      keepAlive.shutdownNow();
      keepAlive = null;
    }
    if (listener != null) {
      listener.close();
      listener = null;
    }
  }

  /** Whether a reply line is the server's (or a payee's) report of a completed payment. */
  public static boolean isPaymentOk(String reply) {
    return reply.equals(Replies.TRANS_OK) || reply.startsWith(Replies.TRANS_OK + " ");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** Stops the listener and closes the connection (the server logs the session out). */
  @Override
  public void close() {
    loggedOut();
    connection.close();
  }
}
