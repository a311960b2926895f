package io.paywire.compat;

import io.paywire.session.SessionBackend;
import io.paywire.session.LoginThrottle;
import io.paywire.ledger.AccountName;
import io.paywire.protocol.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;

/**
 * One connection of the original C++ client. Same ledger, presence and identity rules as the
 * TLS text protocol, in the original's dialect: replies without a trailing newline, and the
 * payment forward as RSA blocks instead of signatures over a text with an id.
 */
final class CompatSession {

  static final String HANDLER_ASSIGNED = "Handler assigned!";
  static final String INVALID = "The message is invalid, try again!";

  /** A reply and whether the listener closes the connection after it. */
  record Reply(String text, boolean close) {
    static Reply of(String text) {
      return new Reply(text, false);
    }
  }

  private final SessionBackend backend;
  private final LoginThrottle throttle;
  private final ReplayGuard replays;
  private final String ip;
  /** SubjectPublicKeyInfo of the required client certificate. */
  private final byte[] clientKey;
  private final String sessionId;
  private String user;
  private boolean keyProven;

  CompatSession(SessionBackend backend, LoginThrottle throttle, ReplayGuard replays, String ip,
      byte[] clientKey, String sessionId) {
    this.backend = backend;
    this.throttle = throttle;
    this.replays = replays;
    this.ip = ip;
    this.clientKey = clientKey;
    this.sessionId = sessionId;
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
      return user == null ? Future.succeededFuture(Reply.of(Replies.LOGIN_FIRST)) : list();
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
      if (port == 0 || (port >= 1024 && port <= 65535)) {
        return login(f[0], port);
      }
    }
    return Future.succeededFuture(Reply.of(INVALID));
  }

  Future<Void> close() {
    if (user == null) {
      return Future.succeededFuture();
    }
    String leaving = user;
    user = null;
    keyProven = false;
    return backend.goOffline(leaving, sessionId);
  }

  private Future<Reply> register(String name, String depositText) {
    if (!depositText.matches("-?\\d{1,18}")) {
      return Future.succeededFuture(Reply.of(Replies.REGISTER_FAILED));
    }
    return backend.openAccount(name, Long.parseLong(depositText), clientKey).map(reply ->
        Reply.of(ok(reply) ? Replies.REGISTERED : Replies.REGISTER_FAILED));
  }

  /** As in the text protocol: unknown user and wrong key look alike. */
  private Future<Reply> login(String name, int port) {
    if (user != null) {
      return Future.succeededFuture(Reply.of(Replies.ONE_LOGIN_PER_CONNECTION));
    }
    boolean blocked = throttle.blocked(ip);
    return backend.account(name).compose(reply -> {
      JsonObject account = ok(reply) ? reply.getJsonObject("account") : null;
      String registered = account == null ? null : account.getString("publicKey");
      byte[] registeredKey = registered == null ? null : Base64.getDecoder().decode(registered);
      boolean proven = registeredKey != null && MessageDigest.isEqual(registeredKey, clientKey);
      if (blocked || account == null || (registeredKey != null && !proven)) {
        if (!blocked) {
          throttle.failed(ip);
        }
        return Future.succeededFuture(Reply.of(Replies.AUTH_FAILED));
      }
      String canonical = account.getString("name");
      return backend.goOnline(canonical, ip, port, sessionId).compose(online -> {
        if (!online) {
          return Future.succeededFuture(Reply.of(Replies.ALREADY_ONLINE));
        }
        user = canonical;
        keyProven = proven;
        return list();
      });
    });
  }

  /** {@code balance\ncount\n} and {@code name#ip#port\n} per user online. */
  private Future<Reply> list() {
    return backend.account(user).compose(reply -> {
      if (!ok(reply)) {
        return Future.succeededFuture(Reply.of(INVALID));
      }
      long balance = reply.getJsonObject("account").getLong("balance");
      return backend.online().map(online -> {
        StringBuilder text = new StringBuilder().append(balance).append('\n')
            .append(online.size()).append('\n');
        online.forEach(o -> text.append(o.name()).append('#').append(o.ip()).append('#')
            .append(o.port()).append('\n'));
        return Reply.of(text.toString());
      });
    });
  }

  private Future<Reply> trans(CompatFramer.Trans message) {
    String[] f = message.header().split("#", -1);
    if (f.length != 4 || !f[2].matches("\\d{1,18}") || f[1].isEmpty() || f[3].isEmpty()) {
      return Future.succeededFuture(Reply.of(Replies.TRANS_FAILED));
    }
    String payer = f[1];
    long amount = Long.parseLong(f[2]);
    String payee = f[3];
    if (user == null || !keyProven || !AccountName.key(user).equals(AccountName.key(payee))) {
      return Future.succeededFuture(Reply.of(Replies.TRANS_FAILED));
    }
    LegacyTrans.Forward forward = new LegacyTrans.Forward(payer, amount, payee,
        message.header().substring(CompatFramer.TRANS_PREFIX.length()), message.blocks());
    Future<PublicKey> payerKey = backend.publicKey(payer);
    Future<PublicKey> payeeKey = backend.publicKey(payee);
    return Future.all(payerKey, payeeKey)
        .compose(keys -> payerKey.result() == null || payeeKey.result() == null
            ? Future.succeededFuture(false)
            : backend.verifyWith(() -> LegacyTrans.verify(forward, payerKey.result(),
                payeeKey.result())))
        .compose(valid -> {
          if (!valid || !replays.reserve(message.wholeMessage(), payee)) {
            return Future.succeededFuture(Reply.of(Replies.TRANS_FAILED));
          }
          byte[] payerBlock = LegacyTrans.payerBlock(forward, payeeKey.result());
          io.paywire.ledger.TransferId id = replays.transferId(message.wholeMessage());
          return backend.transfer(id, payer, payee, amount, payerBlock, message.blocks())
              .map(reply -> {
                if (!ok(reply)) {
                  replays.release(message.wholeMessage()); // nothing moved: it may be retried
                  return Reply.of(Replies.TRANS_FAILED);
                }
                if (reply.getBoolean("duplicate", false)) {
                  replays.refusedByLedger(payee, id);
                  return Reply.of(Replies.TRANS_FAILED);
                }
                return Reply.of(Replies.TRANS_OK);
              });
        });
  }

  private static boolean ok(JsonObject reply) {
    return reply.getBoolean("ok", false);
  }
}
