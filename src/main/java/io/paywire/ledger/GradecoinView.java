package io.paywire.ledger;

import java.util.List;
import java.util.Optional;

/**
 * What readers may ask of a Gradecoin ledger's own state ({@link LedgerView#gradecoin}): the
 * pending pool in the order transactions entered it, the last accepted block, and the accounts with
 * their bot flag. Like {@link LedgerView}, for the ledger's owner thread, between batch steps.
 */
public interface GradecoinView {

  /** Bounds one page of the pool or of the users, so one query cannot copy the whole state. */
  int MAX_PAGE = 1_000;

  /**
   * A pending transaction.
   *
   * @param source and {@code target}: account names as registered
   * @param timestamp as the client sent it, re-written by the wire codec; for a bot's reply, the
   *     batch time (UTC, zone-less)
   */
  record PoolEntry(String txId, String source, String target, long amount, String timestamp) {}

  /**
   * An accepted block.
   *
   * @param previousHash the hash of the block accepted before it, or "" for the first
   * @param height 1 for the first block accepted, then one more per block
   */
  record Block(
      List<String> txIds,
      long nonce,
      String timestamp,
      String hash,
      String previousHash,
      long height) {
    public Block {
      txIds = List.copyOf(txIds);
    }
  }

  /**
   * An account of the network.
   *
   * @param bot an account without a key: it never sends, it answers
   */
  record User(int number, String name, long balance, boolean bot) {}

  /** The rules new commands are checked against, or empty for a ledger recovered without them. */
  Optional<GradecoinRules> rules();

  /** One page of pending transactions, oldest first; {@code limit} capped at {@link #MAX_PAGE}. */
  List<PoolEntry> pool(int offset, int limit);

  int poolSize();

  Optional<PoolEntry> pending(String txId);

  /** The last accepted block, or empty before the first. */
  Optional<Block> lastBlock();

  /** How many blocks were accepted. */
  long height();

  /**
   * One page of the accounts in registration order, the issuer left out; {@code limit} capped at
   * {@link #MAX_PAGE}.
   */
  List<User> users(int offset, int limit);

  /** The number of accounts {@link #users} pages through. */
  int userCount();
}
