package io.paywire.session;

import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.crypto.PublicKeys;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The session core: every rule an entry point applies (who may register, log in, pay, list, look
 * up keys), in one place and in no wire format. Entry points are codecs over it: they turn their
 * bytes into calls on a {@link Session} and its typed answers into their own replies.
 *
 * <p>One {@code Sessions} per verticle instance (it uses that instance's Vert.x context); the
 * objects in {@link Shared} are one per node and thread-safe.
 */
public final class Sessions {

  /**
   * What all sessions of a node share.
   *
   * @param node this node's name, recorded in presence entries
   * @param ledgerTimeoutMillis how long a ledger request may take before its outcome is unknown
   */
  public record Shared(String node, long ledgerTimeoutMillis, LoginThrottle throttle,
      PresenceView presence, KeyCache keys, Challenges challenges, SessionEvents events) {}

  /** A key no account has: checked against when a login names no account with a key. */
  static final PublicKey DECOY_KEY = io.paywire.crypto.KeyType.EC.generate().getPublic();

  private final Vertx vertx;
  private final Shared shared;
  private final LedgerClient ledger;
  private final Presence presence;
  private final SecureRandom random = new SecureRandom();

  public Sessions(Vertx vertx, Shared shared) {
    this.vertx = vertx;
    this.shared = shared;
    this.ledger = new LedgerClient(vertx.eventBus(), shared.ledgerTimeoutMillis());
    this.presence = new Presence(vertx, shared.presence());
  }

  /** A new session for a connection (or, for HTTP, a login token or a single request). */
  public Session open(Peer peer) {
    shared.events().opened(peer.via());
    return new Session(this, peer, UUID.randomUUID().toString());
  }

  /**
   * A one-time nonce for {@link Proof.SignedChallenge}. Issued alike whether or not the account
   * exists, so it tells nothing about accounts.
   */
  public byte[] challenge(String name) {
    return shared.challenges().issue(name);
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
   * Runs a signature check on the worker pool (an RSA check is too long for an event loop); a
   * check that throws counts as not verified.
   */
  <T> Future<T> check(Callable<T> check) {
    return vertx.executeBlocking(() -> {
      try {
        return check.call();
      } catch (Exception invalid) {
        return null;
      }
    }, false);
  }

  /**
   * The account's registered key: null for no such account or no key, failed when the ledger
   * gave no answer.
   */
  Future<PublicKey> publicKey(String name) {
    PublicKey cached = shared.keys().get(name);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return ledger.account(name).compose(reply -> {
      if (reply instanceof LedgerReply.Ok<io.paywire.bus.LedgerViews.Account> ok) {
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
