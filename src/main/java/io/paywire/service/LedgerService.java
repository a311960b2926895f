package io.paywire.service;

import io.paywire.bus.BatchObserver;
import io.paywire.bus.LedgerAddresses;
import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerRequests;
import io.paywire.bus.LedgerRequests.Answer;
import io.paywire.bus.LedgerRequests.Request;
import io.paywire.bus.Responder;
import io.paywire.bus.TransferEvents;
import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The one ledger service of a node: serves the ledger's event-bus addresses ({@link LedgerApi})
 * over a {@link CommitPort}, the same code on a single node (a local journal) and on a cluster's
 * leader (Raft). It owns the request queue, the overload check, batch forming, reads, answers,
 * unknown outcomes, failure reporting and drain; the port only makes a batch durable.
 *
 * <h2>Rounds</h2>
 *
 * Requests queue in arrival order. When the port has room ({@link CommitPort#maxInFlight}), the
 * queued requests (writes up to what one batch takes, and the reads among them) form a round; its
 * writes are committed as one batch. Rounds are answered strictly in the order they were formed: a
 * round is answered only once its batch is durable and every earlier round is answered. Its writes
 * are answered from what their commands did; its reads then look at the state after its batch
 * ({@link CommitPort#read}), so a read reflects every write queued before it and never one that is
 * not durable. A round of reads only confirms first, on a replicated port, that this member may
 * still answer.
 *
 * <h2>Unknown outcomes</h2>
 *
 * A batch whose commit fails, or does not complete within {@link Settings#roundTimeoutMillis},
 * fails its requests with {@link LedgerApi#FAILURE_UNAVAILABLE}: their outcome is unknown, and a
 * retry with the same id settles it. So do the rounds formed after it and still in flight. Until
 * that batch settles (its commit completes either way), new requests fail at once the same way
 * instead of waiting behind it. A batch that settles after its round failed is never answered, but
 * the payments it applied are announced on {@link TransferEvents#ADDRESS} all the same: they are
 * durable, and this service is the only one that announces them.
 *
 * <p>Threading: every method and callback runs on the context the service was made on; journal
 * reads (blocks, proofs) run on a pool of {@link #JOURNAL_READ_THREADS} workers.
 */
public final class LedgerService {

  private static final System.Logger LOG = System.getLogger(LedgerService.class.getName());

  /** Workers reading the journal for blocks and proofs, beside the commit path. */
  public static final int JOURNAL_READ_THREADS = 2;

  /**
   * @param name what the log lines call this ledger
   * @param defaultDepositMinor the deposit of a registration that names none
   * @param maxPendingRequests requests queued (and journal reads running) beyond this are refused
   *     as overloaded
   * @param roundTimeoutMillis a round not answered within this fails its requests as unknown
   *     outcomes; 0 for none (a local journal: its fsync is the only wait)
   * @param addresses where the ledger is served: the main ledger's, or a network's
   */
  public record Settings(
      String name,
      long defaultDepositMinor,
      int maxPendingRequests,
      long roundTimeoutMillis,
      LedgerAddresses addresses) {

    /** The main ledger's. */
    public Settings(
        String name, long defaultDepositMinor, int maxPendingRequests, long roundTimeoutMillis) {
      this(name, defaultDepositMinor, maxPendingRequests, roundTimeoutMillis, LedgerAddresses.MAIN);
    }

    public Settings {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(addresses, "addresses");
      if (maxPendingRequests < 1) {
        throw new IllegalArgumentException("maxPendingRequests must be at least 1");
      }
      if (roundTimeoutMillis < 0) {
        throw new IllegalArgumentException("roundTimeoutMillis must not be negative");
      }
    }
  }

  /** One queued request; a status request has no {@link Request}: the port answers it. */
  private record Pending(Responder responder, Request request) {
    boolean isWrite() {
      return request instanceof LedgerRequests.Write;
    }
  }

  /** One round: its requests, the commands of its batch, and how far it got. */
  private static final class Round {
    final List<Pending> requests;
    final List<Command> commands;
    final long formedNanos = System.nanoTime();
    long timer = -1;

    /** The batch's commit completed, either way. */
    boolean settled;

    List<Executed> executed;
    Throwable failure;

    /** Its reads are under way; it is answered when they return. */
    boolean reading;

    /** Once true the requests have their answer or their failure; nothing more goes to them. */
    boolean answered;

    Round(List<Pending> requests, List<Command> commands) {
      this.requests = requests;
      this.commands = commands;
    }

    boolean hasReads() {
      return requests.size() > commands.size();
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Settings settings;
  private final CommitPort port;
  private final Clock clock;
  private final BatchObserver observer;
  private final LedgerRequests requests;
  private final WorkerExecutor journalReadWorker;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  /** Rounds formed and not yet answered and settled, oldest first. */
  private final ArrayDeque<Round> rounds = new ArrayDeque<>();

  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private int journalReadsInFlight;
  private boolean serving;

  /** A {@link #form} is scheduled for the end of this turn. */
  private boolean formScheduled;

  /** Set by {@link #drain}; completed once nothing is queued or in flight. */
  private Promise<Void> drained;

  /** Made on the context it will run on (a verticle's). */
  public LedgerService(
      Vertx vertx, Settings settings, CommitPort port, Clock clock, BatchObserver observer) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.port = port;
    this.clock = clock;
    this.observer = Objects.requireNonNull(observer, "observer");
    this.requests =
        new LedgerRequests(
            settings.addresses(), settings.defaultDepositMinor(), new SecureRandom());
    this.journalReadWorker =
        vertx.createSharedWorkerExecutor(
            "paywire-journal-read-" + settings.name() + "-" + System.identityHashCode(this),
            JOURNAL_READ_THREADS);
  }

  /** The context every handler of the service runs on. */
  public Context context() {
    return context;
  }

  // ---- serving ---------------------------------------------------------------------------------

  /**
   * Serves the ledger's addresses on the event bus (with {@code consumer}: on a clustered bus, for
   * every node); completes once the consumers are registered.
   */
  public Future<Void> serve() {
    if (serving) {
      return Future.succeededFuture();
    }
    serving = true;
    consumers.addAll(requests.serve(vertx.eventBus(), this::enqueue));
    consumers.add(
        vertx
            .eventBus()
            .consumer(settings.addresses().status(), message -> status(Responder.of(message))));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /** Whether the addresses are served. */
  public boolean serving() {
    return serving;
  }

  /**
   * Stops serving: removes the consumers and fails every queued request as an unknown outcome with
   * {@code reason}; with {@code failInFlight} also the rounds in flight (a member that stepped
   * down: their batches will most likely fail). Rounds in flight otherwise finish.
   */
  public void stopServing(String reason, boolean failInFlight) {
    serving = false;
    consumers.forEach(MessageConsumer::unregister);
    consumers.clear();
    failQueued(reason);
    if (failInFlight) {
      rounds.forEach(r -> fail(r, reason));
    }
    checkDrained();
  }

  /**
   * Stops serving and completes once every round in flight has settled and every journal read has
   * been answered; then closes the service's workers. Queued requests are failed as unknown.
   */
  public Future<Void> drain(String reason) {
    stopServing(reason, false);
    drained = Promise.promise();
    checkDrained();
    return drained.future().andThen(done -> journalReadWorker.close());
  }

  /**
   * Status is answered even after the ledger failed closed, so that {@code GET /health} can say
   * that it failed, and why, instead of only that no answer came.
   */
  private void status(Responder responder) {
    if (port.failure() != null) {
      port.read(port::status, false)
          .onComplete(
              done -> {
                if (done.succeeded()) {
                  responder.reply(done.result());
                } else {
                  responder.fail(
                      LedgerApi.FAILURE_UNAVAILABLE, "ledger failed closed: " + port.failure());
                }
              });
      return;
    }
    enqueue(responder, null);
  }

  // ---- queue and rounds ------------------------------------------------------------------------

  private void enqueue(Responder responder, Request request) {
    String failure = port.failure();
    if (failure != null) {
      responder.fail(LedgerApi.FAILURE_UNAVAILABLE, "ledger failed closed: " + failure);
      return;
    }
    if (!serving) { // a message that was on its way when the consumers went
      responder.fail(
          LedgerApi.FAILURE_UNAVAILABLE,
          "this ledger is not serving here now; retry with the same id");
      return;
    }
    Round head = rounds.peekFirst();
    if (head != null && head.answered && !head.settled) {
      responder.fail(
          LedgerApi.FAILURE_UNAVAILABLE,
          "the ledger's last batch has not settled; outcome unknown, retry with the same id");
      return;
    }
    if (LedgerRequests.refuseIfOverloaded(
        responder, queue.size() + journalReadsInFlight, settings.maxPendingRequests())) {
      return;
    }
    queue.add(new Pending(responder, request));
    formLater();
  }

  /**
   * Forms rounds once the requests that arrived in this event-loop turn are queued: the items of
   * one coalesced message (or of several delivered together) then make one round, not one round for
   * the first and another for the rest.
   */
  private void formLater() {
    if (!formScheduled) {
      formScheduled = true;
      context.runOnContext(
          v -> {
            formScheduled = false;
            form();
          });
    }
  }

  /** Forms rounds from the queue while the port has room for another batch. */
  private void form() {
    if (port.failure() != null && !queue.isEmpty()) {
      failQueued("ledger failed closed: " + port.failure());
    }
    while (serving
        && !queue.isEmpty()
        && rounds.size() < port.maxInFlight()
        && !headFailedUnsettled()) {
      CommitPort.Form batch = port.newForm();
      List<Pending> taken = new ArrayList<>(Math.min(queue.size(), 1024));
      while (!queue.isEmpty()) {
        Pending next = queue.peek();
        if (next.isWrite() && !batch.tryAdd(((LedgerRequests.Write) next.request()).command())) {
          if (!batch.isEmpty()) {
            break; // the batch is full: the rest waits for the next
          }
          queue.poll();
          next.responder()
              .fail(
                  LedgerApi.FAILURE_BAD_REQUEST,
                  "the request is larger than one batch of the ledger");
          continue;
        }
        taken.add(queue.poll());
      }
      if (!taken.isEmpty()) {
        start(new Round(taken, batch.commands()));
      }
    }
    checkDrained();
  }

  private boolean headFailedUnsettled() {
    Round head = rounds.peekFirst();
    return head != null && head.answered && !head.settled;
  }

  /** Commits the round's batch (a round of reads only has none) and watches its time. */
  private void start(Round r) {
    rounds.addLast(r);
    if (settings.roundTimeoutMillis() > 0) {
      r.timer = vertx.setTimer(settings.roundTimeoutMillis(), id -> timedOut(r));
    }
    Future<List<Executed>> committed =
        r.commands.isEmpty()
            ? Future.succeededFuture(List.of())
            : port.commit(r.commands, clock.millis());
    committed.onComplete(
        done -> {
          r.settled = true;
          if (done.succeeded()) {
            r.executed = done.result();
            if (!r.commands.isEmpty()) {
              observe(r.commands.size(), System.nanoTime() - r.formedNanos);
              port.committed();
            }
          } else {
            r.failure = done.cause();
            LOG.log(
                Level.WARNING,
                "event=ledger_batch_failed ledger={0} commands={1} error={2}",
                settings.name(),
                r.commands.size(),
                done.cause().toString());
          }
          advance();
        });
  }

  private void timedOut(Round r) {
    r.timer = -1;
    if (r.answered) {
      return;
    }
    String reason =
        "the ledger did not confirm the batch within "
            + settings.roundTimeoutMillis()
            + " ms; outcome unknown, retry with the same id";
    LOG.log(
        Level.WARNING,
        "event=ledger_batch_timed_out ledger={0} commands={1}",
        settings.name(),
        r.commands.size());
    failFrom(r, reason);
    failQueued(reason);
    checkDrained();
  }

  /**
   * Answers rounds from the oldest while they are settled: each after every earlier one, so a
   * connection's replies keep the order of its requests.
   */
  private void advance() {
    Round head;
    while ((head = rounds.peekFirst()) != null && head.settled && !head.reading) {
      if (head.failure != null) {
        failFrom(
            head,
            "the ledger did not confirm the batch; outcome unknown, retry with the "
                + "same id: "
                + head.failure.getMessage());
        finish(head);
      } else if (head.answered) {
        announce(head); // failed before it settled, but applied: durable, so announced
        finish(head);
      } else if (head.hasReads()) {
        read(head);
        return; // answered, and finished, when its reads return
      } else {
        answer(head, null);
        finish(head);
      }
    }
    form();
  }

  /** The round's batch is durable: its reads look at the state after it. */
  private void read(Round r) {
    r.reading = true;
    port.read(point -> lookUp(r, point), r.commands.isEmpty())
        .onComplete(
            done -> {
              r.reading = false;
              if (done.succeeded()) {
                answer(r, done.result());
              } else {
                LOG.log(
                    Level.ERROR,
                    "event=ledger_read_failed ledger={0} error={1}",
                    settings.name(),
                    done.cause().toString());
                if (!r.answered) {
                  answer(r, null); // the writes are durable: they get their answers all the same
                }
              }
              finish(r);
              advance();
            });
  }

  /** What the round's reads find; runs where the port reads (perhaps another thread). */
  private Reads lookUp(Round r, CommitPort.ReadPoint point) {
    List<Object> answers = new ArrayList<>(r.requests.size() - r.commands.size());
    for (Pending p : r.requests) {
      if (p.request() == null) {
        answers.add(port.status(point));
      } else if (p.request() instanceof LedgerRequests.Read read) {
        answers.add(read.lookup().apply(point.state()));
      }
    }
    return new Reads(answers, point);
  }

  /** The reads' answers of a round ({@link Answer}s, or status bodies) and where they read. */
  private record Reads(List<Object> answers, CommitPort.ReadPoint point) {}

  /**
   * Answers the round in request order; {@code reads} null means its reads failed, and they are
   * answered as unavailable. A round already failed gets nothing more, but its payments are
   * announced.
   */
  private void answer(Round r, Reads reads) {
    if (r.answered) {
      announce(r);
      return;
    }
    r.answered = true;
    Iterator<Executed> executed = r.executed.iterator();
    Iterator<Object> read = reads == null ? null : reads.answers().iterator();
    List<JsonObject> events = new ArrayList<>();
    for (Pending p : r.requests) {
      if (p.request() instanceof LedgerRequests.Write write) {
        Answer.Ready ready = write.answer(executed.next());
        ready.deliver(p.responder());
        if (ready.event() != null) {
          events.add(ready.event());
        }
      } else if (read == null) {
        p.responder().fail(LedgerApi.FAILURE_UNAVAILABLE, "reading the ledger failed");
      } else {
        Object answer = read.next();
        if (answer instanceof Answer.Ready ready) {
          ready.deliver(p.responder());
        } else if (answer instanceof Answer.FromJournal journal) {
          readJournal(p.responder(), reads.point(), journal.read());
        } else {
          p.responder().reply((JsonObject) answer);
        }
      }
    }
    publish(events);
  }

  /** Announces the payments a round's batch applied, without answering anyone. */
  private void announce(Round r) {
    if (r.executed == null) {
      return;
    }
    Iterator<Executed> executed = r.executed.iterator();
    List<JsonObject> events = new ArrayList<>();
    for (Pending p : r.requests) {
      if (p.request() instanceof LedgerRequests.Write write) {
        Answer.Ready ready = write.answer(executed.next());
        if (ready.event() != null) {
          events.add(ready.event());
        }
      }
    }
    publish(events);
  }

  /** One message for a batch's payments: on a cluster, one frame per member, not one each. */
  private void publish(List<JsonObject> events) {
    if (!events.isEmpty()) {
      vertx
          .eventBus()
          .publish(settings.addresses().transferEvents(), TransferEvents.publication(events));
    }
  }

  private void finish(Round r) {
    if (r.timer >= 0) {
      vertx.cancelTimer(r.timer);
    }
    Round head = rounds.pollFirst();
    assert head == r : "rounds finish in the order they were formed";
  }

  /** Fails {@code from} and every round formed after it, as unknown outcomes. */
  private void failFrom(Round from, String reason) {
    boolean after = false;
    for (Round r : rounds) {
      after |= r == from;
      if (after) {
        fail(r, reason);
      }
    }
  }

  private static void fail(Round r, String reason) {
    if (!r.answered) {
      r.answered = true;
      r.requests.forEach(p -> p.responder().fail(LedgerApi.FAILURE_UNAVAILABLE, reason));
    }
  }

  private void failQueued(String reason) {
    queue.forEach(p -> p.responder().fail(LedgerApi.FAILURE_UNAVAILABLE, reason));
    queue.clear();
  }

  /** Runs a journal read on a read worker; it counts as pending until answered. */
  private void readJournal(
      Responder responder, CommitPort.ReadPoint point, LedgerRequests.JournalRead read) {
    journalReadsInFlight++;
    LedgerRequests.answerFromJournal(
            journalReadWorker, responder, point.journal(), read, point.journalBound())
        .onComplete(
            done -> {
              journalReadsInFlight--;
              checkDrained();
            });
  }

  /** Tells the observer of a durable batch; its failure is logged, never the batch's. */
  private void observe(int commands, long nanos) {
    try {
      observer.written(commands, nanos);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "event=batch_observer_failed error={0}", e.toString());
    }
  }

  private void checkDrained() {
    if (drained != null
        && queue.isEmpty()
        && journalReadsInFlight == 0
        && rounds.stream().allMatch(r -> r.settled && !r.reading)) {
      drained.tryComplete();
    }
  }
}
