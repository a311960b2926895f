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
}
