package io.paywire.node;

import io.paywire.crypto.PublicKeys;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.TransferId;
import io.paywire.protocol.SessionBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.List;

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
  public Future<Boolean> verify(byte[] subjectPublicKeyInfo, byte[] data, byte[] signature) {
    return vertx.executeBlocking(() -> {
      PublicKey key;
      try {
        key = PublicKeys.decode(subjectPublicKeyInfo);
      } catch (IllegalArgumentException unusable) {
        return false;
      }
      return Signatures.verify(key, data, signature);
    }, false);
  }

  @Override
  public TransferId newTransferId() {
    return TransferId.random(random);
  }

  private Presence.Entry entry(String name, String ip, int port, String session) {
    return new Presence.Entry(name, ip, port, node, via, session, System.currentTimeMillis());
  }
}
