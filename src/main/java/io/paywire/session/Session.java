package io.paywire.session;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.crypto.EcdsaFormats;
import io.paywire.ledger.AccountName;
import io.paywire.ledger.RejectCode;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One client's session: at most one login, owned presence, and the rules of who may do what. Used
 * from one Vert.x context (the connection's). Commands that change the session (register, login,
 * logout, close) should not overlap with others of the same session; entry points order them
 * (docs/protocol.md, pipelining), and the session refuses a second login while one is in flight.
 * Payments and reads may run concurrently.
 */
public final class Session {

  /** The two signatures of a countersigned payment, as the journal keeps them for proof. */
  public record Proofs(byte[] payerSignature, byte[] payeeSignature) {}

  /**
   * Checks both signatures of a countersigned payment against the registered keys, in the dialect's
   * own format, and returns what the journal keeps as proof, or null when they do not verify. Runs
   * on a worker thread, once.
   */
  @FunctionalInterface
  public interface Countersignatures {
    Proofs verify(PublicKey payerKey, PublicKey payeeKey) throws Exception;
  }

  /**
   * A payment signed by its payer and submitted by its payee (the peer-to-peer payment of the
   * original program).
   */
  public record Countersigned(
      TransferId id, String payer, String payee, long amount, Countersignatures check) {}

  /**
   * A payment authorised by the payer's signature alone (HTTP API, browser console): the entry
   * point makes sure {@code signedBytes} bind payer, payee, amount and id in its format.
   *
   * @param proof what the journal keeps as the payer's proof (the signature, or a whole signed
   *     token that lets anyone check it later)
   * @param keyFits whether the payer's registered key is one this format may be verified with (a
   *     token naming RS256 must not be checked with an EC key)
   */
  public record PayerSigned(
      TransferId id,
      String payer,
      String payee,
      long amount,
      byte[] signedBytes,
      byte[] signature,
      byte[] proof,
      Predicate<PublicKey> keyFits) {}

  private final Sessions sessions;
  private final Peer peer;

  /** The owner of this session's presence entry: new at every login (read by other threads). */
  private volatile String id;

  /** The logged-in account's name as registered, or null. */
  private String user;

  private boolean keyProven;
  private boolean loginInFlight;
  private boolean closed;

  Session(Sessions sessions, Peer peer, String id) {
    this.sessions = sessions;
    this.peer = peer;
    this.id = id;
  }

  /**
   * Unique per login of this session (and per session before any login): the owner of its presence
   * entry, so a stale logout never removes a newer login's entry.
   */
  public String id() {
    return id;
  }

  public Peer peer() {
    return peer;
  }

  /** The logged-in account as registered, or null. */
  public String user() {
    return user;
  }

  public boolean keyProven() {
    return keyProven;
  }

  // ---- accounts and login ----------------------------------------------------------------------

  /**
   * What a client asks for when it registers, as its entry point read it.
   *
   * @param deposit the opening balance the client states, or null; the node's deposit policy
   *     decides whether it counts ({@link RegistrationPolicy})
   * @param publicKey SubjectPublicKeyInfo, or null for an account without a key
   * @param enrollmentPassword the one-time enrollment password, or null
   */
  public record Registration(
      String name, Long deposit, byte[] publicKey, String enrollmentPassword) {}

  /**
   * Opens an account for an entry point that carries no enrollment password (the text protocol, the
   * compatibility listener). With enrollment on, it is refused at once, the same way for every
   * name, with {@link Refusal#ENROLLMENT_REQUIRED}, which says where to register instead.
   */
  public Future<Result<LedgerViews.Registration>> register(
      String name, Long deposit, byte[] publicKey) {
    if (sessions.shared().registration().enrollment() != null) {
      return refused(
          Refusal.ENROLLMENT_REQUIRED,
          "this node admits enrolled users only: "
              + "register by the HTTPS API (POST /register) or the browser console, with your "
              + "enrollment password");
    }
    return register(() -> new Registration(name, deposit, publicKey, null));
  }

  /**
   * Opens an account. The address's registration rate is checked first, before any work; {@code
   * open} (the entry point's decoding, which may decrypt; null when the request cannot be read)
   * then runs on the registration workers, and with enrollment on so does one Argon2id hash,
   * whatever {@code open} returned. An unreadable request and one enrollment does not admit get the
   * same refusal ({@link Refusal#REGISTRATION_REFUSED}) after the same work. Then the name rules
   * ({@link Names}), the deposit policy, and the ledger's own rules.
   */
  public Future<Result<LedgerViews.Registration>> register(Callable<Registration> open) {
    if (closed) {
      return refused(Refusal.CLOSED, "session closed");
    }
    Refusal limited = Sessions.limited(sessions.shared().limits().registrations(), peer.ip());
    if (limited != null) {
      return Future.succeededFuture(new Result.Refused<>(limited));
    }
    RegistrationPolicy policy = sessions.shared().registration();
    return sessions
        .registrationWork(
            () -> {
              Registration request = open.call();
              Enrollment enrollment = policy.enrollment();
              if (enrollment == null) {
                return request;
              }
              // Always one hash, so an unreadable request takes as long as a wrong password.
              boolean admitted =
                  enrollment.admits(
                      request == null ? null : request.name(),
                      request == null ? null : request.enrollmentPassword());
              return admitted ? request : null;
            })
        .compose(
            request -> {
              if (request == null) {
                return refused(
                    Refusal.REGISTRATION_REFUSED,
                    "the registration could not be read, or enrollment did not admit it");
              }
              var problem = Names.problemWith(request.name());
              if (problem.isPresent()) {
                return refused(Refusal.INVALID_NAME, problem.get());
              }
              return sessions
                  .ledger()
                  .openAccount(
                      request.name(), policy.depositFor(request.deposit()), request.publicKey())
                  .map(
                      reply ->
                          reply instanceof LedgerReply.Ok<LedgerViews.Registration> ok
                              ? Result.ok(ok.value())
                              : Session.<LedgerViews.Registration>refusedRead(reply));
            },
            failure ->
                refused(
                    failure instanceof WorkerPool.Busy ? Refusal.BUSY : Refusal.UNAVAILABLE,
                    failure instanceof WorkerPool.Busy
                        ? "the node is busy with other registrations; retry " + "in a moment"
                        : "the registration could not be processed"));
  }

  /**
   * Logs in. Unknown account, wrong key, bad or stale proof, and an address over its failed-login
   * limit all answer {@link Refusal#AUTH_FAIL} after the same account look-up.
   *
   * @param port where the client takes peer payments, or 0
   */
  public Future<Result<Views.Login>> login(String name, int port, Proof proof) {
    return login(name, port, proof, null);
  }

  /**
   * Logs in, and when the account is online already through this same entry point, lets a login
   * proven by the account's key replace that one: the newest proof of key wins. So a client that
   * crashed, or a browser tab closed without logging out, does not lock its account out until the
   * old login expires. A login through another entry point is never replaced.
   *
   * @param replaced told the presence owner ({@link #id()}) of the login this one replaced, so the
   *     entry point can end that session; null to refuse as {@link #login(String, int, Proof)} does
   */
  public Future<Result<Views.Login>> login(
      String name, int port, Proof proof, Consumer<String> replaced) {
    if (closed) {
      return refused(Refusal.CLOSED, "session closed");
    }
    if (user != null && !loginInFlight && proof instanceof Proof.Name && sessions.sandbox()) {
      // A sandbox's dialect logs in again on the same connection, to change the port or the name.
      return logout().compose(v -> login(name, port, proof, replaced));
    }
    if (user != null || loginInFlight) {
      return refused(Refusal.ALREADY_LOGGED_IN, "this session is logged in already");
    }
    if (proof instanceof Proof.SignedChallenge) {
      Refusal limited = Sessions.limited(sessions.shared().limits().logins(), peer.ip());
      if (limited != null) {
        return Future.succeededFuture(new Result.Refused<>(limited));
      }
    }
    loginInFlight = true;
    LoginThrottle throttle = sessions.shared().throttle();
    String throttled = ClientAddress.key(peer.ip());
    boolean blocked = !throttle.tryAttempt(throttled, name);
    return sessions
        .ledger()
        .account(name)
        .compose(
            reply -> {
              if (reply instanceof LedgerReply.Unknown<LedgerViews.Account> unknown) {
                if (!blocked) {
                  throttle.refund(throttled, name); // the node's failure, not the user's
                }
                return refused(Refusal.UNAVAILABLE, unknown.reason());
              }
              LedgerViews.Account account =
                  reply instanceof LedgerReply.Ok<LedgerViews.Account> ok ? ok.value() : null;
              return proven(account, name, proof)
                  .compose(
                      proof2 -> {
                        if (blocked || account == null || proof2 == ProofCheck.FAILED) {
                          return refused(Refusal.AUTH_FAIL, "unknown account or wrong key");
                        }
                        throttle.refund(throttled, name);
                        return goOnline(account, port, proof2, replaced);
                      },
                      failure -> {
                        if (!blocked) {
                          throttle.refund(throttled, name); // the node's failure, not the user's
                        }
                        return refused(
                            failure instanceof WorkerPool.Busy ? Refusal.BUSY : Refusal.UNAVAILABLE,
                            "the login could not be checked now; retry in a moment");
                      });
            })
        .onComplete(done -> loginInFlight = false);
  }

  private enum ProofCheck {
    PROVEN,
    NOT_NEEDED,
    /** A name alone, on a sandbox: logs in, and moves the name from another connection. */
    NAME_ONLY,
    FAILED
  }

  private Future<ProofCheck> proven(LedgerViews.Account account, String name, Proof proof) {
    if (proof instanceof Proof.SignedChallenge signed) {
      // The nonce is used up even for an unknown account, so each costs one attempt.
      boolean live = sessions.shared().challenges().consume(name, signed.nonce());
      if (account == null || !account.hasKey() || !live) {
        // One signature check all the same, so an unknown name answers after the same work as
        // a wrong signature (HTTP login replies must not tell the two apart, even by time).
        return sessions
            .check(
                () ->
                    EcdsaFormats.verifyAnyEncoding(
                        Decoys.forSignature(signed.signature().length),
                        signed.nonce(),
                        signed.signature()))
            .map(ignored -> ProofCheck.FAILED);
      }
      return sessions
          .publicKey(account.name())
          .compose(
              key ->
                  key == null
                      ? Future.succeededFuture(ProofCheck.FAILED)
                      : sessions
                          .check(
                              () ->
                                  EcdsaFormats.verifyAnyEncoding(
                                      key, signed.nonce(), signed.signature()))
                          .map(
                              ok ->
                                  Boolean.TRUE.equals(ok) ? ProofCheck.PROVEN : ProofCheck.FAILED));
    }
    if (account == null) {
      return Future.succeededFuture(ProofCheck.FAILED);
    }
    if (proof instanceof Proof.Name) {
      return Future.succeededFuture(sessions.sandbox() ? ProofCheck.NAME_ONLY : ProofCheck.FAILED);
    }
    if (!account.hasKey()) {
      return Future.succeededFuture(ProofCheck.NOT_NEEDED); // as in the original program
    }
    boolean same =
        peer.tlsKey() != null && MessageDigest.isEqual(account.publicKey(), peer.tlsKey());
    return Future.succeededFuture(same ? ProofCheck.PROVEN : ProofCheck.FAILED);
  }

  private Future<Result<Views.Login>> goOnline(
      LedgerViews.Account account, int port, ProofCheck check, Consumer<String> replaced) {
    String name = account.name();
    boolean proven = check == ProofCheck.PROVEN;
    Presence presence = sessions.presenceWriter();
    id = UUID.randomUUID().toString(); // a new login token, never shown to a client
    Presence.Entry entry =
        new Presence.Entry(
            name,
            peer.ip(),
            port,
            sessions.shared().node(),
            peer.via(),
            id,
            sessions.shared().clockMillis().getAsLong(),
            account.number());
    Future<Boolean> wentOnline = presence.login(entry);
    if (replaced != null && (proven || check == ProofCheck.NAME_ONLY)) {
      wentOnline =
          wentOnline.compose(
              online ->
                  online
                      ? Future.succeededFuture(true)
                      : presence
                          .entry(name)
                          .compose(
                              existing -> {
                                if (existing == null || !existing.via().equals(peer.via())) {
                                  return Future.succeededFuture(false);
                                }
                                return presence
                                    .logoutSession(name, existing.session())
                                    .compose(removed -> presence.login(entry))
                                    .andThen(
                                        done -> {
                                          if (Boolean.TRUE.equals(done.result())) {
                                            replaced.accept(existing.session());
                                          }
                                        });
                              }));
    }
    return wentOnline.compose(
        online -> {
          if (!online) {
            return refused(Refusal.ALREADY_ONLINE, "the account is logged in elsewhere");
          }
          if (closed) {
            // Closed while the login was in flight: the entry must not outlive the session.
            return presence
                .logoutSession(name, id)
                .transform(v -> refused(Refusal.CLOSED, "session closed"));
          }
          user = name;
          keyProven = proven;
          return Future.succeededFuture(Result.ok(new Views.Login(name, proven)));
        });
  }

  /** Logs out, keeping the session open; nothing happens if no one is logged in. */
  public Future<Void> logout() {
    if (user == null) {
      return Future.succeededFuture();
    }
    String leaving = user;
    user = null;
    keyProven = false;
    return sessions.presenceWriter().logoutSession(leaving, id).mapEmpty();
  }

  /**
   * Ends the session: its presence goes, now or, for a login still in flight, when that login
   * returns. Safe to call more than once.
   */
  public Future<Void> close() {
    if (!closed) {
      closed = true;
      sessions.shared().events().closed(peer.via());
    }
    return logout();
  }

  // ---- reads -----------------------------------------------------------------------------------

  /**
   * An opaque token of {@code name}'s current login, wherever it is, or null when the account is
   * not logged in. Every login gets a new one, and no client ever sees it. It lets a dialect whose
   * signed payments carry no id bind one to the payer's login (the compatibility listener).
   */
  public Future<String> loginTokenOf(String name) {
    return sessions.presenceWriter().entry(name).map(e -> e == null ? null : e.session());
  }

  /**
   * Whether {@code account} may hear of {@code transfer} as it is applied (the live channel's
   * events): its payer and its payee may, nobody else. A static rule, so an entry point may ask it
   * from any thread for any of its logins.
   */
  public static boolean mayObserve(String account, LedgerViews.Transfer transfer) {
    String key = AccountName.key(account);
    return key.equals(AccountName.key(transfer.payer()))
        || key.equals(AccountName.key(transfer.payee()));
  }

  /** The caller's balance and who is online, {@code limit} from {@code offset}. */
  public Future<Result<Views.OnlinePage>> online(int offset, int limit) {
    if (user == null) {
      return refused(Refusal.LOGIN_FIRST, "log in first");
    }
    return sessions
        .ledger()
        .account(user)
        .map(
            reply -> {
              if (!(reply instanceof LedgerReply.Ok<LedgerViews.Account> ok)) {
                return refusedRead(reply);
              }
              PresenceView view = sessions.presence();
              int total = view.count();
              List<Views.Online> users =
                  view.page(offset, limit).stream()
                      .map(e -> new Views.Online(e.name(), e.ip(), e.port(), e.via()))
                      .toList();
              return Result.ok(new Views.OnlinePage(ok.value().balance(), total, offset, users));
            });
  }

  /**
   * An account's registered key. Needs a login, and answers "no such account" and "no key" alike,
   * so it cannot be used to probe for accounts.
   */
  public Future<Result<Views.Key>> key(String name) {
    if (user == null) {
      return refused(Refusal.LOGIN_FIRST, "log in first");
    }
    return sessions
        .ledger()
        .account(name)
        .map(
            reply -> {
              if (reply instanceof LedgerReply.Ok<LedgerViews.Account> ok && ok.value().hasKey()) {
                LedgerViews.Account a = ok.value();
                return Result.ok(new Views.Key(a.name(), a.publicKey(), a.fingerprint()));
              }
              if (reply instanceof LedgerReply.Unknown<LedgerViews.Account> unknown) {
                return Result.refused(Refusal.UNAVAILABLE, unknown.reason());
              }
              return Result.refused(Refusal.NO_KEY, "no account of that name with a key");
            });
  }

  /**
   * An account as the logged-in user may see it: any account's name, address, key and creation
   * time, and the balance of its own only ({@link Views.Account#owner}). Needs a login: only
   * logged-in users may learn whether a name is an account (docs/security.md).
   */
  public Future<Result<Views.Account>> account(String name) {
    if (user == null) {
      return refused(Refusal.LOGIN_FIRST, "log in first");
    }
    return sessions
        .ledger()
        .account(name)
        .map(
            reply -> {
              if (reply instanceof LedgerReply.Ok<LedgerViews.Account> ok) {
                return Result.ok(new Views.Account(ok.value(), isUser(ok.value().name())));
              }
              return refusedRead(reply);
            });
  }

  /**
   * A transfer with its proof (block, signatures), for its payer or payee only: anyone else's
   * transfer is answered as one that does not exist, so ids cannot be probed.
   */
  public Future<Result<LedgerViews.TransferProof>> transferProof(TransferId transferId) {
    if (user == null) {
      return refused(Refusal.LOGIN_FIRST, "log in first");
    }
    return sessions
        .ledger()
        .transferProof(transferId)
        .map(
            reply -> {
              if (reply instanceof LedgerReply.Ok<LedgerViews.TransferProof> ok
                  && (isUser(ok.value().transfer().payer())
                      || isUser(ok.value().transfer().payee()))) {
                return Result.ok(ok.value());
              }
              if (reply instanceof LedgerReply.Unknown<?> unknown) {
                return Result.refused(Refusal.UNAVAILABLE, unknown.reason());
              }
              return Result.refused(LedgerApi.UNKNOWN_TRANSFER, "no such transfer of yours");
            });
  }

  /**
   * {@code account}'s transfers, most recent first, each with its block: for the account's owner
   * only.
   */
  public Future<Result<LedgerViews.History>> history(String account, int offset, int limit) {
    if (user != null && !isUser(account)) {
      return refused(Refusal.FORBIDDEN, "only the account's owner may list its transfers");
    }
    return history(offset, limit, true);
  }

  private boolean isUser(String name) {
    return user != null && name != null && AccountName.key(user).equals(AccountName.key(name));
  }

  /** The logged-in account's transfers, most recent first. */
  public Future<Result<LedgerViews.History>> history(int offset, int limit) {
    return history(offset, limit, false);
  }

  private Future<Result<LedgerViews.History>> history(int offset, int limit, boolean blocks) {
    if (user == null) {
      return refused(Refusal.LOGIN_FIRST, "log in first");
    }
    return sessions
        .ledger()
        .history(user, offset, limit, blocks)
        .map(
            reply ->
                reply instanceof LedgerReply.Ok<LedgerViews.History> ok
                    ? Result.ok(ok.value())
                    : refusedRead(reply));
  }

  // ---- payments --------------------------------------------------------------------------------

  /**
   * A direct payment by the logged-in account, which must have proven its key. {@code id} null
   * means a fresh one, named in the answer.
   */
  public Future<Payment> pay(TransferId id, String payee, long amount) {
    TransferId transferId = id != null ? id : sessions.newTransferId();
    if (user == null) {
      return refusedPayment(transferId, Refusal.LOGIN_FIRST, "log in first");
    }
    if (!keyProven) {
      return refusedPayment(
          transferId,
          Refusal.KEY_PROOF_REQUIRED,
          "paying needs a login proven by the account's key");
    }
    return transfer(transferId, user, payee, amount, null, null);
  }

  /**
   * A countersigned payment: only the logged-in payee, with a key-proven login, may submit it, and
   * both signatures are verified against the registered keys before the ledger sees it.
   */
  public Future<Payment> payCountersigned(Countersigned p) {
    Refusal notPayee = mayPayeeSubmit(p.payee());
    if (notPayee != null) {
      return Future.succeededFuture(new Payment.Refused(p.id(), notPayee));
    }
    return countersigned(p);
  }

  /**
   * A countersigned payment whose bytes carry no id (the original client's forward): the same rules
   * as {@link #payCountersigned}, and its payer must be logged in (anywhere) when it is submitted.
   * {@code idOf} gets the payer's current login token ({@link #loginTokenOf}) and makes the
   * transfer id from it and the bytes, so the dialect decides whether the same bytes may pay once
   * ever or once per login of the payer.
   *
   * @param refusedId the id named in a refusal given before the id could be made
   */
  public Future<Payment> payForward(
      String payer,
      String payee,
      long amount,
      TransferId refusedId,
      Function<String, TransferId> idOf,
      Countersignatures check) {
    Refusal notPayee = mayPayeeSubmit(payee);
    if (notPayee != null) {
      return Future.succeededFuture(new Payment.Refused(refusedId, notPayee));
    }
    return loginTokenOf(payer)
        .compose(
            login ->
                login == null
                    ? refusedPayment(
                        refusedId,
                        Refusal.PAYER_OFFLINE,
                        "the payer must be logged in when the payee submits the payment")
                    : countersigned(
                        new Countersigned(idOf.apply(login), payer, payee, amount, check)),
            noAnswer -> refusedPayment(refusedId, Refusal.UNAVAILABLE, noAnswer.getMessage()));
  }

  /**
   * A sandbox payment and who hears of it.
   *
   * @param payerLogin the payer's login ({@link #id()} of the payer's session) that is told the
   *     outcome, or null when only the sender is: the payer hears of every payment submitted in its
   *     name by the logged-in payee while it is online, paid or refused, so no payer waits for an
   *     answer that cannot come
   */
  public record SandboxPayment(Payment payment, String payerLogin) {}

  /**
   * A payment with no proof, on a sandbox network only (the course's phase-1 dialects): submitted
   * by the logged-in payee in the payer's name, while the payer is online, with a fresh id; the
   * ledger's rules apply (positive amounts, no overdraft). {@code amount} null: not a whole number,
   * refused as a non-positive amount would be.
   */
  public Future<SandboxPayment> paySandbox(String payer, String payee, Long amount) {
    TransferId id = sessions.newTransferId();
    if (!sessions.sandbox()) {
      return refusedSandbox(id, Refusal.KEY_PROOF_REQUIRED, "a payment needs signatures here");
    }
    Refusal notPayee = mayPayeeSubmit(payee, false);
    if (notPayee != null) {
      return Future.succeededFuture(new SandboxPayment(new Payment.Refused(id, notPayee), null));
    }
    return loginTokenOf(payer)
        .compose(
            login -> {
              if (login == null) {
                return refusedSandbox(id, Refusal.PAYER_OFFLINE, "the payer is not online");
              }
              Future<Payment> paid =
                  amount == null
                      ? refusedPayment(
                          id, RejectCode.AMOUNT_NOT_POSITIVE.name(), "not a whole number")
                      : transfer(id, payer, payee, amount, null, null);
              return paid.map(payment -> new SandboxPayment(payment, login));
            },
            noAnswer -> refusedSandbox(id, Refusal.UNAVAILABLE, noAnswer.getMessage()));
  }

  private static Future<SandboxPayment> refusedSandbox(TransferId id, String code, String reason) {
    return refusedPayment(id, code, reason).map(payment -> new SandboxPayment(payment, null));
  }

  /** Null when this session may submit a countersigned payment to {@code payee}, else why not. */
  private Refusal mayPayeeSubmit(String payee) {
    return mayPayeeSubmit(payee, true);
  }

  private Refusal mayPayeeSubmit(String payee, boolean keyProofNeeded) {
    if (user == null) {
      return Refusal.of(Refusal.LOGIN_FIRST, "log in first");
    }
    if (!AccountName.key(user).equals(AccountName.key(payee))) {
      return Refusal.of(Refusal.NOT_PAYEE, "only the payee may submit this payment");
    }
    if (keyProofNeeded && !keyProven) {
      return Refusal.of(
          Refusal.KEY_PROOF_REQUIRED, "submitting needs a login proven by the payee's key");
    }
    return null;
  }

  private Future<Payment> countersigned(Countersigned p) {
    Future<PublicKey> payerKey = sessions.publicKey(p.payer());
    Future<PublicKey> payeeKey = sessions.publicKey(p.payee());
    return Future.all(payerKey, payeeKey)
        .compose(
            keys -> {
              if (payerKey.result() == null || payeeKey.result() == null) {
                return refusedPayment(
                    p.id(),
                    RejectCode.UNKNOWN_ACCOUNT.name(),
                    "payer and payee must be accounts with keys");
              }
              return sessions
                  .check(() -> p.check().verify(payerKey.result(), payeeKey.result()))
                  .compose(
                      proofs ->
                          proofs != null
                              ? transfer(
                                  p.id(),
                                  p.payer(),
                                  p.payee(),
                                  p.amount(),
                                  proofs.payerSignature(),
                                  proofs.payeeSignature())
                              : refusedPayment(
                                  p.id(), Refusal.BAD_SIGNATURE, "a signature does not verify"),
                      failure -> notChecked(p.id(), failure));
            },
            noAnswer ->
                Future.succeededFuture(
                    new Payment.Refused(
                        p.id(), Refusal.of(Refusal.UNAVAILABLE, noAnswer.getMessage()))));
  }

  /**
   * A payment authorised by the payer's own signature, verified against the payer's registered key
   * before the ledger sees it. Needs no login.
   */
  public Future<Payment> paySigned(PayerSigned p) {
    return sessions
        .publicKey(p.payer())
        .compose(
            key -> {
              // No such payer, a payer without a key, and a key of another type than the
              // signature's
              // all get the answer of a wrong signature, after a check against a decoy of the type
              // and
              // size the signature implies: the route needs no login, so it must not tell who
              // exists.
              boolean usable = key != null && p.keyFits().test(key);
              return sessions
                  .check(
                      () -> {
                        if (usable) {
                          return EcdsaFormats.verifyAnyEncoding(
                              key, p.signedBytes(), p.signature());
                        }
                        EcdsaFormats.verifyAnyEncoding(
                            Decoys.forSignature(p.signature().length, p.keyFits()),
                            p.signedBytes(),
                            p.signature()); // the same work; never valid
                        return false;
                      })
                  .compose(
                      valid ->
                          Boolean.TRUE.equals(valid)
                              ? transfer(p.id(), p.payer(), p.payee(), p.amount(), p.proof(), null)
                              : refusedPayment(
                                  p.id(),
                                  Refusal.BAD_SIGNATURE,
                                  "the signature does not verify against the payer's registered key"),
                      failure -> notChecked(p.id(), failure));
            },
            noAnswer ->
                Future.succeededFuture(
                    new Payment.Refused(
                        p.id(), Refusal.of(Refusal.UNAVAILABLE, noAnswer.getMessage()))));
  }

  private Future<Payment> transfer(
      TransferId id,
      String payer,
      String payee,
      long amount,
      byte[] payerSignature,
      byte[] payeeSignature) {
    return sessions
        .ledger()
        .transfer(id, payer, payee, amount, payerSignature, payeeSignature)
        .map(reply -> toPayment(id, reply))
        .andThen(
            done -> {
              SessionEvents events = sessions.shared().events();
              Payment payment = done.result();
              if (payment instanceof Payment.Paid paid) {
                events.paid(peer.via(), paid.duplicate());
              } else if (payment instanceof Payment.Refused refused) {
                events.refused(peer.via(), refused.refusal().code());
              } else {
                events.unknown(peer.via());
              }
            });
  }

  private static Payment toPayment(TransferId id, LedgerReply<LedgerViews.Receipt> reply) {
    if (reply instanceof LedgerReply.Ok<LedgerViews.Receipt> ok) {
      LedgerViews.Receipt r = ok.value();
      return new Payment.Paid(id, r.transfer(), r.payerBalance(), r.duplicate());
    }
    if (reply instanceof LedgerReply.Rejected<LedgerViews.Receipt> rejected) {
      return new Payment.Refused(id, Refusal.of(rejected.code(), rejected.reason()));
    }
    return new Payment.Unknown(id, ((LedgerReply.Unknown<?>) reply).reason());
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A payment whose signatures could not be checked: refused, never sent to the ledger. */
  private static Future<Payment> notChecked(TransferId id, Throwable failure) {
    return failure instanceof WorkerPool.Busy
        ? refusedPayment(
            id, Refusal.BUSY, "the node is busy checking signatures; retry with " + "the same id")
        : refusedPayment(
            id,
            Refusal.UNAVAILABLE,
            "the signature could not be checked; retry " + "with the same id");
  }

  private static <T> Future<Result<T>> refused(String code, String reason) {
    return Future.succeededFuture(Result.refused(code, reason));
  }

  private static Future<Payment> refusedPayment(TransferId id, String code, String reason) {
    return Future.succeededFuture(new Payment.Refused(id, Refusal.of(code, reason)));
  }

  /** A read or registration that was not Ok: the ledger's refusal, or unavailable. */
  private static <T> Result<T> refusedRead(LedgerReply<?> reply) {
    if (reply instanceof LedgerReply.Rejected<?> rejected) {
      return Result.refused(rejected.code(), rejected.reason());
    }
    return Result.refused(Refusal.UNAVAILABLE, ((LedgerReply.Unknown<?>) reply).reason());
  }
}
