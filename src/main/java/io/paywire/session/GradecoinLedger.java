package io.paywire.session;

import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * What the Gradecoin session core needs of its network's ledger: typed reads and the three writes.
 * One implementation talks to the network's ledger service over the event bus; every write is
 * answered only once durable, as on the main ledger.
 */
public interface GradecoinLedger {

  /**
   * A user or a bot.
   *
   * @param publicKey the registered key (SPKI DER); empty for a bot, and in {@link #accounts}
   */
  record Account(String fingerprint, byte[] publicKey, long balance, boolean bot) {}

  /** A transaction waiting in the pool for a block. */
  record PoolEntry(String txId, String source, String target, long amount, String timestamp) {}

  /** An accepted block, with the link Gradecoin does not keep. */
  record Block(
      List<String> txIds,
      long nonce,
      String timestamp,
      String hash,
      String previousHash,
      long height) {}

  /** What a write did. */
  sealed interface Written {}

  /** Applied and durable; {@code replay} when the id had been applied before with this content. */
  record Applied(boolean replay) implements Written {}

  /** Refused by the ledger's rules: nothing changed. */
  record Refused(String code, String message) implements Written {}

  /** The node does not know whether it was applied (its wait ended, the leader changed). */
  record Unknown(TransferId id) implements Written {}

  /** The ledger could not take it (stopping, overloaded): nothing changed. */
  record Unavailable(String reason) implements Written {}

  Future<Optional<Account>> account(String fingerprint);

  /** Every account, users and bots, in the order they were opened (at most {@code limit}). */
  Future<List<Account>> accounts(int limit);

  /** The pool in the order transactions were accepted (at most {@code limit}). */
  Future<List<PoolEntry>> pool(int limit);

  /** Which of {@code txIds} (at most a block's worth) are pending, in the order asked. */
  Future<List<PoolEntry>> pending(List<String> txIds);

  Future<Optional<Block>> lastBlock();

  /**
   * A page of the network's journal, Paywire's own hash-chained view of everything the network
   * applied (each batch, its hash and its predecessor's), oldest first.
   */
  Future<LedgerReply<LedgerViews.Blocks>> journal(long from, int limit);

  Future<Written> register(TransferId id, String fingerprint, byte[] publicKey, long bonus);

  Future<Written> proposeTransaction(
      TransferId id,
      String source,
      String target,
      long amount,
      long gasFee,
      String txId,
      String timestamp);

  Future<Written> proposeBlock(
      TransferId id, List<String> txIds, long nonce, String timestamp, String hash);
}
