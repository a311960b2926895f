package io.paywire.bus;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.GradecoinRules;
import io.paywire.ledger.GradecoinView;
import io.paywire.ledger.JournalBlocks;
import io.paywire.ledger.LedgerView;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.RejectCode;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.TransferView;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The ledger's side of its contract ({@link LedgerApi}, docs/event-bus.md): how each request body
 * is read and what it is answered, written once for every verticle that serves the addresses, the
 * single node's {@code node/LedgerVerticle} and a cluster leader's {@code
 * cluster/RaftLedgerVerticle}. Those verticles only decide when: a {@link Write} is run in a batch
 * and answered once that batch is durable (on one disk, or committed by a Raft majority and
 * applied); a {@link Read} looks at the state in its turn, behind the writes queued before it.
 *
 * <p>{@link LedgerApi#STATUS} is not here: the service answers it from its commit port's facts
 * ({@link LedgerStatus}).
 */
public final class LedgerRequests {

  private static final System.Logger LOG = System.getLogger(LedgerRequests.class.getName());

  /** Every address served through {@link #accept}: all of {@link LedgerApi}'s but the status. */
  public static final List<String> ADDRESSES =
      List.of(
          LedgerApi.OPEN_ACCOUNT,
          LedgerApi.TRANSFER,
          LedgerApi.ACCOUNT,
          LedgerApi.HISTORY,
          LedgerApi.FIND_TRANSFER,
          LedgerApi.BLOCKS,
          LedgerApi.TRANSFER_PROOF,
          LedgerApi.GRADECOIN_TRANSACTION,
          LedgerApi.GRADECOIN_BLOCK,
          LedgerApi.GRADECOIN_POOL,
          LedgerApi.GRADECOIN_PENDING,
          LedgerApi.GRADECOIN_LAST_BLOCK,
          LedgerApi.GRADECOIN_USERS);

  /** What a request asks of the ledger, once its body has been read. */
  public sealed interface Request permits Write, Read {}

  /** A command for the next batch; answered from what it did, once the batch is durable. */
  public record Write(Command command) implements Request {
    /** The reply, and for a payment that moved money (not a replay) its {@link TransferEvents}. */
    public Answer.Ready answer(Executed executed) {
      JsonObject event = null;
      if (command instanceof Command.Transfer
          && executed.outcome() instanceof Outcome.Accepted accepted
          && !accepted.duplicate()) {
        event =
            TransferEvents.Event.of(
                accepted.transfer(),
                executed.payerBalance().orElseThrow(),
                executed.payeeBalance().orElseThrow());
      }
      JsonObject reply = LedgerApi.executed(executed);
      if (command instanceof Command.PoolTransaction tx
          && executed.outcome() instanceof Outcome.Accepted) {
        reply.put("txId", tx.txId());
      }
      executed.block().ifPresent(b -> reply.put("block", LedgerApi.gradecoinBlock(b)));
      return new Answer.Ready(reply, event);
    }
  }

  /**
   * A look at the state in the request's turn. Answered only once the batches before it are
   * durable: the lookup runs on the ledger's owner thread, and must not keep the view.
   */
  public record Read(Function<LedgerView, Answer> lookup) implements Request {}

  /** What a request answers. */
  public sealed interface Answer {
    /**
     * A reply body, complete; and what to publish once its batch is durable, if anything.
     *
     * @param event a {@link TransferEvents} event, or null
     */
    record Ready(JsonObject body, JsonObject event) implements Answer {
      public Ready(JsonObject body) {
        this(body, null);
      }

      /**
       * Replies; the event, if any, is the caller's to announce with the others of its batch, after
       * every reply of the batch ({@link TransferEvents#batch}).
       */
      public void deliver(Responder responder) {
        responder.reply(body);
      }
    }

    /** A read of the journal, to run on a worker below the durable bound as of its turn. */
    record FromJournal(JournalRead read) implements Answer {}
  }

  /** Reads blocks or a transfer's proof back from the journal, below {@code bound}. */
  @FunctionalInterface
  public interface JournalRead {
    JsonObject read(JournalBlocks journal, long bound) throws IOException;
  }

  private interface Parser {
    Request parse(RequestReader body);
  }

  private final LedgerAddresses addresses;
  private final long defaultDepositMinor;
  private final Random random;

  /** Keyed by operation: {@link LedgerApi}'s addresses, the main ledger's. */
  private final Map<String, Parser> parsers;

  /** The main ledger's requests. */
  public LedgerRequests(long defaultDepositMinor, Random random) {
    this(LedgerAddresses.MAIN, defaultDepositMinor, random);
  }

  /**
   * @param addresses where this ledger is served
   * @param defaultDepositMinor the deposit of a registration that names none
   * @param random where a registration without an id gets its id, when its request is read
   */
  public LedgerRequests(LedgerAddresses addresses, long defaultDepositMinor, Random random) {
    this.addresses = addresses;
    this.defaultDepositMinor = defaultDepositMinor;
    this.random = random;
    this.parsers =
        Map.ofEntries(
            Map.entry(LedgerApi.OPEN_ACCOUNT, this::openAccount),
            Map.entry(LedgerApi.TRANSFER, LedgerRequests::transfer),
            Map.entry(LedgerApi.ACCOUNT, LedgerRequests::account),
            Map.entry(LedgerApi.HISTORY, LedgerRequests::history),
            Map.entry(LedgerApi.FIND_TRANSFER, LedgerRequests::findTransfer),
            Map.entry(LedgerApi.BLOCKS, LedgerRequests::blocks),
            Map.entry(LedgerApi.TRANSFER_PROOF, LedgerRequests::transferProof),
            Map.entry(LedgerApi.GRADECOIN_TRANSACTION, LedgerRequests::gradecoinTransaction),
            Map.entry(LedgerApi.GRADECOIN_BLOCK, LedgerRequests::gradecoinBlock),
            Map.entry(LedgerApi.GRADECOIN_POOL, LedgerRequests::gradecoinPool),
            Map.entry(LedgerApi.GRADECOIN_PENDING, LedgerRequests::gradecoinPending),
            Map.entry(LedgerApi.GRADECOIN_LAST_BLOCK, LedgerRequests::gradecoinLastBlock),
            Map.entry(LedgerApi.GRADECOIN_USERS, LedgerRequests::gradecoinUsers));
    assert parsers.keySet().equals(Set.copyOf(ADDRESSES));
  }

  /**
   * Consumes every one of {@link #ADDRESSES} on {@code bus}, and {@link LedgerApi#REQUESTS}, each
   * at this ledger's form of it ({@link LedgerAddresses#of}), reading each request with {@link
   * #accept} and handing it, with where its answer goes, to {@code queue}: a request of a batch
   * message in the batch's order, its answer a slot of the batch's one reply. The consumers are
   * returned so the ledger can remove them. Each ledger verticle serves its addresses this way.
   */
  public List<MessageConsumer<Object>> serve(EventBus bus, BiConsumer<Responder, Request> queue) {
    BatchCodecs.register(bus);
    List<MessageConsumer<Object>> consumers = new ArrayList<>(ADDRESSES.size() + 1);
    for (String operation : ADDRESSES) {
      String address = addresses.of(operation);
      consumers.add(
          bus.consumer(
              address,
              (Message<Object> message) -> {
                Responder responder = Responder.of(message);
                accept(address, message.body(), responder)
                    .ifPresent(request -> queue.accept(responder, request));
              }));
    }
    consumers.add(
        bus.consumer(
            addresses.requests(), (Message<Object> message) -> acceptBatch(message, queue)));
    return consumers;
  }

  /**
   * Reads a {@link LedgerApi#REQUESTS} message: a malformed one (not a batch, empty, more than
   * {@link LedgerApi#MAX_REQUESTS_PER_MESSAGE} requests, a request to an address not served here)
   * fails whole with {@link LedgerApi#FAILURE_BAD_REQUEST} and queues nothing; otherwise each
   * request is read and queued in order, and one the ledger refuses fails its slot only.
   */
  private void acceptBatch(Message<Object> message, BiConsumer<Responder, Request> queue) {
    List<RequestBatch.Item> items;
    try {
      items = batchItems(message.body());
    } catch (BadRequest bad) {
      message.fail(LedgerApi.FAILURE_BAD_REQUEST, bad.getMessage());
      return;
    }
    ReplyBatch.Collector replies = new ReplyBatch.Collector(message, items.size());
    for (int i = 0; i < items.size(); i++) {
      RequestBatch.Item item = items.get(i);
      Responder slot = replies.slot(i);
      accept(item.address(), item.body(), slot).ifPresent(request -> queue.accept(slot, request));
    }
  }

  private List<RequestBatch.Item> batchItems(Object body) {
    RequestBatch batch;
    if (body instanceof RequestBatch b) {
      batch = b;
    } else if (body instanceof JsonArray array) {
      batch = RequestBatch.fromJson(array);
    } else {
      throw new BadRequest("a batch of requests must be a JSON array");
    }
    int size = batch.items().size();
    if (size < 1 || size > LedgerApi.MAX_REQUESTS_PER_MESSAGE) {
      throw new BadRequest(
          "a batch holds 1 to " + LedgerApi.MAX_REQUESTS_PER_MESSAGE + " requests, not " + size);
    }
    for (int i = 0; i < size; i++) {
      String address = batch.items().get(i).address();
      String operation = addresses.operation(address);
      if (operation == null || !parsers.containsKey(operation)) {
        throw new BadRequest(
            "request " + i + " of the batch names no ledger request address: " + address);
      }
    }
    return batch.items();
  }

  /**
   * Reads the request a body sent to {@code address} carries. A body the ledger cannot read (a
   * field missing, of the wrong type or out of range) is answered with {@link
   * LedgerApi#FAILURE_BAD_REQUEST}, naming the field, and gives nothing.
   *
   * @throws IllegalArgumentException if {@code address} is not this ledger's form of one of {@link
   *     #ADDRESSES}
   */
  public Optional<Request> accept(String address, Object body, Responder responder) {
    String operation = addresses.operation(address);
    Parser parser = operation == null ? null : parsers.get(operation);
    if (parser == null) {
      throw new IllegalArgumentException("no ledger request at " + address);
    }
    try {
      return Optional.of(parser.parse(new RequestReader(body)));
    } catch (BadRequest bad) {
      responder.fail(LedgerApi.FAILURE_BAD_REQUEST, bad.getMessage());
      return Optional.empty();
    }
  }

  private Request openAccount(RequestReader body) {
    TransferId given = body.optionalId("id");
    return new Write(
        new Command.OpenAccount(
            given != null ? given : TransferId.random(random),
            body.string("name"),
            body.base64("publicKey"),
            body.longValue("deposit", defaultDepositMinor)));
  }

  private static Request transfer(RequestReader body) {
    return new Write(
        new Command.Transfer(
            body.id("id"),
            body.string("payer"),
            body.string("payee"),
            body.longValue("amount", 0),
            body.base64("payerSignature"),
            body.base64("payeeSignature")));
  }

  private static Request account(RequestReader body) {
    String name = body.string("name");
    return ready(
        state ->
            state
                .account(name)
                .map(a -> new JsonObject().put("ok", true).put("account", LedgerApi.account(a)))
                .orElseGet(() -> LedgerApi.rejection("UNKNOWN_ACCOUNT", "no account " + name)));
  }

  /**
   * The page is read in memory in the request's turn; with {@code "blocks": true} each row's block
   * is then read from the journal, as {@link #transferProof} reads one.
   */
  private static Request history(RequestReader body) {
    String name = body.string("name");
    int offset = body.intValue("offset", 0, 0, Integer.MAX_VALUE);
    int limit = body.intValue("limit", 20, 1, LedgerView.MAX_HISTORY_PAGE);
    boolean blocks = body.flag("blocks");
    return new Read(
        state ->
            blocks && state.gradecoin().isPresent()
                ? new Answer.Ready(proofUnsupported())
                : state
                    .account(name)
                    .<Answer>map(
                        a -> {
                          List<TransferView> page = state.history(name, offset, limit);
                          JsonObject reply =
                              new JsonObject()
                                  .put("ok", true)
                                  .put("total", a.transferCount())
                                  .put("transfers", LedgerApi.transfers(page));
                          return blocks
                              ? new Answer.FromJournal(
                                  (journal, bound) -> withBlocks(reply, page, journal, bound))
                              : new Answer.Ready(reply);
                        })
                    .orElseGet(
                        () ->
                            new Answer.Ready(
                                LedgerApi.rejection("UNKNOWN_ACCOUNT", "no account " + name))));
  }

  /** Puts each row's {@code block} into {@code reply}'s transfers, read below {@code bound}. */
  private static JsonObject withBlocks(
      JsonObject reply, List<TransferView> page, JournalBlocks journal, long bound)
      throws IOException {
    JsonArray rows = reply.getJsonArray("transfers");
    for (int i = 0; i < page.size(); i++) {
      rows.getJsonObject(i).put("block", journaled(journal, page.get(i), bound).batchSequence());
    }
    return reply;
  }

  private static Request findTransfer(RequestReader body) {
    TransferId id = body.id("id");
    return ready(
        state ->
            state
                .transfer(id)
                .map(t -> new JsonObject().put("ok", true).put("transfer", LedgerApi.transfer(t)))
                .orElseGet(() -> unknownTransfer(id)));
  }

  private static Request blocks(RequestReader body) {
    long from = body.longValue("from", 0, 0, Long.MAX_VALUE);
    int limit =
        body.intValue("limit", LedgerApi.DEFAULT_BLOCKS_PER_PAGE, 1, LedgerApi.MAX_BLOCKS_PER_PAGE);
    return new Read(
        state ->
            new Answer.FromJournal(
                (journal, bound) -> LedgerApi.blocks(journal.blocks(from, limit, bound), bound)));
  }

  /** The id is looked up in memory in the request's turn; block and signatures on the disk. */
  private static Request transferProof(RequestReader body) {
    TransferId id = body.id("id");
    return new Read(
        state ->
            state.gradecoin().isPresent()
                ? new Answer.Ready(proofUnsupported())
                : state
                    .transfer(id)
                    .<Answer>map(
                        t -> new Answer.FromJournal((journal, bound) -> proof(journal, t, bound)))
                    .orElseGet(() -> new Answer.Ready(unknownTransfer(id))));
  }

  private static JsonObject proofUnsupported() {
    return LedgerApi.rejection(
        LedgerApi.UNSUPPORTED,
        "a Gradecoin ledger's journal records are not one transfer each: no transfer proofs");
  }

  private static Request gradecoinTransaction(RequestReader body) {
    return new Write(
        new Command.PoolTransaction(
            body.id("id"),
            body.string("source"),
            body.string("target"),
            body.longValue("amount", 0),
            body.longValue("gasFee", 0),
            body.string("txId"),
            body.string("timestamp")));
  }

  private static Request gradecoinBlock(RequestReader body) {
    return new Write(
        new Command.MineBlock(
            body.id("id"),
            body.strings("txIds", GradecoinRules.MAX_BLOCK_TRANSACTIONS),
            body.longValue("nonce", 0),
            body.string("timestamp"),
            body.string("hash")));
  }

  private static Request gradecoinPending(RequestReader body) {
    List<String> txIds = body.strings("txIds", GradecoinRules.MAX_BLOCK_TRANSACTIONS);
    return gradecoinRead(
        gc -> {
          JsonArray pool = new JsonArray();
          for (String txId : txIds) {
            gc.pending(txId).ifPresent(e -> pool.add(LedgerApi.poolEntry(e)));
          }
          return new JsonObject().put("ok", true).put("total", gc.poolSize()).put("pool", pool);
        });
  }

  private static Request gradecoinPool(RequestReader body) {
    int offset = body.intValue("offset", 0, 0, Integer.MAX_VALUE);
    int limit =
        body.intValue("limit", LedgerApi.MAX_GRADECOIN_PAGE, 1, LedgerApi.MAX_GRADECOIN_PAGE);
    return gradecoinRead(
        gc -> {
          JsonArray pool = new JsonArray();
          gc.pool(offset, limit).forEach(e -> pool.add(LedgerApi.poolEntry(e)));
          return new JsonObject().put("ok", true).put("total", gc.poolSize()).put("pool", pool);
        });
  }

  private static Request gradecoinLastBlock(RequestReader body) {
    return gradecoinRead(
        gc ->
            new JsonObject()
                .put("ok", true)
                .put("height", gc.height())
                .put("block", gc.lastBlock().map(LedgerApi::gradecoinBlock).orElse(null)));
  }

  private static Request gradecoinUsers(RequestReader body) {
    int offset = body.intValue("offset", 0, 0, Integer.MAX_VALUE);
    int limit =
        body.intValue("limit", LedgerApi.MAX_GRADECOIN_PAGE, 1, LedgerApi.MAX_GRADECOIN_PAGE);
    return gradecoinRead(
        gc -> {
          JsonArray users = new JsonArray();
          gc.users(offset, limit).forEach(u -> users.add(LedgerApi.gradecoinUser(u)));
          return new JsonObject().put("ok", true).put("total", gc.userCount()).put("users", users);
        });
  }

  /** A read of a Gradecoin ledger's own state; a plain ledger answers NOT_GRADECOIN. */
  private static Request gradecoinRead(Function<GradecoinView, JsonObject> lookup) {
    return ready(
        state ->
            state
                .gradecoin()
                .map(lookup)
                .orElseGet(
                    () ->
                        LedgerApi.rejection(
                            RejectCode.NOT_GRADECOIN.name(),
                            "this ledger is no Gradecoin network")));
  }

  private static JsonObject proof(JournalBlocks journal, TransferView t, long bound)
      throws IOException {
    return LedgerApi.transferProof(t, journaled(journal, t, bound));
  }

  private static JournalBlocks.JournaledTransfer journaled(
      JournalBlocks journal, TransferView t, long bound) throws IOException {
    return journal
        .transfer(t.sequence(), t.id(), bound)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "transfer "
                        + t.sequence()
                        + " is in memory but in no journal batch below "
                        + bound));
  }

  private static Request ready(Function<LedgerView, JsonObject> lookup) {
    return new Read(state -> new Answer.Ready(lookup.apply(state)));
  }

  private static JsonObject unknownTransfer(TransferId id) {
    return LedgerApi.rejection(LedgerApi.UNKNOWN_TRANSFER, "no transfer " + id);
  }

  /**
   * Refuses a request as overloaded when {@code pending} requests already wait for the ledger
   * ({@link LedgerApi#FAILURE_OVERLOADED}: retry later with the same id).
   *
   * @return whether the message was refused
   */
  public static boolean refuseIfOverloaded(Responder message, int pending, int maxPendingRequests) {
    if (pending < maxPendingRequests) {
      return false;
    }
    message.fail(LedgerApi.FAILURE_OVERLOADED, "ledger overloaded, retry later");
    return true;
  }

  /**
   * Runs a journal read on {@code worker} (unordered, so reads run side by side) and answers {@code
   * message} with it. A read that fails (a damaged journal, an I/O error) is logged and fails the
   * message as unavailable: a damaged journal is never answered from.
   *
   * @return completes once the message is answered, either way
   */
  public static Future<Void> answerFromJournal(
      WorkerExecutor worker,
      Responder message,
      JournalBlocks journal,
      JournalRead read,
      long bound) {
    return worker
        .executeBlocking(() -> read.read(journal, bound), false)
        .andThen(
            done -> {
              if (done.succeeded()) {
                message.reply(done.result());
              } else {
                LOG.log(
                    Level.ERROR,
                    "event=journal_read_failed bound={0} error={1}",
                    bound,
                    done.cause().toString());
                message.fail(
                    LedgerApi.FAILURE_UNAVAILABLE,
                    "journal read failed: " + done.cause().getMessage());
              }
            })
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}
