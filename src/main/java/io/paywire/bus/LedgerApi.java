package io.paywire.bus;

import io.paywire.ledger.AccountView;
import io.paywire.ledger.Executed;
import io.paywire.ledger.GradecoinView;
import io.paywire.ledger.JournalBlocks;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.TransferView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The ledger's event-bus contract: addresses, and the JSON shapes of replies. Every body is a
 * JsonObject, or for {@link #REQUESTS} a batch whose wire form is a JSON array, so the contract
 * holds unchanged on a clustered event bus. docs/event-bus.md is the reference; keep the two in
 * step.
 *
 * <p>Expected outcomes (a rejection, an unknown account) are replies with {@code "ok": false} and a
 * {@code code}. Only requests that cannot be served at all fail the message, with one of the {@code
 * FAILURE_*} codes.
 */
public final class LedgerApi {

  public static final String OPEN_ACCOUNT = "paywire.ledger.open-account";
  public static final String TRANSFER = "paywire.ledger.transfer";
  public static final String ACCOUNT = "paywire.ledger.account";
  public static final String HISTORY = "paywire.ledger.history";
  public static final String FIND_TRANSFER = "paywire.ledger.find-transfer";
  public static final String STATUS = "paywire.ledger.status";
  public static final String BLOCKS = "paywire.ledger.blocks";
  public static final String TRANSFER_PROOF = "paywire.ledger.transfer-proof";

  // ---- a Gradecoin network's ledger (docs/event-bus.md, "Gradecoin") ----

  /** Write: a transaction into the pending pool, its gas fee charged if it is accepted. */
  public static final String GRADECOIN_TRANSACTION = "paywire.ledger.gradecoin.transaction";

  /** Write: a mined block of pending transactions. */
  public static final String GRADECOIN_BLOCK = "paywire.ledger.gradecoin.block";

  /** Read: a page of the pending pool, oldest first. */
  public static final String GRADECOIN_POOL = "paywire.ledger.gradecoin.pool";

  /**
   * Gradecoin: which of the given transaction ids are pending ({@code {txIds: [..]}}, at most a
   * block's worth), answered {@code {ok, pool: [entries found, in the order asked]}}: what a
   * proposed block's checks read, whatever the pool's size.
   */
  public static final String GRADECOIN_PENDING = "paywire.ledger.gradecoin.pending";

  /** Read: the last accepted block and the height. */
  public static final String GRADECOIN_LAST_BLOCK = "paywire.ledger.gradecoin.last-block";

  /** Read: a page of the accounts in registration order, with balance and bot flag. */
  public static final String GRADECOIN_USERS = "paywire.ledger.gradecoin.users";

  /** Most pool entries or users one page may hold: the ledger's own bound. */
  public static final int MAX_GRADECOIN_PAGE = GradecoinView.MAX_PAGE;

  /**
   * The code of a Gradecoin read sent to a ledger without Gradecoin rules, and of a transfer proof
   * or a history with blocks asked of a Gradecoin ledger (its journal records are not one transfer
   * each, so a transfer's record cannot be found by counting).
   */
  public static final String UNSUPPORTED = "UNSUPPORTED";

  /**
   * Several requests in one message ({@link RequestBatch}), answered with one reply ({@link
   * ReplyBatch}): what {@link LedgerClient} sends for the requests an event loop makes in one turn.
   * Each request is read and answered as at its own address; {@link #STATUS} is not taken here.
   */
  public static final String REQUESTS = "paywire.ledger.requests";

  /**
   * Cluster only, local to each node: published by the node's Raft member whenever it learns of
   * another leader or term, {@code {"leader": id or null, "term": n}}. A request in flight to the
   * former leader may never be answered (its node may be dead), so {@link LedgerClient} reports
   * every request in flight at that moment as an unknown outcome at once, instead of after its
   * timeout. A single node never publishes it.
   */
  public static final String LEADER_CHANGED = "paywire.ledger.leader-changed";

  /** Most blocks one {@link #BLOCKS} request may ask for: the journal reader's own bound. */
  public static final int MAX_BLOCKS_PER_PAGE = JournalBlocks.MAX_BLOCKS_PER_PAGE;

  /**
   * Most requests one {@link #REQUESTS} message may carry. A sender with more in one turn sends
   * several messages; the ledger fails a larger message whole with {@link #FAILURE_BAD_REQUEST}. A
   * constant of the contract, not a setting: every node of a cluster must agree on it.
   */
  public static final int MAX_REQUESTS_PER_MESSAGE = 256;

  /** The blocks a {@link #BLOCKS} request without a {@code limit} gets. */
  public static final int DEFAULT_BLOCKS_PER_PAGE = 20;

  /** The code of a read for a transfer id the ledger does not hold. */
  public static final String UNKNOWN_TRANSFER = "UNKNOWN_TRANSFER";

  /** The code of a request refused because the ledger's queue is full (nothing was done). */
  public static final String OVERLOADED = "OVERLOADED";

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

  /**
   * The reply to {@link #OPEN_ACCOUNT} or {@link #TRANSFER} for a command the ledger executed: its
   * outcome, and the opened account or the payer's balance right after it.
   */
  public static JsonObject executed(Executed executed) {
    JsonObject reply = outcome(executed.outcome());
    executed.account().ifPresent(a -> reply.put("account", account(a)));
    executed.payerBalance().ifPresent(b -> reply.put("payerBalance", b));
    return reply;
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

  /** The reply to {@link #BLOCKS}: a page of blocks, and the head they were read below. */
  public static JsonObject blocks(List<JournalBlocks.Block> page, long head) {
    JsonArray blocks = new JsonArray();
    for (JournalBlocks.Block block : page) {
      blocks.add(
          new JsonObject()
              .put("sequence", block.sequence())
              .put("previousHash", HexFormat.of().formatHex(block.previousHash()))
              .put("hash", HexFormat.of().formatHex(block.hash()))
              .put("timeMillis", block.timeMillis())
              .put("count", block.recordCount()));
    }
    return new JsonObject().put("ok", true).put("blocks", blocks).put("head", head);
  }

  /**
   * The reply to {@link #TRANSFER_PROOF}: the transfer, its block, and the signatures journaled
   * with it; a signature that was not given is left out.
   */
  public static JsonObject transferProof(
      TransferView t, JournalBlocks.JournaledTransfer journaled) {
    JsonObject reply =
        new JsonObject()
            .put("ok", true)
            .put("transfer", transfer(t))
            .put("block", journaled.batchSequence())
            .put("blockHash", HexFormat.of().formatHex(journaled.batchHash()));
    if (journaled.payerSignature().length > 0) {
      reply.put("payerSignature", Base64.getEncoder().encodeToString(journaled.payerSignature()));
    }
    if (journaled.payeeSignature().length > 0) {
      reply.put("payeeSignature", Base64.getEncoder().encodeToString(journaled.payeeSignature()));
    }
    return reply;
  }

  /** A pending transaction of a Gradecoin pool. */
  public static JsonObject poolEntry(GradecoinView.PoolEntry e) {
    return new JsonObject()
        .put("txId", e.txId())
        .put("source", e.source())
        .put("target", e.target())
        .put("amount", e.amount())
        .put("timestamp", e.timestamp());
  }

  /** An accepted Gradecoin block. */
  public static JsonObject gradecoinBlock(GradecoinView.Block b) {
    return new JsonObject()
        .put("txIds", new JsonArray(List.copyOf(b.txIds())))
        .put("nonce", b.nonce())
        .put("timestamp", b.timestamp())
        .put("hash", b.hash())
        .put("previousHash", b.previousHash())
        .put("height", b.height());
  }

  /** An account of a Gradecoin network, as its user list shows it. */
  public static JsonObject gradecoinUser(GradecoinView.User u) {
    return new JsonObject()
        .put("number", u.number())
        .put("name", u.name())
        .put("balance", u.balance())
        .put("bot", u.bot());
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
