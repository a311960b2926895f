package io.paywire.bus;

import io.paywire.ledger.AccountView;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.TransferView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;

/**
 * The ledger's event-bus contract: addresses, and the JSON shapes of replies. Every body is a
 * JsonObject, so the contract holds unchanged on a clustered event bus. docs/event-bus.md is the
 * reference; keep the two in step.
 *
 * <p>Expected outcomes (a rejection, an unknown account) are replies with {@code "ok": false} and a
 * {@code code}. Only requests that cannot be served at all fail the message, with one of the
 * {@code FAILURE_*} codes.
 */
public final class LedgerApi {

  public static final String OPEN_ACCOUNT = "paywire.ledger.open-account";
  public static final String TRANSFER = "paywire.ledger.transfer";
  public static final String ACCOUNT = "paywire.ledger.account";
  public static final String HISTORY = "paywire.ledger.history";
  public static final String FIND_TRANSFER = "paywire.ledger.find-transfer";
  public static final String STATUS = "paywire.ledger.status";

  /** The request body is malformed: a field is missing, of the wrong type or out of its range. */
  public static final int FAILURE_BAD_REQUEST = 400;
  /** Too many requests are queued at the ledger; retry later with the same id. */
  public static final int FAILURE_OVERLOADED = 429;
  /** The ledger is stopping, or failed closed after a journal write error. */
  public static final int FAILURE_UNAVAILABLE = 503;

  private LedgerApi() {}

  public static JsonObject outcome(Outcome outcome) {
    if (outcome instanceof Outcome.Accepted accepted) {
      return new JsonObject()
          .put("ok", true)
          .put("duplicate", accepted.duplicate())
          .put("transfer", transfer(accepted.transfer()));
    }
    Outcome.Rejected rejected = (Outcome.Rejected) outcome;
    return rejection(rejected.code().name(), rejected.reason());
  }

  public static JsonObject rejection(String code, String reason) {
    return new JsonObject().put("ok", false).put("code", code).put("reason", reason);
  }

  public static JsonObject transfer(TransferView t) {
    return new JsonObject()
        .put("sequence", t.sequence())
        .put("id", t.id().toString())
        .put("payer", t.payer())
        .put("payee", t.payee())
        .put("amount", t.amount())
        .put("timeMillis", t.timeMillis());
  }

  public static JsonArray transfers(List<TransferView> page) {
    JsonArray array = new JsonArray();
    page.forEach(t -> array.add(transfer(t)));
    return array;
  }

  public static JsonObject account(AccountView a) {
    return new JsonObject()
        .put("number", a.number())
        .put("name", a.name())
        .put("publicKey", a.hasKey() ? Base64.getEncoder().encodeToString(a.publicKey()) : null)
        .put("fingerprint", a.hasKey() ? a.fingerprint() : null)
        .put("balance", a.balance())
        .put("createdMillis", a.createdMillis())
        .put("transferCount", a.transferCount());
  }
}
