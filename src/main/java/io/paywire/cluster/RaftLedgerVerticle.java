package io.paywire.cluster;

import io.paywire.bus.BatchObserver;
import io.paywire.bus.LedgerApi;
import io.paywire.bus.LedgerRequests;
import io.paywire.bus.LedgerRequests.Answer;
import io.paywire.bus.LedgerRequests.Request;
import io.paywire.bus.TransferEvents;
import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.JournalBlocks;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The ledger on a cluster node, deployed instead of {@code node/LedgerVerticle}: this node's
 * member of the ledger's Raft group ({@link RaftLedger}), and, while that member leads, the
 * ledger's event-bus addresses ({@link LedgerApi}) with the single node's contract, every request
 * read and answered by the same {@link LedgerRequests}.
 *
 * <h2>Leading</h2>
 *
 * The consumers are registered (with {@code consumer}, so on a clustered event bus they serve
 * every node) when the member is leader ready, that is, leads and has applied every entry of
 * earlier terms, and removed as soon as it is not. Ratis tells the state machine of both
 * ({@code notifyLeaderReady}, {@code notifyNotLeader}, {@code notifyLeaderChanged}); the event
 * hops to this verticle's event loop, which reads the role afresh. A check every
 * {@link Settings#leadershipCheckMillis} catches what no event said. During a takeover no member
 * has consumers: a request fails at once for want of a handler, which {@code LedgerClient}
 * reports as an unknown outcome.
 *
 * <p>Stepping down (or stopping) fails every request still queued, and those of a proposal still
 * in flight, with {@link LedgerApi#FAILURE_UNAVAILABLE}: unknown outcomes, which a retry with the
 * same id settles, never a refusal.
 *
 * <h2>Group commit</h2>
 *
 * As on one node: requests queue while a proposal is in flight; then every queued request, up to
 * what one entry takes ({@link LedgerEntry.Builder}, the ledger's batch limits), becomes one
 * {@link RaftLedger#propose proposal}. Its writes are answered from the results of its entry,
 * only once it is committed by a majority and applied here; a payment it applied is announced on
 * {@link TransferEvents#ADDRESS} by this member, the one that proposed it, and by no other. Reads
 * taken into the same round are answered after that apply, from this member's state, so they
 * reflect every write queued before them and nothing uncommitted. A round of reads only first
 * confirms the lead with a majority ({@link RaftLedger#confirmLeadership}, Raft's ReadIndex), so
 * every read is linearizable: a member deposed without knowing it fails the reads as unavailable
 * rather than answering from a stale state. Journal reads (blocks, proofs) read this member's own
 * journal below what it has applied.
 *
 * <p>A proposal that fails, or does not complete within {@link Settings#proposalTimeoutMillis},
 * fails its requests as unavailable. Until it settles (Ratis fails it, or the member gives up
 * on it: {@link RaftSettings#proposalGiveUp}), no further proposal can be formed on the position
 * it left, so requests meanwhile fail at once as unavailable instead of waiting behind it. A
 * member that no longer leads can only see its proposal fail or, if a majority committed it after
 * all, applied: it never answers a write from anything but its own apply of a committed entry.
 *
 * <p>Threading: all fields are used on this verticle's event loop. Proposing and reading the
 * state take the state machine's lock, which an apply or a snapshot may hold for a while, so they
 * run on a single worker; journal reads on a pool of {@link #JOURNAL_READ_THREADS}.
 */
public final class RaftLedgerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(RaftLedgerVerticle.class.getName());

  /** Workers reading the journal for blocks and proofs, beside the proposing worker. */
  static final int JOURNAL_READ_THREADS = 2;

  /**
   * How a cluster node's ledger runs.
   *
   * @param dataDirectory this member's own: {@code ledger/} (what {@code paywire verify} checks)
   *     and {@code raft/} below it
   * @param defaultDepositMinor the deposit of a registration that names none
   * @param maxPendingRequests requests queued beyond this are refused as overloaded
   * @param self this member, one of {@code group}
   * @param group every member of the ledger's Raft group, {@code self} included, in any order;
   *     every member must be given the same
   * @param raft the Raft member's settings
   * @param proposalTimeoutMillis a proposal (with the reads answered after it) not done within
   *     this fails its requests as unavailable; keep it below the entry points'
   *     {@code ledger.requestTimeoutMillis}, so that they hear that rather than nothing
   * @param leadershipCheckMillis how often the member's role is checked besides Ratis's events:
   *     the longest a missed event could leave consumers registered, or absent
   * @param clusterKeys the cluster key: the member's Raft traffic runs mutual TLS with it
   *     ({@link RaftLedger#start(Path, LedgerOptions, RaftLedger.Member, List, RaftSettings,
   *     ClusterKeys.KeyFiles)}); every member must be given the same. Null only in this
   *     package's tests, for plaintext: a cluster node always passes its key
   * @param join this member joins a running group (the others in {@code group}) rather than
   *     founding it: it asks the leader to add it ({@link RaftLedger#requestMembership})
   */
  public record Settings(
      Path dataDirectory, LedgerOptions options, long defaultDepositMinor,
      int maxPendingRequests, RaftLedger.Member self, List<RaftLedger.Member> group,
      RaftSettings raft, long proposalTimeoutMillis, long leadershipCheckMillis,
      ClusterKeys.KeyFiles clusterKeys, boolean join) {

    /** Below the default {@code ledger.requestTimeoutMillis}, 5 s. */
    public static final long DEFAULT_PROPOSAL_TIMEOUT_MILLIS = 3_000;
    public static final long DEFAULT_LEADERSHIP_CHECK_MILLIS = 200;
    /** How long a joining member waits between requests to be added to the group. */
    public static final long JOIN_RETRY_MILLIS = 1_000;

    /** A member that founds the group with the others listed (not {@code join}). */
    public Settings(Path dataDirectory, LedgerOptions options, long defaultDepositMinor,
        int maxPendingRequests, RaftLedger.Member self, List<RaftLedger.Member> group,
        RaftSettings raft, long proposalTimeoutMillis, long leadershipCheckMillis,
        ClusterKeys.KeyFiles clusterKeys) {
      this(dataDirectory, options, defaultDepositMinor, maxPendingRequests, self, group, raft,
          proposalTimeoutMillis, leadershipCheckMillis, clusterKeys, false);
    }

    public Settings {
      Objects.requireNonNull(dataDirectory, "dataDirectory");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(self, "self");
      Objects.requireNonNull(raft, "raft");
      group = List.copyOf(group);
      require(maxPendingRequests >= 1, "maxPendingRequests must be at least 1");
      require(group.contains(self), "member " + self.id() + " is not in the group " + group);
      require(new HashSet<>(group.stream().map(RaftLedger.Member::id).toList()).size()
          == group.size(), "member ids in the group must differ: " + group);
      require(proposalTimeoutMillis >= 100 && proposalTimeoutMillis <= 600_000,
          "proposalTimeoutMillis must be 100 to 600000");
      require(leadershipCheckMillis >= 10 && leadershipCheckMillis <= 10_000,
          "leadershipCheckMillis must be 10 to 10000");
      require(!join || clusterKeys != null, "a joining member runs Raft with the cluster key");
    }

    /**
     * With Ratis settings, the proposal timeout and the leadership check at their defaults, and
     * Raft in plaintext: only for this package's tests.
     */
    Settings(Path dataDirectory, LedgerOptions options, long defaultDepositMinor,
        int maxPendingRequests, RaftLedger.Member self, List<RaftLedger.Member> group) {
      this(dataDirectory, options, defaultDepositMinor, maxPendingRequests, self, group,
          RaftSettings.DEFAULTS, DEFAULT_PROPOSAL_TIMEOUT_MILLIS,
          DEFAULT_LEADERSHIP_CHECK_MILLIS, null);
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** One queued request. */
  private record Pending(Message<Object> message, Request request) {}

  /**
   * One proposal's requests (its writes, and the reads queued among them), answered together once
   * its entry is applied here, or failed together.
   */
  private static final class Round {
    final List<Pending> requests;
    final List<Command> commands;
    long timer;
    /** Once true the requests have their answer, or their failure; nothing more goes to them. */
    boolean answered;

    Round(List<Pending> requests, List<Command> commands) {
      this.requests = List.copyOf(requests);
      this.commands = commands;
    }

    boolean hasReads() {
      return requests.stream().anyMatch(p -> p.request() instanceof LedgerRequests.Read);
    }
  }

  /** The reads' answers of a round, and where this member's journal stood when they were read. */
  private record Reads(List<Answer> answers, long bound, JournalBlocks journal) {}

  private final Settings settings;
  private final Clock clock;
  private final BatchObserver observer;
  private final LedgerRequests requests;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private WorkerExecutor raftWorker;
  private WorkerExecutor journalReadWorker;
  /** The join's own thread, so a slow membership request holds no shared worker. */
  private WorkerExecutor joinWorker;
  private volatile RaftLedger raft;
  private long leadershipTimer = -1;
  private boolean leading;
  /** The leader and term last announced on {@link LedgerApi#LEADER_CHANGED}. */
  private String knownLeader;
  private long knownTerm = -1;
  /** The round in flight: at most one, as a proposal is formed on the position the last left. */
  private Round round;
  private int journalReadsInFlight;
  /** Set when stopping; completed once nothing is in flight any more. */
  private Promise<Void> idle;
  /** A joining member's request to be added, while one is under way ({@link #join}). */
  private Future<Void> joinAttempt = Future.succeededFuture();

  public RaftLedgerVerticle(Settings settings, Clock clock) {
    this(settings, clock, BatchObserver.NONE);
  }

  /** With an observer of the entries it proposed and saw applied (the node's metrics). */
  public RaftLedgerVerticle(Settings settings, Clock clock, BatchObserver observer) {
    this.settings = settings;
    this.clock = clock;
    this.observer = Objects.requireNonNull(observer, "observer");
    this.requests = new LedgerRequests(settings.defaultDepositMinor(), new SecureRandom());
  }

  /**
   * This member's Raft state for health and metrics: {@code {"leader": id or null, "term": n,
   * "leading": bool, "appliedIndex": n, "groupSize": n, "voting": bool, "batches": n, "head":
   * hex}}: the Raft index of the last entry applied here, the voting members of this member's
   * configuration and whether it is one of them ({@link RaftLedger#inConfiguration}), and where
   * this member's journal stands (members that have applied the same entries show the same
   * head); empty before the member started. Safe from any thread; never waits for an entry being
   * applied.
   */
  public JsonObject raftState() {
    RaftLedger member = raft;
    if (member == null) {
      return new JsonObject();
    }
    LedgerStateMachine machine = member.stateMachine();
    JsonObject state = new JsonObject().put("leader", member.leaderId().orElse(null))
        .put("term", member.term()).put("leading", member.isLeaderReady())
        .put("appliedIndex", machine.getLastAppliedTermIndex().getIndex())
        .put("groupSize", member.groupSize()).put("voting", member.inConfiguration());
    machine.appliedPosition().ifPresent(at -> state
        .put("batches", at.nextBatchSequence()).put("head", at.headHashHex()));
    return state;
  }

  /** This node's Raft member, once started; for tests in this package. */
  RaftLedger raft() {
    return raft;
  }

  /**
   * Starts this node's Raft member (binding its gRPC server) on a worker. If that fails, the
   * member has closed whatever it opened (its threads, its directory) and so are this verticle's
   * workers: the deployment fails and leaves nothing behind.
   */
  @Override
  public Future<?> start() {
    raftWorker = vertx.createSharedWorkerExecutor("paywire-raft-" + deploymentID(), 1);
    journalReadWorker = vertx.createSharedWorkerExecutor(
        "paywire-raft-journal-read-" + deploymentID(), JOURNAL_READ_THREADS);
    return raftWorker
        .executeBlocking(() -> settings.clusterKeys() == null
            ? RaftLedger.start(settings.dataDirectory(), settings.options(), settings.self(),
                settings.group(), settings.raft())
            : RaftLedger.start(settings.dataDirectory(), settings.options(), settings.self(),
                settings.group(), settings.raft(), settings.clusterKeys(), settings.join()))
        .onSuccess(started -> {
          raft = started;
          if (settings.join()) {
            join();
          }
          raft.onLeadershipChange(() -> context.runOnContext(v -> checkLeadership()));
          leadershipTimer = vertx.setPeriodic(settings.leadershipCheckMillis(),
              id -> checkLeadership());
          checkLeadership();
        })
        .onFailure(e -> {
          LOG.log(Level.ERROR, "event=raft_ledger_start_failed member={0} error={1}",
              settings.self().id(), e.toString());
          closeWorkers();
        });
  }

  /**
   * Stops serving (consumers removed, queued requests failed as unavailable), lets the proposal in
   * flight and any journal read finish, hands the lead over if this member has it
   * ({@link #handOver}), then closes the Raft member: its server, and its ledger with a last
   * snapshot.
   */
  @Override
  public Future<?> stop() {
    idle = Promise.promise();
    vertx.cancelTimer(leadershipTimer);
    stopServing("the ledger is stopping; retry with the same id", false);
    return idle.future()
        .compose(v -> joinAttempt.transform(attempt -> Future.<Void>succeededFuture()))
        .compose(v -> raftWorker.executeBlocking(() -> {
          handOver();
          raft.close();
          return null;
        }))
        .andThen(closed -> {
          if (closed.failed()) {
            LOG.log(Level.ERROR, "event=raft_ledger_close_failed member={0} error={1}",
                settings.self().id(), closed.cause().toString());
          }
          closeWorkers();
        });
  }

  /**
   * Asks the group to add this joining member until the group confirms it is in: a request can
   * time out while the leader still brings the member up to date (the next then finds the change
   * under way and is refused, until it is committed), and Ratis confirms at once a member that a
   * settled configuration holds already. After each failed attempt it waits
   * {@link Settings#JOIN_RETRY_MILLIS}; it stops when the verticle stops, which waits for the
   * attempt under way. Runs on a worker of its own, so the member's Raft worker stays free.
   */
  private void join() {
    if (idle != null) { // stopping
      return;
    }
    if (joinWorker == null) {
      joinWorker = vertx.createSharedWorkerExecutor("paywire-raft-join-" + deploymentID(), 1);
    }
    joinAttempt = joinWorker.executeBlocking(() -> {
      raft.requestMembership();
      return null;
    }, false);
    joinAttempt.onComplete(done -> {
      if (done.succeeded()) {
        LOG.log(Level.INFO, "event=raft_member_added member={0} group={1}",
            settings.self().id(), raft.memberIds());
      } else if (idle == null) {
        LOG.log(Level.WARNING, "event=raft_join_pending member={0} error={1}",
            settings.self().id(), String.valueOf(done.cause()));
        vertx.setTimer(Settings.JOIN_RETRY_MILLIS, id -> join());
      }
    });
  }

  /**
   * A leader that stops hands the lead to another member first (Ratis's leadership transfer), so
   * the group has a leader again within a round trip, not after an election timeout. The other
   * voting members of its configuration are tried in turn, each for at most
   * {@link Settings#proposalTimeoutMillis}; if none takes it, the group elects one as after a crash.
   */
  private void handOver() {
    if (!raft.isLeader()) {
      return;
    }
    for (String other : raft.memberIds()) {
      if (!raft.isLeader()) {
        return; // the lead has passed, perhaps not to the member asked
      }
      if (other.equals(settings.self().id())) {
        continue;
      }
      try {
        raft.transferLeadership(other,
            java.time.Duration.ofMillis(settings.proposalTimeoutMillis()));
        LOG.log(Level.INFO, "event=raft_lead_handed_over member={0} to={1} term={2}",
            settings.self().id(), other, raft.term());
        return;
      } catch (java.io.IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "event=raft_hand_over_failed member={0} to={1} error={2}",
            settings.self().id(), other, e.toString());
      }
    }
  }

  private void closeWorkers() {
    raftWorker.close();
    journalReadWorker.close();
    if (joinWorker != null) {
      joinWorker.close();
    }
  }

  // ---- leadership ------------------------------------------------------------------------------

  /** Serves the addresses while the member is leader ready, and only then. */
  private void checkLeadership() {
    if (raft == null || idle != null) {
      return;
    }
    announceLeader();
    boolean ready = raft.isLeaderReady();
    if (ready && !leading) {
      leading = true;
      consumers.addAll(requests.serve(vertx.eventBus(),
          (message, request) -> enqueue(new Pending(message, request))));
      LedgerRequests.Read status =
          new LedgerRequests.Read(state -> new Answer.Ready(status(state)));
      consumers.add(vertx.eventBus().consumer(LedgerApi.STATUS,
          message -> enqueue(new Pending(message, status))));
      LOG.log(Level.INFO, "event=ledger_leading member={0} term={1} members={2}",
          settings.self().id(), raft.term(), raft.groupSize());
    } else if (!ready && leading) {
      stopServing("this member stopped leading the ledger's group; outcome unknown, retry with "
          + "the same id", true);
      LOG.log(Level.INFO, "event=ledger_not_leading member={0} term={1} leader={2}",
          settings.self().id(), raft.term(), raft.leaderId().orElse("none"));
    }
  }

  /**
   * Tells this node's entry points, on {@link LedgerApi#LEADER_CHANGED}, that the group has
   * another leader or term, so they stop waiting for answers from the former one.
   */
  private void announceLeader() {
    String leader = raft.leaderId().orElse(null);
    long term = raft.term();
    if (term != knownTerm || !Objects.equals(leader, knownLeader)) {
      knownTerm = term;
      knownLeader = leader;
      vertx.eventBus().publish(LedgerApi.LEADER_CHANGED,
          new JsonObject().put("leader", leader).put("term", term),
          new DeliveryOptions().setLocalOnly(true));
    }
  }

  /**
   * Removes the consumers and fails, as unavailable, every request queued, and those of the
   * proposal in flight if {@code failInFlight} (a member that stepped down: its proposal will most
   * likely fail). A member that stops while it leads lets its proposal finish instead, bounded by
   * {@link Settings#proposalTimeoutMillis}. Journal reads in flight go on: they read what is
   * committed.
   */
  private void stopServing(String reason, boolean failInFlight) {
    leading = false;
    consumers.forEach(MessageConsumer::unregister);
    consumers.clear();
    failQueued(reason);
    if (failInFlight && round != null) {
      fail(round, reason);
    }
    checkIdle();
  }

  private JsonObject status(LedgerView state) {
    LedgerStateMachine machine = raft.stateMachine();
    return LedgerRequests.status(state, machine.position(), machine.failure())
        .put("member", settings.self().id())
        .put("role", raft.role())
        .put("leaderId", raft.leaderId().orElse(null))
        .put("term", raft.term())
        .put("groupSize", raft.groupSize());
  }

  // ---- group commit ----------------------------------------------------------------------------

  private void enqueue(Pending pending) {
    if (!leading) { // a message that was on its way when the consumers went
      pending.message().fail(LedgerApi.FAILURE_UNAVAILABLE,
          "this member does not lead the ledger's group; retry with the same id");
      return;
    }
    if (round != null && round.answered) {
      pending.message().fail(LedgerApi.FAILURE_UNAVAILABLE,
          "the ledger's last proposal has not settled; retry with the same id");
      return;
    }
    if (LedgerRequests.refuseIfOverloaded(pending.message(), queue.size() + journalReadsInFlight,
        settings.maxPendingRequests())) {
      return;
    }
    queue.add(pending);
    drain();
  }

  /** Forms the next round from the queue, if none is in flight. */
  private void drain() {
    while (round == null && leading && !queue.isEmpty()) {
      LedgerEntry.Builder entry = new LedgerEntry.Builder(settings.options());
      List<Pending> taken = new ArrayList<>();
      while (!queue.isEmpty()) {
        Pending next = queue.peek();
        if (next.request() instanceof LedgerRequests.Write write
            && !entry.tryAdd(write.command())) {
          if (!entry.isEmpty()) {
            break; // the entry is full: the rest waits for the next
          }
          queue.poll();
          next.message().fail(LedgerApi.FAILURE_BAD_REQUEST,
              "the request is larger than one entry of the replicated ledger");
          continue;
        }
        taken.add(queue.poll());
      }
      if (!taken.isEmpty()) {
        run(new Round(taken, entry.commands()));
      }
    }
    checkIdle();
  }

  /** Proposes the round's writes (if any), then reads, then answers: see the class comment. */
  private void run(Round r) {
    round = r;
    r.timer = vertx.setTimer(settings.proposalTimeoutMillis(), id -> {
      if (!r.answered) {
        String reason = "the replicated ledger did not commit within "
            + settings.proposalTimeoutMillis() + " ms; outcome unknown, retry with the same id";
        LOG.log(Level.WARNING, "event=raft_proposal_timed_out member={0} commands={1}",
            settings.self().id(), r.commands.size());
        fail(r, reason);
        failQueued(reason);
        checkIdle();
      }
    });
    // A round of reads only is answered once the lead is confirmed (Raft's ReadIndex), so a
    // member deposed without knowing it never answers from a stale state.
    Future<List<Executed>> applied = r.commands.isEmpty()
        ? raftWorker.<CompletableFuture<Void>>executeBlocking(() -> raft.confirmLeadership())
            .compose(confirmed -> Future.fromCompletionStage(confirmed, context))
            .map(confirmed -> List.<Executed>of())
        : raftWorker.<CompletableFuture<List<Executed>>>executeBlocking(
                () -> raft.propose(r.commands, clock.millis()))
            .compose(proposed -> Future.fromCompletionStage(proposed, context));
    long proposedAt = System.nanoTime();
    applied.onComplete(done -> {
      if (done.succeeded()) {
        if (!r.commands.isEmpty()) {
          observe(r.commands.size(), System.nanoTime() - proposedAt);
        }
        read(r, done.result());
      } else {
        LOG.log(Level.WARNING, "event=raft_proposal_failed member={0} commands={1} applied={2}"
                + " error={3}", settings.self().id(), r.commands.size(),
            done.cause() instanceof ProposalNotAppliedException ? "none" : "unknown",
            done.cause().toString());
        fail(r, "the replicated ledger did not confirm the batch; outcome unknown, retry with the"
            + " same id: " + done.cause().getMessage());
        settled(r);
      }
    });
  }

  /** Tells the observer of an applied entry; its failure is logged, never the entry's. */
  private void observe(int commands, long nanos) {
    try {
      observer.written(commands, nanos);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "event=batch_observer_failed error={0}", e.toString());
    }
  }

  /** The round's entry is applied here: the writes have their answers; the reads now read. */
  private void read(Round r, List<Executed> executed) {
    if (executed.size() != r.commands.size()) { // a broken invariant: acknowledge nothing
      LOG.log(Level.ERROR, "event=raft_results_mismatch member={0} commands={1} results={2}",
          settings.self().id(), r.commands.size(), executed.size());
      fail(r, "the replicated ledger returned " + executed.size() + " results for "
          + r.commands.size() + " commands");
      settled(r);
      return;
    }
    List<Answer.Ready> writes = new ArrayList<>(executed.size());
    Iterator<Executed> results = executed.iterator();
    for (Pending p : r.requests) {
      if (p.request() instanceof LedgerRequests.Write write) {
        writes.add(write.answer(results.next()));
      }
    }
    Future<Reads> reads = r.answered || !r.hasReads()
        ? Future.succeededFuture(new Reads(List.of(), 0, null))
        : raftWorker.executeBlocking(() -> readState(r));
    reads.onComplete(read -> {
      answer(r, writes, read.succeeded() ? read.result() : null, read.cause());
      settled(r);
    });
  }

  /** Runs the round's reads against this member's state, all at one point between entries. */
  private Reads readState(Round r) {
    LedgerStateMachine machine = raft.stateMachine();
    return machine.read(state -> {
      List<Answer> answers = new ArrayList<>();
      for (Pending p : r.requests) {
        if (p.request() instanceof LedgerRequests.Read read) {
          answers.add(read.lookup().apply(state));
        }
      }
      return new Reads(answers, machine.position().nextBatchSequence(), machine.journalBlocks());
    });
  }

  /**
   * Answers the round in request order. A round already failed (its member stepped down, or it
   * timed out) gets nothing more, but the payments its entry applied are announced all the same:
   * they are committed, and no other member announces them.
   */
  private void answer(Round r, List<Answer.Ready> writes, Reads reads, Throwable readFailure) {
    if (r.answered) {
      writes.stream().filter(w -> w.event() != null)
          .forEach(w -> vertx.eventBus().publish(TransferEvents.ADDRESS, w.event()));
      return;
    }
    r.answered = true;
    if (readFailure != null) {
      LOG.log(Level.ERROR, "event=raft_ledger_read_failed member={0} error={1}",
          settings.self().id(), readFailure.toString());
    }
    Iterator<Answer.Ready> written = writes.iterator();
    Iterator<Answer> read = reads == null ? null : reads.answers().iterator();
    for (Pending p : r.requests) {
      if (p.request() instanceof LedgerRequests.Write) {
        written.next().deliver(p.message(), vertx.eventBus());
      } else if (read == null) {
        p.message().fail(LedgerApi.FAILURE_UNAVAILABLE, "reading the ledger failed");
      } else {
        Answer answer = read.next();
        if (answer instanceof Answer.Ready ready) {
          ready.deliver(p.message(), vertx.eventBus());
        } else {
          readJournal(p.message(), reads, ((Answer.FromJournal) answer).read());
        }
      }
    }
  }

  private void settled(Round r) {
    vertx.cancelTimer(r.timer);
    if (round == r) {
      round = null;
    }
    drain();
  }

  private static void fail(Round r, String reason) {
    if (!r.answered) {
      r.answered = true;
      r.requests.forEach(p -> p.message().fail(LedgerApi.FAILURE_UNAVAILABLE, reason));
    }
  }

  private void failQueued(String reason) {
    queue.forEach(p -> p.message().fail(LedgerApi.FAILURE_UNAVAILABLE, reason));
    queue.clear();
  }

  /** Runs a journal read on a read worker; it counts as pending until answered. */
  private void readJournal(Message<Object> message, Reads reads, LedgerRequests.JournalRead read) {
    journalReadsInFlight++;
    LedgerRequests.answerFromJournal(journalReadWorker, message, reads.journal(), read,
        reads.bound()).onComplete(done -> {
          journalReadsInFlight--;
          checkIdle();
        });
  }

  private void checkIdle() {
    if (idle != null && queue.isEmpty() && (round == null || round.answered)
        && journalReadsInFlight == 0) {
      idle.tryComplete();
    }
  }
}
