package io.paywire.bus;

import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * Calls the ledger over the event bus for the entry points, so none of them builds request JSON
 * by hand. A failed message becomes a reply of the same shape as a rejection ({@code ok: false},
 * with code {@code BAD_REQUEST}, {@code OVERLOADED} or {@code UNAVAILABLE}), so callers handle
 * one kind of answer.
 */
public final class LedgerClient {

  private final EventBus bus;

  public LedgerClient(EventBus bus) {
    this.bus = bus;
  }

  public Future<JsonObject> openAccount(String name, Long deposit, byte[] publicKey) {
    JsonObject body = new JsonObject().put("name", name);
    if (deposit != null) {
      body.put("deposit", deposit);
    }
    if (publicKey != null && publicKey.length > 0) {
      body.put("publicKey", Base64.getEncoder().encodeToString(publicKey));
    }
    return request(LedgerApi.OPEN_ACCOUNT, body);
  }

  public Future<JsonObject> account(String name) {
    return request(LedgerApi.ACCOUNT, new JsonObject().put("name", name));
  }

  public Future<JsonObject> transfer(TransferId id, String payer, String payee, long amount,
      byte[] payerSignature, byte[] payeeSignature) {
    JsonObject body = new JsonObject().put("id", id.toString()).put("payer", payer)
        .put("payee", payee).put("amount", amount);
    if (payerSignature != null && payerSignature.length > 0) {
      body.put("payerSignature", Base64.getEncoder().encodeToString(payerSignature));
    }
    if (payeeSignature != null && payeeSignature.length > 0) {
      body.put("payeeSignature", Base64.getEncoder().encodeToString(payeeSignature));
    }
    return request(LedgerApi.TRANSFER, body);
  }

  public Future<JsonObject> history(String name, int offset, int limit) {
    return request(LedgerApi.HISTORY,
        new JsonObject().put("name", name).put("offset", offset).put("limit", limit));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body).map(Message::body).recover(failure -> {
      int code = failure instanceof ReplyException reply ? reply.failureCode() : -1;
      String name = switch (code) {
        case LedgerApi.FAILURE_BAD_REQUEST -> "BAD_REQUEST";
        case LedgerApi.FAILURE_OVERLOADED -> "OVERLOADED";
        default -> "UNAVAILABLE";
      };
      String reason = code == LedgerApi.FAILURE_BAD_REQUEST ? failure.getMessage()
          : "the ledger cannot take requests now; retry later";
      return Future.succeededFuture(LedgerApi.rejection(name, reason));
    });
  }
}
