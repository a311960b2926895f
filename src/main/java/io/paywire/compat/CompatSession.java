package io.paywire.compat;

import io.paywire.crypto.PublicKeys;
import io.paywire.ledger.AccountName;
import io.paywire.ledger.TransferId;
import io.paywire.net.LogRate;
import io.paywire.protocol.Replies;
import io.paywire.session.Payment;
import io.paywire.session.Proof;
import io.paywire.session.Refusal;
import io.paywire.session.Result;
import io.paywire.session.Session;
import io.paywire.session.Views;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The original C++ client's dialect over the session core: replies without a trailing newline, the
 * original strings only, and the payment forward as RSA blocks instead of signatures over a text
 * with an id. No rule lives here except what only this dialect has: the forward's format and the id
 * it is given (docs/protocol.md): the same forward bytes pay at most once, ever, or with
 * compat.forwardReplay {@code perLogin} once per login of the payer.
 */
final class CompatSession {

  static final String HANDLER_ASSIGNED = "Handler assigned!";
  static final String INVALID = "The message is invalid, try again!";
  static final int MAX_PORT = 65_535;

  /** A reply and whether the listener closes the connection after it. */
  record Reply(String text, boolean close) {
    static Reply of(String text) {
      return new Reply(text, false);
    }
  }

  private static final System.Logger LOG = System.getLogger(CompatSession.class.getName());

  /** Lines an outsider can cause at will: the first of a kind, then a count per interval. */
  private static final LogRate OUTSIDER_LOG = LogRate.nodeWide(LOG);

  private static final byte[] FORWARD_PER_LOGIN_DOMAIN =
      "paywire-compat-forward-v2".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FORWARD_ONCE_DOMAIN =
      "paywire-compat-forward-once-v1".getBytes(StandardCharsets.US_ASCII);

  /**
   * The answer to a forward whose exact bytes paid before. The original client's forwards are
   * deterministic, so a repeated payment cannot be told from a replay: it never pays twice.
   */
  static final String REPEATED =
      Replies.TRANS_FAILED
          + " REPEATED: this exact payment (payer, "
          + "amount, payee) was made before, and identical payments are taken once; to pay again, "
          + "change the amount";

  private final Session session;
  private final int maxListedUsers;
  private final boolean forwardOncePerLogin;

  CompatSession(Session session, int maxListedUsers, boolean forwardOncePerLogin) {
    this.session = session;
    this.maxListedUsers = maxListedUsers;
    this.forwardOncePerLogin = forwardOncePerLogin;
  }

  /** Whether the message changes the session (register, login, exit): ordered alone. */
  static boolean changesSession(CompatFramer.Result message) {
    if (!(message instanceof CompatFramer.Text text)) {
      return false;
    }
    return !text.text().equals("LIST");
  }

  Future<Reply> handle(CompatFramer.Result message) {
    if (message instanceof CompatFramer.Trans trans) {
      return trans(trans);
    }
    if (!(message instanceof CompatFramer.Text text)) {
      return Future.succeededFuture(Reply.of(INVALID));
    }
    String line = text.text();
    if (line.equals("LIST")) {
      return list();
    }
    if (line.equals("EXIT")) {
      return close().map(v -> new Reply(Replies.BYE, true));
    }
    String[] f = line.split("#", -1);
    if (f.length == 3 && f[0].equals("REGISTER")) {
      return register(f[1], f[2]);
    }
    if (f.length == 2 && !f[0].isEmpty() && f[1].matches("\\d{1,5}")) {
      int port = Integer.parseInt(f[1]);
      // Any port, as the original server: it logged users in with ports below 1024 too, and
      // its client reads any other answer as a list and believes it is logged in.
      if (port <= MAX_PORT) {
        return login(f[0], port);
      }
    }
    return Future.succeededFuture(Reply.of(INVALID));
  }

  Future<Void> close() {
    return session.close();
  }

  private Future<Reply> register(String name, String depositText) {
    if (!depositText.matches("-?\\d{1,18}")) {
      return Future.succeededFuture(Reply.of(Replies.REGISTER_FAILED));
    }
    // The forward is RSA only: an account bound to another key could never pay from here.
    byte[] key = session.peer().tlsKey();
    if (key == null || PublicKeys.typeOf(key).orElse(null) != PublicKeys.Type.RSA) {
      return Future.succeededFuture(Reply.of(Replies.REGISTER_FAILED));
    }
    return session
        .register(name, Long.parseLong(depositText), session.peer().tlsKey())
        .map(
            r ->
                Reply.of(r instanceof Result.Ok<?> ? Replies.REGISTERED : Replies.REGISTER_FAILED));
  }

  private Future<Reply> login(String name, int port) {
    return session
        .login(name, port, new Proof.TlsHandshake())
        .compose(
            r -> {
              if (r instanceof Result.Ok<Views.Login>) {
                return list();
              }
              return Future.succeededFuture(
                  Reply.of(
                      switch (((Result.Refused<?>) r).refusal().code()) {
                        case Refusal.ALREADY_ONLINE -> Replies.ALREADY_ONLINE;
                        case Refusal.ALREADY_LOGGED_IN -> Replies.ONE_LOGIN_PER_CONNECTION;
                        case Refusal.AUTH_FAIL -> Replies.AUTH_FAILED;
                        default -> INVALID;
                      }));
            });
  }

  /** {@code balance\ncount\n} and {@code name#ip#port\n} per user online, up to the cap. */
  private Future<Reply> list() {
    return session
        .online(0, maxListedUsers)
        .map(
            r -> {
              if (!(r instanceof Result.Ok<Views.OnlinePage> ok)) {
                return Reply.of(
                    ((Result.Refused<?>) r).refusal().code().equals(Refusal.LOGIN_FIRST)
                        ? Replies.LOGIN_FIRST
                        : INVALID);
              }
              StringBuilder text =
                  new StringBuilder()
                      .append(ok.value().balance())
                      .append('\n')
                      .append(ok.value().users().size())
                      .append('\n');
              ok.value()
                  .users()
                  .forEach(
                      o ->
                          text.append(o.name())
                              .append('#')
                              .append(o.ip())
                              .append('#')
                              .append(o.port())
                              .append('\n'));
              return Reply.of(text.toString());
            });
  }

  private Future<Reply> trans(CompatFramer.Trans message) {
    String[] f = message.header().split("#", -1);
    if (f.length != 4
        || !f[2].matches("\\d{1,18}")
        || !AccountName.isValid(f[1])
        || !AccountName.isValid(f[3])) {
      return refused("malformed", null, null, null); // nothing of it logged: unchecked bytes
    }
    String payer = f[1];
    long amount = Long.parseLong(f[2]);
    String payee = f[3];
    byte[] bytes = message.wholeMessage();
    LegacyTrans.Forward forward =
        new LegacyTrans.Forward(
            payer,
            amount,
            payee,
            message.header().substring(CompatFramer.TRANS_PREFIX.length()),
            message.blocks());
    TransferId onceId = forwardId(null, bytes);
    return session
        .payForward(
            payer,
            payee,
            amount,
            onceId,
            login -> forwardOncePerLogin ? forwardId(login, bytes) : onceId,
            (payerKey, payeeKey) -> {
              byte[] payerBlock = LegacyTrans.verifiedPayerBlock(forward, payerKey, payeeKey);
              return payerBlock == null ? null : new Session.Proofs(payerBlock, message.blocks());
            })
        .compose(
            payment -> {
              if (payment instanceof Payment.Paid paid) {
                if (!paid.duplicate()) {
                  return Future.succeededFuture(Reply.of(Replies.TRANS_OK));
                }
                return refused("repeated", payer, payee, payment.id())
                    .map(failed -> forwardOncePerLogin ? failed : Reply.of(REPEATED));
              }
              if (payment instanceof Payment.Refused r) {
                return refused(
                    r.refusal().code().toLowerCase(Locale.ROOT), payer, payee, payment.id());
              }
              // The original has no line for "unknown": TRANS FAIL, logged with the id. A resend
              // of the same bytes gets the same id: never applied twice.
              return refused("unknown", payer, payee, payment.id());
            });
  }

  /**
   * The transfer id of a forward: the same bytes always get the same id, so the ledger applies them
   * at most once, on any node, after any restart. With {@code payerLogin} (the payer's login token,
   * when compat.forwardReplay is "perLogin") the id is bound to that login too, and a new login
   * gives the same bytes a new one.
   */
  static TransferId forwardId(String payerLogin, byte[] message) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(payerLogin == null ? FORWARD_ONCE_DOMAIN : FORWARD_PER_LOGIN_DOMAIN);
      if (payerLogin != null) {
        byte[] login = payerLogin.getBytes(StandardCharsets.UTF_8);
        sha256.update(ByteBuffer.allocate(4).putInt(login.length).array());
        sha256.update(login);
      }
      ByteBuffer digest = ByteBuffer.wrap(sha256.digest(message));
      return new TransferId(digest.getLong(), digest.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static Future<Reply> refused(String reason, String payer, String payee, TransferId id) {
    String kind = "event=compat_transfer_refused reason=" + reason;
    OUTSIDER_LOG.log(
        Level.WARNING, kind, kind + " payer=" + payer + " payee=" + payee + " id=" + id);
    return Future.succeededFuture(Reply.of(Replies.TRANS_FAILED));
  }
}
