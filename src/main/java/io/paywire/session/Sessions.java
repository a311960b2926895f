package io.paywire.session;

import io.paywire.bus.LedgerAddresses;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews.Account;
import io.paywire.crypto.PublicKeys;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * The session core: every rule an entry point applies (who may register, log in, pay, list, look up
 * keys), in one place and in no wire format. Entry points are codecs over it: they turn their bytes
 * into calls on a {@link Session} and its typed answers into their own replies.
 *
 * <p>One {@code Sessions} per verticle instance (it uses that instance's Vert.x context); the
 * objects in {@link Shared} are one per node and thread-safe.
 */
public final class Sessions {

  private static final System.Logger LOG = System.getLogger(Sessions.class.getName());

  /**
   * What all sessions of a node share.
   *
   * @param node this node's name, recorded in presence entries
   * @param ledgerTimeoutMillis how long a ledger request may take before its outcome is unknown
   * @param registration who may register, with what opening balance
   * @param clockMillis the wall clock, in milliseconds, that presence entries are stamped with
   */
  public record Shared(
      String node,
      long ledgerTimeoutMillis,
      LoginThrottle throttle,
      PresenceView presence,
      KeyCache keys,
      Challenges challenges,
      SessionEvents events,
      RegistrationPolicy registration,
      Limits limits,
      Workers workers,
      LongSupplier clockMillis) {

    /** On the system clock. */
    public Shared(
        String node,
        long ledgerTimeoutMillis,
        LoginThrottle throttle,
        PresenceView presence,
        KeyCache keys,
        Challenges challenges,
        SessionEvents events,
        RegistrationPolicy registration,
        Limits limits,
        Workers workers) {
      this(
          node,
          ledgerTimeoutMillis,
          throttle,
          presence,
          keys,
          challenges,
          events,
          registration,
          limits,
          workers,
          System::currentTimeMillis);
    }
  }

  /**
   * Request rates per client address (IPv6 by /64), node-wide.
   *
   * @param registrations registrations, on every entry point (session.registrationsPerMinute)
   * @param challenges login nonces (http.challengesPerMinute)
   * @param logins logins by signed challenge (http.loginsPerMinute)
   */
  public record Limits(RateLimiter registrations, RateLimiter challenges, RateLimiter logins) {}

  /**
   * The node's pools for slow work, each with its own threads and a bounded queue.
   *
   * @param signatures signature checks of payments and logins
   * @param registrations opening registrations (RSA and AES) and enrollment (Argon2id)
   */
  public record Workers(WorkerPool signatures, WorkerPool registrations) {}

  private final Vertx vertx;
  private final Shared shared;
  private final LedgerClient ledger;
  private final Presence presence;
  private final SecureRandom random = new SecureRandom();
  private final WorkerExecutor signatureWorkers;
  private final WorkerExecutor registrationWorkers;
  private final boolean sandbox;

  /** The main ledger's sessions. */
  public Sessions(Vertx vertx, Shared shared) {
    this(
        vertx,
        shared,
        new LedgerClient(vertx.eventBus(), shared.ledgerTimeoutMillis()),
        new Presence(vertx, shared.presence()),
        false);
  }

  private Sessions(
      Vertx vertx, Shared shared, LedgerClient ledger, Presence presence, boolean sandbox) {
    this.vertx = vertx;
    this.shared = shared;
    this.ledger = ledger;
    this.presence = presence;
    this.sandbox = sandbox;
    this.signatureWorkers = shared.workers().signatures().executor(vertx);
    this.registrationWorkers = shared.workers().registrations().executor(vertx);
  }

  /**
   * The sessions of a sandbox network (kind {@code course}), whose clients carry no proof of who is
   * speaking: a name alone logs in ({@link Proof.Name}), and a login by name moves the name from
   * the connection that held it. So its ledger is the network's own, apart from the main ledger
   * (docs/dialects.md), and so is its presence: {@code shared.presence()} must be the network's own
   * view, and its entries live apart from every other ledger's.
   */
  public static Sessions sandbox(
      Vertx vertx, Shared shared, LedgerAddresses addresses, String network) {
    return new Sessions(
        vertx,
        shared,
        new LedgerClient(vertx.eventBus(), addresses, shared.ledgerTimeoutMillis()),
        Presence.ofNetwork(vertx, shared.presence(), network),
        true);
  }

  /** Whether a name alone logs in here (a sandbox network's sessions). */
  boolean sandbox() {
    return sandbox;
  }

  /** A new session for a connection (or, for HTTP, a login token or a single request). */
  public Session open(Peer peer) {
    shared.events().opened(peer.via());
    return new Session(this, peer, UUID.randomUUID().toString());
  }

  /**
   * A one-time nonce for {@link Proof.SignedChallenge}, for a client at {@code ip}. Issued alike
   * whether or not the account exists, so it tells nothing about accounts; refused when the address
   * asks too often ({@link Refusal#RATE_LIMITED}) or too many nonces are live ({@link
   * Refusal#BUSY}).
   */
  public Result<byte[]> challenge(String name, String ip) {
    Refusal limited = limited(shared.limits().challenges(), ip);
    if (limited != null) {
      return new Result.Refused<>(limited);
    }
    byte[] nonce = shared.challenges().issue(name);
    return nonce != null
        ? Result.ok(nonce)
        : Result.refused(
            Refusal.BUSY,
            "too many login challenges are outstanding on this node; retry in a moment");
  }

  /** The ledger, for reads an entry point serves itself (a transfer by id, status). */
  public LedgerClient ledger() {
    return ledger;
  }

  public PresenceView presence() {
    return shared.presence();
  }

  // ---- for Session -----------------------------------------------------------------------------

  Shared shared() {
    return shared;
  }

  EventBus eventBus() {
    return vertx.eventBus();
  }

  Presence presenceWriter() {
    return presence;
  }

  TransferId newTransferId() {
    return TransferId.random(random);
  }

  /**
   * Runs a signature check on the signature workers (an RSA check is too long for an event loop). A
   * check that finds the signature or key malformed ({@link GeneralSecurityException}, {@link
   * IllegalArgumentException}) counts as not verified (null); anything else is a bug, logged and
   * failed. Fails with {@link WorkerPool.Busy} when the workers' queue is full.
   */
  <T> Future<T> check(Callable<T> check) {
    return shared
        .workers()
        .signatures()
        .run(
            signatureWorkers,
            () -> {
              try {
                return check.call();
              } catch (GeneralSecurityException | IllegalArgumentException invalid) {
                return null;
              } catch (Exception unexpected) {
                LOG.log(
                    Level.ERROR,
                    "event=signature_check_failed error={0}",
                    unexpected.getClass().getName());
                throw unexpected;
              }
            });
  }

  /** Runs slow registration work (decryption, Argon2id) on the registration workers. */
  <T> Future<T> registrationWork(Callable<T> work) {
    return shared.workers().registrations().run(registrationWorkers, work);
  }

  /** Null when {@code ip} may make one more request of {@code limiter}'s kind, else why not. */
  static Refusal limited(RateLimiter limiter, String ip) {
    String key = ClientAddress.key(ip);
    RateLimiter.Admission admission = limiter.tryAcquire(key);
    if (admission == RateLimiter.Admission.ADMITTED) {
      return null;
    }
    long seconds = Math.max(1, (limiter.retryAfterMillis(key) + 999) / 1000);
    return new Refusal(
        Refusal.RATE_LIMITED,
        admission == RateLimiter.Admission.FULL
            ? "too many clients are being rate-limited; retry later"
            : "too many requests of this kind from this address; retry later",
        seconds);
  }

  /**
   * The account's registered key: null for no such account or no key, failed when the ledger gave
   * no answer.
   */
  Future<PublicKey> publicKey(String name) {
    PublicKey cached = shared.keys().get(name);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return ledger
        .account(name)
        .compose(
            reply -> {
              if (reply instanceof LedgerReply.Ok<Account> ok) {
                if (!ok.value().hasKey()) {
                  return Future.succeededFuture(null);
                }
                PublicKey key = PublicKeys.decode(ok.value().publicKey());
                shared.keys().put(name, key);
                return Future.succeededFuture(key);
              }
              if (reply instanceof LedgerReply.Rejected<?>) {
                return Future.succeededFuture(null);
              }
              return Future.failedFuture(((LedgerReply.Unknown<?>) reply).reason());
            });
  }
}
