package io.paywire.bus;

import io.paywire.ledger.TransferId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Typed views of the ledger's reply bodies (docs/event-bus.md): the one place that reads them by
 * key name.
 */
public final class LedgerViews {

  private LedgerViews() {}

  /**
   * @param publicKey SubjectPublicKeyInfo, or null for an account without a key
   * @param fingerprint lowercase hex SHA-256 of the key (the account's address), or null
   */
  public record Account(
      long number,
      String name,
      byte[] publicKey,
      String fingerprint,
      long balance,
      long createdMillis,
      long transferCount) {

    public boolean hasKey() {
      return publicKey != null;
    }

    static Account from(JsonObject json) {
      return new Account(
          json.getLong("number"),
          json.getString("name"),
          base64OrNull(json.getString("publicKey")),
          json.getString("fingerprint"),
          json.getLong("balance"),
          json.getLong("createdMillis"),
          json.getLong("transferCount"));
    }
  }

  public record Transfer(
      long sequence, TransferId id, String payer, String payee, long amount, long timeMillis) {

    /** Reads a transfer in the ledger's shape (also the body of the transfer events). */
    public static Transfer from(JsonObject json) {
      return new Transfer(
          json.getLong("sequence"),
          TransferId.parseOrNull(json.getString("id")),
          json.getString("payer"),
          json.getString("payee"),
          json.getLong("amount"),
          json.getLong("timeMillis"));
    }
  }

  /**
   * An accepted transfer.
   *
   * @param duplicate the same id and content had been accepted before; nothing moved this time
   * @param payerBalance the payer's balance after the transfer, as of this reply
   */
  public record Receipt(Transfer transfer, boolean duplicate, long payerBalance) {

    static Receipt from(JsonObject json) {
      return new Receipt(
          Transfer.from(json.getJsonObject("transfer")),
          json.getBoolean("duplicate", false),
          json.getLong("payerBalance", -1L));
    }
  }

  /** A new account and the deposit that funded it. */
  public record Registration(Account account, Transfer deposit, boolean duplicate) {

    static Registration from(JsonObject json) {
      return new Registration(
          Account.from(json.getJsonObject("account")),
          Transfer.from(json.getJsonObject("transfer")),
          json.getBoolean("duplicate", false));
    }
  }

  /**
   * One block: a batch of the journal.
   *
   * @param previousHash the hash of the block before (64 zeros for block 0), lowercase hex
   * @param hash SHA-256 of the block, lowercase hex
   * @param count how many transfers (registrations included) the block holds
   */
  public record Block(long sequence, String previousHash, String hash, long timeMillis, int count) {

    static Block from(JsonObject json) {
      return new Block(
          json.getLong("sequence"),
          json.getString("previousHash"),
          json.getString("hash"),
          json.getLong("timeMillis"),
          json.getInteger("count"));
    }
  }

  /**
   * A page of blocks, oldest first.
   *
   * @param head the next block sequence as of the read: every block below it is on disk
   */
  public record Blocks(List<Block> blocks, long head) {

    static Blocks from(JsonObject json) {
      JsonArray array = json.getJsonArray("blocks");
      List<Block> blocks = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        blocks.add(Block.from(array.getJsonObject(i)));
      }
      return new Blocks(List.copyOf(blocks), json.getLong("head"));
    }

    /** The page as {@code GET /blocks} shows it: {@code {"head", "blocks": [..]}}. */
    public JsonObject json() {
      JsonArray array = new JsonArray();
      for (Block b : blocks) {
        array.add(
            new JsonObject()
                .put("sequence", b.sequence())
                .put("previousHash", b.previousHash())
                .put("hash", b.hash())
                .put("timeMillis", b.timeMillis())
                .put("count", b.count()));
      }
      return new JsonObject().put("head", head).put("blocks", array);
    }
  }

  /**
   * A transfer with the block that holds it and the signatures journaled with it.
   *
   * @param blockHash that block's hash, lowercase hex
   * @param payerSignature as given with the payment, or null if none was
   * @param payeeSignature as given with the payment, or null if none was
   */
  public record TransferProof(
      Transfer transfer,
      long block,
      String blockHash,
      byte[] payerSignature,
      byte[] payeeSignature) {

    static TransferProof from(JsonObject json) {
      return new TransferProof(
          Transfer.from(json.getJsonObject("transfer")),
          json.getLong("block"),
          json.getString("blockHash"),
          base64OrNull(json.getString("payerSignature")),
          base64OrNull(json.getString("payeeSignature")));
    }
  }

  private static byte[] base64OrNull(String text) {
    return text == null ? null : Base64.getDecoder().decode(text);
  }

  /**
   * One page of an account's transfers, most recent first, and how many it has in all.
   *
   * @param blocks the block of each transfer, in the same order, if they were asked for; else empty
   */
  public record History(long total, List<Transfer> transfers, List<Long> blocks) {

    public History {
      if (!blocks.isEmpty() && blocks.size() != transfers.size()) {
        throw new IllegalArgumentException(
            blocks.size() + " blocks for " + transfers.size() + " transfers");
      }
    }

    static History from(JsonObject json) {
      JsonArray array = json.getJsonArray("transfers");
      List<Transfer> transfers = new ArrayList<>(array.size());
      List<Long> blocks = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        JsonObject row = array.getJsonObject(i);
        transfers.add(Transfer.from(row));
        if (row.containsKey("block")) {
          blocks.add(row.getLong("block"));
        }
      }
      return new History(json.getLong("total"), List.copyOf(transfers), List.copyOf(blocks));
    }
  }

  // ---- a Gradecoin network ---------------------------------------------------------------------

  /**
   * A pending transaction of a Gradecoin pool.
   *
   * @param txId the pool key, 64 lowercase hex characters
   * @param timestamp zone-less, as the wire codec re-wrote it (a bot's reply: the batch time, UTC)
   */
  public record PoolEntry(
      String txId, String source, String target, long amount, String timestamp) {

    static PoolEntry from(JsonObject json) {
      return new PoolEntry(
          json.getString("txId"),
          json.getString("source"),
          json.getString("target"),
          json.getLong("amount"),
          json.getString("timestamp"));
    }
  }

  /** A page of the pending pool, oldest first, and how many are pending in all. */
  public record Pool(long total, List<PoolEntry> entries) {

    static Pool from(JsonObject json) {
      JsonArray array = json.getJsonArray("pool");
      List<PoolEntry> entries = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        entries.add(PoolEntry.from(array.getJsonObject(i)));
      }
      return new Pool(json.getLong("total"), List.copyOf(entries));
    }
  }

  /**
   * An accepted Gradecoin block.
   *
   * @param previousHash the hash of the block accepted before it, or "" for the first
   * @param height 1 for the first block, then one more per block
   */
  public record GradecoinBlock(
      List<String> txIds,
      long nonce,
      String timestamp,
      String hash,
      String previousHash,
      long height) {

    static GradecoinBlock from(JsonObject json) {
      JsonArray ids = json.getJsonArray("txIds");
      List<String> txIds = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        txIds.add(ids.getString(i));
      }
      return new GradecoinBlock(
          List.copyOf(txIds),
          json.getLong("nonce"),
          json.getString("timestamp"),
          json.getString("hash"),
          json.getString("previousHash"),
          json.getLong("height"));
    }
  }

  /**
   * The last accepted block and the height.
   *
   * @param block null before the first block
   */
  /**
   * The answer to a mined block: the block as accepted, or for a duplicate (the same block's id
   * applied before) perhaps none.
   */
  public record BlockReceipt(boolean duplicate, GradecoinBlock block) {

    static BlockReceipt from(JsonObject json) {
      JsonObject block = json.getJsonObject("block");
      return new BlockReceipt(
          json.getBoolean("duplicate", false), block == null ? null : GradecoinBlock.from(block));
    }
  }

  public record LastBlock(long height, GradecoinBlock block) {

    static LastBlock from(JsonObject json) {
      JsonObject block = json.getJsonObject("block");
      return new LastBlock(
          json.getLong("height"), block == null ? null : GradecoinBlock.from(block));
    }
  }

  /**
   * A transaction accepted into the pool.
   *
   * @param duplicate the same request id (token) was accepted before: nothing happened this time
   * @param gasFee the gas fee row (source to issuer, with the request's id)
   * @param sourceBalance the source's balance after the fee, as of this reply
   */
  public record PoolReceipt(String txId, boolean duplicate, Transfer gasFee, long sourceBalance) {

    static PoolReceipt from(JsonObject json) {
      return new PoolReceipt(
          json.getString("txId"),
          json.getBoolean("duplicate", false),
          Transfer.from(json.getJsonObject("transfer")),
          json.getLong("payerBalance", -1L));
    }
  }

  /** An account of a Gradecoin network; a bot has no key and never sends. */
  public record GradecoinUser(long number, String name, long balance, boolean bot) {

    static GradecoinUser from(JsonObject json) {
      return new GradecoinUser(
          json.getLong("number"),
          json.getString("name"),
          json.getLong("balance"),
          json.getBoolean("bot"));
    }
  }

  /** A page of a Gradecoin network's accounts in registration order, and how many there are. */
  public record GradecoinUsers(long total, List<GradecoinUser> users) {

    static GradecoinUsers from(JsonObject json) {
      JsonArray array = json.getJsonArray("users");
      List<GradecoinUser> users = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        users.add(GradecoinUser.from(array.getJsonObject(i)));
      }
      return new GradecoinUsers(json.getLong("total"), List.copyOf(users));
    }
  }
}
