package io.paywire.bus;

import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.LedgerView;
import io.vertx.core.json.JsonObject;

/**
 * The ledger's status, as {@link LedgerApi#STATUS} answers it (docs/event-bus.md): typed inside a
 * node, JSON only on the bus. A cluster member's answer carries its Raft facts besides, which
 * {@link #raft} holds as they came (null on a single node).
 *
 * @param nextBatchSequence where the journal stands: every batch below it is durable
 * @param failure why the ledger failed closed, or null while it has not
 */
public record LedgerStatus(
    long accounts,
    long transfers,
    long nextBatchSequence,
    String headHash,
    String failure,
    Raft raft) {

  /** What a cluster member adds: which member answered, its role, the leader it knows, the term. */
  public record Raft(String member, String role, String leaderId, long term, int groupSize) {}

  public static LedgerStatus of(LedgerView state, JournalPosition position, String failure) {
    return new LedgerStatus(
        state.accountCount(),
        state.transferCount(),
        position.nextBatchSequence(),
        position.headHashHex(),
        failure,
        null);
  }

  public LedgerStatus withRaft(Raft facts) {
    return new LedgerStatus(accounts, transfers, nextBatchSequence, headHash, failure, facts);
  }

  public boolean failed() {
    return failure != null;
  }

  public JsonObject toJson() {
    JsonObject status =
        new JsonObject()
            .put("ok", true)
            .put("accounts", accounts)
            .put("transfers", transfers)
            .put("nextBatchSequence", nextBatchSequence)
            .put("headHash", headHash)
            .put("failed", failure != null);
    if (failure != null) {
      status.put("failure", failure);
    }
    if (raft != null) {
      status
          .put("member", raft.member())
          .put("role", raft.role())
          .put("leaderId", raft.leaderId())
          .put("term", raft.term())
          .put("groupSize", raft.groupSize());
    }
    return status;
  }

  /**
   * Reads a status reply; a body missing a field is refused (the contract says they are all there).
   */
  public static LedgerStatus fromJson(JsonObject json) {
    Raft raft =
        json.containsKey("member")
            ? new Raft(
                json.getString("member"),
                json.getString("role"),
                json.getString("leaderId"),
                json.getLong("term"),
                json.getInteger("groupSize"))
            : null;
    return new LedgerStatus(
        json.getLong("accounts"),
        json.getLong("transfers"),
        json.getLong("nextBatchSequence"),
        json.getString("headHash"),
        json.getBoolean("failed") ? json.getString("failure", "failed") : null,
        raft);
  }
}
