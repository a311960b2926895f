package io.paywire.session;

import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.util.List;

/**
 * What a text session needs from the rest of the node. Ledger calls answer with the JSON replies
 * of docs/event-bus.md ({@code ok}, or {@code code} and {@code reason}); a ledger that cannot be
 * reached answers {@code ok: false} with code {@code UNAVAILABLE}, so sessions handle one shape.
 */
public interface SessionBackend {

  /** Someone online, as the LIST shows them. */
  record Online(String name, String ip, int port) {}

  Future<JsonObject> openAccount(String name, Long deposit, byte[] publicKey);

  Future<JsonObject> account(String name);

  Future<JsonObject> transfer(TransferId id, String payer, String payee, long amount,
      byte[] payerSignature, byte[] payeeSignature);

  Future<JsonObject> history(String name, int limit);

  /** Marks the account online; false if it already is, anywhere. */
  Future<Boolean> goOnline(String name, String ip, int port, String session);

  /** Marks the account offline if this session still holds its presence. */
  Future<Void> goOffline(String name, String session);

  Future<List<Online>> online();

  /**
   * The account's public key, or null if there is no such account or it has no key. Keys never
   * change once registered, so implementations may cache them.
   */
  Future<PublicKey> publicKey(String name);

  /** Checks a signature off the event loop; false for any malformed input. */
  Future<Boolean> verify(PublicKey key, byte[] data, byte[] signature);

  /** Runs another kind of signature check off the event loop. */
  Future<Boolean> verifyWith(java.util.concurrent.Callable<Boolean> check);

  TransferId newTransferId();
}
