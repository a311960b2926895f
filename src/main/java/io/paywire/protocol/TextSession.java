package io.paywire.protocol;

import io.paywire.bus.LedgerViews;
import io.paywire.ledger.TransferId;
import io.paywire.session.Payment;
import io.paywire.session.Proof;
import io.paywire.session.Refusal;
import io.paywire.session.Result;
import io.paywire.session.Session;
import io.paywire.session.Views;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The TLS text protocol's codec over the session core: a parsed line becomes a call on the
 * connection's {@link Session}, and its typed answer becomes reply lines in the protocol's dialect
 * (docs/protocol.md). No rule lives here; the listener owns the socket, framing, ordering and
 * limits.
 */
public final class TextSession {

  /** Reply lines, and whether the listener closes the connection after sending them. */
  public record Reply(List<String> lines, boolean close) {
    static Reply of(String line) {
      return new Reply(List.of(line), false);
    }
  }

  private final Session session;
  private final TextParser parser;
  private final int maxListedUsers;

  /**
   * @param maxListedUsers users shown by one LIST (text.maxListedUsers)
   */
  public TextSession(Session session, TextParser parser, int maxListedUsers) {
    this.session = session;
    this.parser = parser;
    this.maxListedUsers = maxListedUsers;
  }

  public String user() {
    return session.user();
  }

  public TextCommand parse(String line) {
    return parser.parse(line);
  }

  public Future<Reply> handle(String line) {
    return handle(parser.parse(line));
  }

  public Future<Reply> handle(TextCommand command) {
    if (command instanceof TextCommand.Register c) {
      byte[] key = session.peer().tlsKey();
      return session
          .register(c.name(), c.deposit(), key)
          .map(
              r ->
                  Reply.of(
                      r instanceof Result.Refused<?> no
                          ? failure(Replies.REGISTER_FAILED, no.refusal())
                          : Replies.REGISTERED));
    } else if (command instanceof TextCommand.Login c) {
      return login(c);
    } else if (command instanceof TextCommand.ListOnline c) {
      return list(c.offset());
    } else if (command instanceof TextCommand.Key c) {
      return session
          .key(c.name())
          .map(
              r ->
                  r instanceof Result.Ok<Views.Key> ok
                      ? Reply.of(
                          "KEY "
                              + ok.value().name()
                              + " "
                              + Base64.getEncoder().encodeToString(ok.value().publicKey())
                              + " "
                              + ok.value().fingerprint())
                      : invalid(((Result.Refused<?>) r).refusal()));
    } else if (command instanceof TextCommand.Pay c) {
      return session.pay(c.id(), c.payee(), c.amount()).map(p -> payment(p, true));
    } else if (command instanceof TextCommand.Trans c) {
      return session
          .payCountersigned(
              new Session.Countersigned(
                  c.id(),
                  c.payer(),
                  c.payee(),
                  c.amount(),
                  (payerKey, payeeKey) ->
                      SignedText.verifyBoth(payerKey, payeeKey, c)
                          ? new Session.Proofs(c.payerSignature(), c.payeeSignature())
                          : null))
          .map(p -> payment(p, false));
    } else if (command instanceof TextCommand.History c) {
      return history(c);
    } else if (command instanceof TextCommand.Help) {
      return Future.succeededFuture(counted(Replies.HELP));
    } else if (command instanceof TextCommand.Exit) {
      return session.close().map(v -> new Reply(List.of(Replies.BYE), true));
    }
    return Future.succeededFuture(
        Reply.of(Replies.withReason(Replies.INVALID, ((TextCommand.Invalid) command).reason())));
  }

  /** Ends the session: its presence goes. Safe to call more than once. */
  public Future<Void> close() {
    return session.close();
  }

  // ---- replies ---------------------------------------------------------------------------------

  private Future<Reply> login(TextCommand.Login c) {
    return session
        .login(c.name(), c.port(), new Proof.TlsHandshake())
        .compose(
            r -> {
              if (r instanceof Result.Ok<Views.Login>) {
                return list(0);
              }
              Refusal refusal = ((Result.Refused<?>) r).refusal();
              return Future.succeededFuture(
                  Reply.of(
                      switch (refusal.code()) {
                        case Refusal.AUTH_FAIL -> Replies.AUTH_FAILED;
                        case Refusal.ALREADY_ONLINE -> Replies.ALREADY_ONLINE;
                        case Refusal.ALREADY_LOGGED_IN -> Replies.ONE_LOGIN_PER_CONNECTION;
                        default -> failure(Replies.INVALID, refusal);
                      }));
            });
  }

  /** Balance, the number of lines that follow, then one {@code name#ip#port} line each. */
  private Future<Reply> list(int offset) {
    return session
        .online(offset, maxListedUsers)
        .map(
            r -> {
              if (!(r instanceof Result.Ok<Views.OnlinePage> ok)) {
                Refusal refusal = ((Result.Refused<?>) r).refusal();
                return Reply.of(
                    refusal.code().equals(Refusal.LOGIN_FIRST)
                        ? Replies.LOGIN_FIRST
                        : failure(Replies.INVALID, refusal));
              }
              Views.OnlinePage page = ok.value();
              List<String> lines = new ArrayList<>(page.users().size() + 2);
              lines.add(Long.toString(page.balance()));
              lines.add(Integer.toString(page.users().size()));
              page.users().forEach(o -> lines.add(o.name() + "#" + o.ip() + "#" + o.port()));
              return new Reply(lines, false);
            });
  }

  private Future<Reply> history(TextCommand.History c) {
    return session
        .history(0, c.count())
        .map(
            r -> {
              if (!(r instanceof Result.Ok<LedgerViews.History> ok)) {
                return invalid(((Result.Refused<?>) r).refusal());
              }
              List<String> lines = new ArrayList<>(ok.value().transfers().size());
              for (LedgerViews.Transfer t : ok.value().transfers()) {
                lines.add(
                    Instant.ofEpochMilli(t.timeMillis())
                        + "#"
                        + t.id()
                        + "#"
                        + t.payer()
                        + "#"
                        + t.payee()
                        + "#"
                        + t.amount());
              }
              return counted(lines);
            });
  }

  /**
   * {@code TRANS OK <id> <payer balance>} for a direct payment, {@code TRANS OK <id>} for a
   * countersigned one; {@code TRANS FAIL <CODE> <id>: <reason>} when refused, and {@code TRANS FAIL
   * UNKNOWN <id>: retry with the same id} when the node does not know.
   */
  static Reply payment(Payment payment, boolean withBalance) {
    TransferId id = payment.id();
    if (payment instanceof Payment.Paid paid) {
      return Reply.of(Replies.TRANS_OK + " " + id + (withBalance ? " " + paid.payerBalance() : ""));
    }
    if (payment instanceof Payment.Refused refused) {
      return Reply.of(
          Replies.TRANS_FAILED
              + " "
              + refused.refusal().code()
              + " "
              + id
              + ": "
              + refused.refusal().reason());
    }
    return Reply.of(
        Replies.TRANS_FAILED
            + " "
            + Replies.UNKNOWN_OUTCOME
            + " "
            + id
            + ": retry with the same id");
  }

  private static Reply counted(List<String> lines) {
    List<String> all = new ArrayList<>(lines.size() + 1);
    all.add(Integer.toString(lines.size()));
    all.addAll(lines);
    return new Reply(all, false);
  }

  private static String failure(String code, Refusal refusal) {
    return Replies.withReason(code, refusal.code() + ": " + refusal.reason());
  }

  private static Reply invalid(Refusal refusal) {
    return Reply.of(failure(Replies.INVALID, refusal));
  }
}
