package io.paywire.bus;

import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Calls the ledger over the event bus and reads its replies into typed views, so no entry point
 * builds request JSON or reads reply JSON by hand.
 *
 * <p>Every request waits at most {@code requestTimeoutMillis} (the setting {@code
 * ledger.requestTimeoutMillis}). A request that gets no answer in that time, finds no ledger, or
 * meets a ledger that failed closed is {@link LedgerReply.Unknown}: it may have been applied, and
 * only a retry with the same id tells. An overloaded ledger or a malformed request is {@link
 * LedgerReply.Rejected}: the ledger refused it before applying anything.
 *
 * <p>In a cluster, when this node hears that the ledger's Raft group has another leader or term
 * ({@link LedgerApi#LEADER_CHANGED}), every request then in flight is reported unknown at once: it
 * went to the former leader, whose node may be dead and would leave it waiting for the whole
 * timeout. A retry with the same id reaches the new leader.
 *
 * <p>The requests an event loop makes in one turn travel to the ledger as one message ({@link
 * RequestCoalescer}, {@link LedgerApi#REQUESTS}); each keeps its own answer, its timeout and its
 * place in the order. A status request travels alone.
 */
public final class LedgerClient {

  private final EventBus bus;
  private final LedgerAddresses addresses;
  private final DeliveryOptions delivery;
  private final RequestCoalescer coalescer;

  /** How to abandon each request in flight: answer it unknown, with the reason given. */
  private final Set<Consumer<String>> inFlight = ConcurrentHashMap.newKeySet();

  /** A client of the node's main ledger. */
  public LedgerClient(EventBus bus, long requestTimeoutMillis) {
    this(bus, LedgerAddresses.MAIN, requestTimeoutMillis);
  }

  /**
   * A client of the ledger served at {@code addresses} (the main ledger's or a network's).
   * Registers a local consumer of that ledger's {@link LedgerApi#LEADER_CHANGED}; made in a
   * verticle, it goes when the verticle is undeployed.
   */
  public LedgerClient(EventBus bus, LedgerAddresses addresses, long requestTimeoutMillis) {
    if (requestTimeoutMillis <= 0) {
      throw new IllegalArgumentException("requestTimeoutMillis must be positive");
    }
    this.bus = bus;
    this.addresses = addresses;
    this.delivery = new DeliveryOptions().setSendTimeout(requestTimeoutMillis);
    this.coalescer =
        new RequestCoalescer(
            bus, addresses.requests(), delivery, LedgerApi.MAX_REQUESTS_PER_MESSAGE);
    bus.<JsonObject>localConsumer(
        addresses.leaderChanged(),
        message ->
            abandonInFlight(
                "the ledger's leader changed (now "
                    + message.body().getString("leader", "none")
                    + ", term "
                    + message.body().getLong("term", 0L)
                    + ") while the request was in "
                    + "flight; outcome unknown, retry with the same id"));
  }

  private void abandonInFlight(String reason) {
    for (Consumer<String> abandon : inFlight) {
      abandon.accept(reason);
    }
  }

  public Future<LedgerReply<LedgerViews.Registration>> openAccount(
      String name, Long deposit, byte[] publicKey) {
    return openAccount(null, name, deposit, publicKey);
  }

  /**
   * As above, under {@code id} (null: the ledger picks one): a second request with the same id is a
   * duplicate, as for a transfer; a Gradecoin network registers each student once this way.
   */
  public Future<LedgerReply<LedgerViews.Registration>> openAccount(
      TransferId id, String name, Long deposit, byte[] publicKey) {
    JsonObject body = new JsonObject().put("name", name);
    if (id != null) {
      body.put("id", id.toString());
    }
    if (deposit != null) {
      body.put("deposit", deposit);
    }
    if (publicKey != null && publicKey.length > 0) {
      body.put("publicKey", Base64.getEncoder().encodeToString(publicKey));
    }
    return request(LedgerApi.OPEN_ACCOUNT, body, LedgerViews.Registration::from);
  }

  public Future<LedgerReply<LedgerViews.Account>> account(String name) {
    return request(
        LedgerApi.ACCOUNT,
        new JsonObject().put("name", name),
        json -> LedgerViews.Account.from(json.getJsonObject("account")));
  }

  public Future<LedgerReply<LedgerViews.Receipt>> transfer(
      TransferId id,
      String payer,
      String payee,
      long amount,
      byte[] payerSignature,
      byte[] payeeSignature) {
    JsonObject body =
        new JsonObject()
            .put("id", id.toString())
            .put("payer", payer)
            .put("payee", payee)
            .put("amount", amount);
    if (payerSignature != null && payerSignature.length > 0) {
      body.put("payerSignature", Base64.getEncoder().encodeToString(payerSignature));
    }
    if (payeeSignature != null && payeeSignature.length > 0) {
      body.put("payeeSignature", Base64.getEncoder().encodeToString(payeeSignature));
    }
    return request(LedgerApi.TRANSFER, body, LedgerViews.Receipt::from);
  }

  public Future<LedgerReply<LedgerViews.History>> history(String name, int offset, int limit) {
    return history(name, offset, limit, false);
  }

  /** With {@code blocks}, each transfer's block too, read from the journal (slower). */
  public Future<LedgerReply<LedgerViews.History>> history(
      String name, int offset, int limit, boolean blocks) {
    JsonObject body = new JsonObject().put("name", name).put("offset", offset).put("limit", limit);
    if (blocks) {
      body.put("blocks", true);
    }
    return request(LedgerApi.HISTORY, body, LedgerViews.History::from);
  }

  public Future<LedgerReply<LedgerViews.Transfer>> findTransfer(TransferId id) {
    return request(
        LedgerApi.FIND_TRANSFER,
        new JsonObject().put("id", id.toString()),
        json -> LedgerViews.Transfer.from(json.getJsonObject("transfer")));
  }

  /**
   * Up to {@code limit} blocks (1 to {@link LedgerApi#MAX_BLOCKS_PER_PAGE}) from block {@code from}
   * on, oldest first; empty past the head.
   */
  public Future<LedgerReply<LedgerViews.Blocks>> blocks(long from, int limit) {
    return request(
        LedgerApi.BLOCKS,
        new JsonObject().put("from", from).put("limit", limit),
        LedgerViews.Blocks::from);
  }

  /** A transfer with its block and the signatures journaled with it. */
  public Future<LedgerReply<LedgerViews.TransferProof>> transferProof(TransferId id) {
    return request(
        LedgerApi.TRANSFER_PROOF,
        new JsonObject().put("id", id.toString()),
        LedgerViews.TransferProof::from);
  }

  /**
   * Gradecoin: a transaction into the pending pool. {@code id} is the request's id (the entry
   * point's hash of the signed token): a second request with it is a duplicate.
   */
  public Future<LedgerReply<LedgerViews.PoolReceipt>> gradecoinTransaction(
      TransferId id,
      String source,
      String target,
      long amount,
      long gasFee,
      String txId,
      String timestamp) {
    JsonObject body =
        new JsonObject()
            .put("id", id.toString())
            .put("source", source)
            .put("target", target)
            .put("amount", amount)
            .put("gasFee", gasFee)
            .put("txId", txId)
            .put("timestamp", timestamp);
    return request(LedgerApi.GRADECOIN_TRANSACTION, body, LedgerViews.PoolReceipt::from);
  }

  /** Gradecoin: a mined block; the reply holds the block as accepted. */
  public Future<LedgerReply<LedgerViews.BlockReceipt>> gradecoinBlock(
      TransferId id, List<String> txIds, long nonce, String timestamp, String hash) {
    JsonObject body =
        new JsonObject()
            .put("id", id.toString())
            .put("txIds", new JsonArray(List.copyOf(txIds)))
            .put("nonce", nonce)
            .put("timestamp", timestamp)
            .put("hash", hash);
    return request(LedgerApi.GRADECOIN_BLOCK, body, LedgerViews.BlockReceipt::from);
  }

  /** Gradecoin: the entries of {@code txIds} that are pending, in the order asked. */
  public Future<LedgerReply<LedgerViews.Pool>> gradecoinPending(List<String> txIds) {
    return request(
        LedgerApi.GRADECOIN_PENDING,
        new JsonObject().put("txIds", new JsonArray(List.copyOf(txIds))),
        LedgerViews.Pool::from);
  }

  /** Gradecoin: a page of the pending pool, oldest first. */
  public Future<LedgerReply<LedgerViews.Pool>> gradecoinPool(int offset, int limit) {
    return request(
        LedgerApi.GRADECOIN_POOL,
        new JsonObject().put("offset", offset).put("limit", limit),
        LedgerViews.Pool::from);
  }

  /** Gradecoin: the last accepted block (none before the first) and the height. */
  public Future<LedgerReply<LedgerViews.LastBlock>> gradecoinLastBlock() {
    return request(LedgerApi.GRADECOIN_LAST_BLOCK, new JsonObject(), LedgerViews.LastBlock::from);
  }

  /** Gradecoin: a page of the accounts in registration order, with balance and bot flag. */
  public Future<LedgerReply<LedgerViews.GradecoinUsers>> gradecoinUsers(int offset, int limit) {
    return request(
        LedgerApi.GRADECOIN_USERS,
        new JsonObject().put("offset", offset).put("limit", limit),
        LedgerViews.GradecoinUsers::from);
  }

  /** The ledger's status as it stands (see docs/event-bus.md); for health and metrics. */
  public Future<LedgerReply<LedgerStatus>> status() {
    return request(LedgerApi.STATUS, new JsonObject(), LedgerStatus::fromJson);
  }

  /**
   * @param operation one of {@link LedgerApi}'s addresses; sent to this client's ledger's form of
   *     it
   */
  private <T> Future<LedgerReply<T>> request(
      String operation, JsonObject body, Function<JsonObject, T> view) {
    String address = addresses.of(operation);
    Promise<LedgerReply<T>> answer = Promise.promise();
    Consumer<String> abandon = reason -> answer.tryComplete(new LedgerReply.Unknown<>(reason));
    inFlight.add(abandon);
    ask(address, body, view)
        .onComplete(
            done -> {
              inFlight.remove(abandon);
              if (done.succeeded()) {
                answer.tryComplete(done.result());
              } else {
                answer.tryFail(done.cause());
              }
            });
    return answer.future();
  }

  private <T> Future<LedgerReply<T>> ask(
      String address, JsonObject body, Function<JsonObject, T> view) {
    Future<JsonObject> answered =
        address.equals(addresses.status())
            ? bus.<JsonObject>request(address, body, delivery).map(Message::body)
            : coalescer.request(address, body);
    return answered
        .map(
            reply ->
                reply.getBoolean("ok", false)
                    ? (LedgerReply<T>) new LedgerReply.Ok<>(view.apply(reply))
                    : new LedgerReply.Rejected<T>(
                        reply.getString("code"), reply.getString("reason")))
        .recover(
            failure -> {
              int code = failure instanceof ReplyException reply ? reply.failureCode() : -1;
              return Future.succeededFuture(
                  switch (code) {
                    case LedgerApi.FAILURE_BAD_REQUEST ->
                        new LedgerReply.Rejected<>("BAD_REQUEST", failure.getMessage());
                    case LedgerApi.FAILURE_OVERLOADED ->
                        new LedgerReply.Rejected<>(
                            LedgerApi.OVERLOADED,
                            "the ledger is busy; retry later with the same id");
                    default ->
                        new LedgerReply.Unknown<>(
                            "no answer from the ledger: " + failure.getMessage());
                  });
            });
  }
}
