package io.paywire.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Where the answer to one ledger request goes: the reply to the request's own event-bus message, or
 * its slot in a batch of requests that one message carried. Each request is answered exactly once,
 * with a reply body or a failure ({@link LedgerApi}'s {@code FAILURE_*} codes); the ledger never
 * needs to know which of the two it answers.
 */
public interface Responder {

  /** Answers with a reply body ({@code "ok"} true or false). */
  void reply(JsonObject body);

  /** Answers that the request could not be served: one of {@link LedgerApi}'s failure codes. */
  void fail(int failureCode, String message);

  /** The responder of a request that came as a message of its own. */
  static Responder of(Message<?> message) {
    return new Responder() {
      @Override
      public void reply(JsonObject body) {
        message.reply(body);
      }

      @Override
      public void fail(int failureCode, String reason) {
        message.fail(failureCode, reason);
      }
    };
  }
}
