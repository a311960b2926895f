package io.paywire.protocol;

import io.paywire.session.SessionBackend;
import io.paywire.session.LoginThrottle;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One connection's state in the TLS text protocol: who is logged in, and whether that login was
 * proven by the connection's key. Lines go in, reply lines come out; the listener owns the
 * socket, framing and limits. The listener hands over one line at a time and waits for its
 * reply, so no two commands of a session ever run at once.
 */
public final class TextSession {

  /**
   * The connection as the listener saw it.
   *
   * @param clientKey SubjectPublicKeyInfo of the client certificate, or null if none was shown
   */
  public record Peer(String ip, byte[] clientKey, String sessionId) {}

  /** Reply lines, and whether the listener closes the connection after sending them. */
  public record Reply(List<String> lines, boolean close) {
    static Reply of(String line) {
      return new Reply(List.of(line), false);
    }
  }

  private final SessionBackend backend;
  private final TextParser parser;
  private final LoginThrottle throttle;
  private final Peer peer;
  /** The logged-in account's name as registered, or null. */
  private String user;
  /** True when the login was proven by the client certificate's key. */
  private boolean keyProven;

  public TextSession(SessionBackend backend, TextParser parser, LoginThrottle throttle,
      Peer peer) {
    this.backend = backend;
    this.parser = parser;
    this.throttle = throttle;
    this.peer = peer;
  }

  public String user() {
    return user;
  }

  public Future<Reply> handle(String line) {
    TextCommand command = parser.parse(line);
    if (command instanceof TextCommand.Register c) {
      return register(c);
    } else if (command instanceof TextCommand.Login c) {
      return login(c);
    } else if (command instanceof TextCommand.ListOnline) {
      return user == null ? Future.succeededFuture(Reply.of(Replies.LOGIN_FIRST)) : list();
    } else if (command instanceof TextCommand.Key c) {
      return key(c);
    } else if (command instanceof TextCommand.Pay c) {
      return pay(c);
    } else if (command instanceof TextCommand.Trans c) {
      return trans(c);
    } else if (command instanceof TextCommand.History c) {
      return history(c);
    } else if (command instanceof TextCommand.Help) {
      return Future.succeededFuture(counted(Replies.HELP));
    } else if (command instanceof TextCommand.Exit) {
      return close().map(v -> new Reply(List.of(Replies.BYE), true));
    }
    return invalid(((TextCommand.Invalid) command).reason());
  }

  /** Ends the session: its presence goes. Safe to call more than once. */
  public Future<Void> close() {
    if (user == null) {
      return Future.succeededFuture();
    }
    String leaving = user;
    user = null;
    keyProven = false;
    return backend.goOffline(leaving, peer.sessionId());
  }

  // ---- commands --------------------------------------------------------------------------------

  private Future<Reply> register(TextCommand.Register c) {
    byte[] key = peer.clientKey() == null ? new byte[0] : peer.clientKey();
    return backend.openAccount(c.name(), c.deposit(), key).map(reply -> Reply.of(
        ok(reply) ? Replies.REGISTERED : failure(Replies.REGISTER_FAILED, reply)));
  }

  /**
   * "No such user" and "wrong key" must look alike: both wait for the account look-up and both
   * answer the same line, and a failure counts against the address either way.
   */
  private Future<Reply> login(TextCommand.Login c) {
    if (user != null) {
      return Future.succeededFuture(Reply.of(Replies.ONE_LOGIN_PER_CONNECTION));
    }
    if (throttle.blocked(peer.ip())) {
      return backend.account(c.name()).map(ignored -> Reply.of(Replies.AUTH_FAILED));
    }
    return backend.account(c.name()).compose(reply -> {
      JsonObject account = ok(reply) ? reply.getJsonObject("account") : null;
      byte[] registeredKey = account == null ? null : decode(account.getString("publicKey"));
      boolean proven = registeredKey != null && peer.clientKey() != null
          && MessageDigest.isEqual(registeredKey, peer.clientKey());
      if (account == null || (registeredKey != null && !proven)) {
        throttle.failed(peer.ip());
        return Future.succeededFuture(Reply.of(Replies.AUTH_FAILED));
      }
      String name = account.getString("name");
      return backend.goOnline(name, peer.ip(), c.port(), peer.sessionId()).compose(online -> {
        if (!online) {
          return Future.succeededFuture(Reply.of(Replies.ALREADY_ONLINE));
        }
        user = name;
        keyProven = proven;
        return list();
      });
    });
  }

  /** Balance, number online, then one {@code name#ip#port} line each. */
  private Future<Reply> list() {
    String me = user;
    return backend.account(me).compose(reply -> {
      if (!ok(reply)) {
        return invalid(reason(reply));
      }
      long balance = reply.getJsonObject("account").getLong("balance");
      return backend.online().map(online -> {
        List<String> lines = new ArrayList<>(online.size() + 2);
        lines.add(Long.toString(balance));
        lines.add(Integer.toString(online.size()));
        online.forEach(o -> lines.add(o.name() + "#" + o.ip() + "#" + o.port()));
        return new Reply(lines, false);
      });
    });
  }

  private Future<Reply> key(TextCommand.Key c) {
    return backend.account(c.name()).compose(reply -> {
      if (!ok(reply)) {
        return invalid("no such account");
      }
      JsonObject account = reply.getJsonObject("account");
      if (account.getString("publicKey") == null) {
        return invalid(account.getString("name") + " has no key");
      }
      return Future.succeededFuture(Reply.of("KEY " + account.getString("name") + " "
          + account.getString("publicKey") + " " + account.getString("fingerprint")));
    });
  }

  /** A direct payment: the TLS handshake proved the payer's key, so no signature is needed. */
  private Future<Reply> pay(TextCommand.Pay c) {
    if (user == null || !keyProven) {
      return transFailed(user == null ? "log in first"
          : "PAY needs a login proven by the account's key (connect with its certificate)");
    }
    TransferId id = c.id() != null ? c.id() : backend.newTransferId();
    return backend.transfer(id, user, c.payee(), c.amount(), null, null).map(reply -> ok(reply)
        ? Reply.of(Replies.TRANS_OK + " " + reply.getJsonObject("transfer").getString("id")
            + " " + reply.getLong("payerBalance"))
        : Reply.of(failure(Replies.TRANS_FAILED, reply)));
  }

  /**
   * A peer payment forwarded by its payee. Both signatures are checked against the registered
   * keys before the ledger sees the transfer.
   */
  private Future<Reply> trans(TextCommand.Trans c) {
    if (user == null) {
      return transFailed("log in first");
    }
    if (!user.equalsIgnoreCase(c.payee())) {
      return transFailed("only the payee may submit this payment");
    }
    if (!keyProven) {
      return transFailed("TRANS needs a login proven by the payee's key");
    }
    Future<PublicKey> payer = backend.publicKey(c.payer());
    Future<PublicKey> payee = backend.publicKey(c.payee());
    return Future.all(payer, payee).compose(both -> {
      if (payer.result() == null || payee.result() == null) {
        return transFailed("UNKNOWN_ACCOUNT: payer and payee must be accounts with keys");
      }
      byte[] payerText = SignedText.signedByPayer(c.payer(), c.amount(), c.payee(), c.id());
      byte[] payeeText = SignedText.signedByPayee(c.payer(), c.amount(), c.payee(), c.id(),
          c.payerSignatureText());
      Future<Boolean> payerValid = backend.verify(payer.result(), payerText, c.payerSignature());
      Future<Boolean> payeeValid = backend.verify(payee.result(), payeeText, c.payeeSignature());
      return Future.all(payerValid, payeeValid).compose(checked -> {
        if (!payerValid.result() || !payeeValid.result()) {
          return transFailed("BAD_SIGNATURE: a signature does not verify");
        }
        return backend.transfer(c.id(), c.payer(), c.payee(), c.amount(), c.payerSignature(),
            c.payeeSignature()).map(reply -> Reply.of(ok(reply)
                ? Replies.TRANS_OK + " " + reply.getJsonObject("transfer").getString("id")
                : failure(Replies.TRANS_FAILED, reply)));
      });
    });
  }

  private Future<Reply> history(TextCommand.History c) {
    if (user == null) {
      return invalid("log in first");
    }
    return backend.history(user, c.count()).compose(reply -> {
      if (!ok(reply)) {
        return invalid(reason(reply));
      }
      JsonArray transfers = reply.getJsonArray("transfers");
      List<String> lines = new ArrayList<>(transfers.size());
      for (int i = 0; i < transfers.size(); i++) {
        JsonObject t = transfers.getJsonObject(i);
        lines.add(Instant.ofEpochMilli(t.getLong("timeMillis")) + "#" + t.getString("id") + "#"
            + t.getString("payer") + "#" + t.getString("payee") + "#" + t.getLong("amount"));
      }
      return Future.succeededFuture(counted(lines));
    });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static Reply counted(List<String> lines) {
    List<String> all = new ArrayList<>(lines.size() + 1);
    all.add(Integer.toString(lines.size()));
    all.addAll(lines);
    return new Reply(all, false);
  }

  private static boolean ok(JsonObject reply) {
    return reply.getBoolean("ok", false);
  }

  private static String reason(JsonObject reply) {
    return reply.getString("code") + ": " + reply.getString("reason");
  }

  private static String failure(String code, JsonObject reply) {
    return Replies.withReason(code, reason(reply));
  }

  private static byte[] decode(String base64) {
    return base64 == null ? null : Base64.getDecoder().decode(base64);
  }

  private static Future<Reply> invalid(String reason) {
    return Future.succeededFuture(Reply.of(Replies.withReason(Replies.INVALID, reason)));
  }

  private static Future<Reply> transFailed(String reason) {
    return Future.succeededFuture(Reply.of(Replies.withReason(Replies.TRANS_FAILED, reason)));
  }
}
