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
  public record Account(long number, String name, byte[] publicKey, String fingerprint,
      long balance, long createdMillis, long transferCount) {

    public boolean hasKey() {
      return publicKey != null;
    }

    static Account from(JsonObject json) {
      String key = json.getString("publicKey");
      return new Account(json.getLong("number"), json.getString("name"),
          key == null ? null : Base64.getDecoder().decode(key), json.getString("fingerprint"),
          json.getLong("balance"), json.getLong("createdMillis"), json.getLong("transferCount"));
    }
  }

  public record Transfer(long sequence, TransferId id, String payer, String payee, long amount,
      long timeMillis) {

    static Transfer from(JsonObject json) {
      return new Transfer(json.getLong("sequence"), TransferId.parseOrNull(json.getString("id")),
          json.getString("payer"), json.getString("payee"), json.getLong("amount"),
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
      return new Receipt(Transfer.from(json.getJsonObject("transfer")),
          json.getBoolean("duplicate", false), json.getLong("payerBalance", -1L));
    }
  }

  /** A new account and the deposit that funded it. */
  public record Registration(Account account, Transfer deposit, boolean duplicate) {

    static Registration from(JsonObject json) {
      return new Registration(Account.from(json.getJsonObject("account")),
          Transfer.from(json.getJsonObject("transfer")), json.getBoolean("duplicate", false));
    }
  }

  /** One page of an account's transfers, most recent first, and how many it has in all. */
  public record History(long total, List<Transfer> transfers) {

    static History from(JsonObject json) {
      JsonArray array = json.getJsonArray("transfers");
      List<Transfer> transfers = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        transfers.add(Transfer.from(array.getJsonObject(i)));
      }
      return new History(json.getLong("total"), List.copyOf(transfers));
    }
  }
}
