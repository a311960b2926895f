package io.paywire.session;

import io.paywire.bus.LedgerClient;
import io.paywire.crypto.PublicKeys;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.AccountName;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text sessions' view of a node: the ledger over the event bus, presence in shared data, and
 * signature checks on the worker pool (an RSA check takes tens of microseconds: too long to do
 * thousands of them on an event loop).
 */
public final class NodeSessionBackend implements SessionBackend {

  private final Vertx vertx;
  private final LedgerClient ledger;
  private final Presence presence;
  private final String node;
  private final String via;
  private final SecureRandom random = new SecureRandom();
  /** Registered keys by account key; a key never changes once registered. Bounded. */
  private final Map<String, PublicKey> keys = Collections.synchronizedMap(
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PublicKey> eldest) {
          return size() > MAX_CACHED_KEYS;
        }
      });

  /** About 100 MB at most for RSA-8192 keys; far less for the usual ones. */
  static final int MAX_CACHED_KEYS = 100_000;

  public NodeSessionBackend(Vertx vertx, String node, String via) {
    this.vertx = vertx;
    this.ledger = new LedgerClient(vertx.eventBus());
    this.presence = new Presence(vertx);
    this.node = node;
    this.via = via;
  }

  @Override
  public Future<JsonObject> openAccount(String name, Long deposit, byte[] publicKey) {
    return ledger.openAccount(name, deposit, publicKey);
  }

  @Override
  public Future<JsonObject> account(String name) {
    return ledger.account(name);
  }

  @Override
  public Future<JsonObject> transfer(TransferId id, String payer, String payee, long amount,
      byte[] payerSignature, byte[] payeeSignature) {
    return ledger.transfer(id, payer, payee, amount, payerSignature, payeeSignature);
  }

  @Override
  public Future<JsonObject> history(String name, int limit) {
    return ledger.history(name, 0, limit);
  }

  @Override
  public Future<Boolean> goOnline(String name, String ip, int port, String session) {
    return presence.login(entry(name, ip, port, session));
  }

  @Override
  public Future<Void> goOffline(String name, String session) {
    return presence.logoutSession(name, session).mapEmpty();
  }

  @Override
  public Future<List<Online>> online() {
    return presence.online().map(entries -> entries.stream()
        .map(e -> new Online(e.name(), e.ip(), e.port())).toList());
  }

  @Override
  public Future<PublicKey> publicKey(String name) {
    String key = AccountName.key(name);
    PublicKey cached = keys.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return ledger.account(name).map(reply -> {
      String encoded = reply.getBoolean("ok", false)
          ? reply.getJsonObject("account").getString("publicKey") : null;
      if (encoded == null) {
        return null; // not cached: the account may be registered later
      }
      PublicKey decoded = PublicKeys.decode(Base64.getDecoder().decode(encoded));
      keys.put(key, decoded);
      return decoded;
    });
  }

  @Override
  public Future<Boolean> verify(PublicKey key, byte[] data, byte[] signature) {
    return vertx.executeBlocking(() -> Signatures.verify(key, data, signature), false);
  }

  @Override
  public Future<Boolean> verifyWith(java.util.concurrent.Callable<Boolean> check) {
    return vertx.executeBlocking(check, false);
  }

  @Override
  public TransferId newTransferId() {
    return TransferId.random(random);
  }

  private Presence.Entry entry(String name, String ip, int port, String session) {
    return new Presence.Entry(name, ip, port, node, via, session, System.currentTimeMillis());
  }
}
