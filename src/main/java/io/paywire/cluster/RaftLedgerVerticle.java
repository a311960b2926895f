package io.paywire.cluster;

import io.paywire.bus.BatchObserver;
import io.paywire.bus.LedgerAddresses;
import io.paywire.bus.LedgerApi;
import io.paywire.ledger.LedgerOptions;
import io.paywire.service.LedgerService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The ledger on a cluster node, deployed instead of {@code node/LedgerVerticle}: this node's member
 * of the ledger's Raft group ({@link RaftLedger}), and, while that member leads, the one {@link
 * LedgerService} over a {@link RaftCommit}, serving the ledger's event-bus addresses ({@link
 * LedgerApi}) with the single node's contract. Everything about requests (the queue, batches,
 * reads, answers, unknown outcomes) is the service's; this shell keeps only leadership (serve the
 * addresses while leading), joining and hand-over.
 *
 * <h2>Leading</h2>
 *
 * The service serves (with {@code consumer}, so on a clustered event bus for every node) while the
 * member is leader ready, that is, leads and has applied every entry of earlier terms, and stops as
 * soon as it is not. Ratis tells the state machine of both ({@code notifyLeaderReady}, {@code
 * notifyNotLeader}, {@code notifyLeaderChanged}); the event hops to this verticle's event loop,
 * which reads the role afresh. A check every {@link Settings#leadershipCheckMillis} catches what no
 * event said. During a takeover no member serves: a request fails at once for want of a handler,
 * which {@code LedgerClient} reports as an unknown outcome.
 *
 * <p>Stepping down fails every request queued or in flight with {@link
 * LedgerApi#FAILURE_UNAVAILABLE}: unknown outcomes, which a retry with the same id settles, never a
 * refusal. A batch that does not settle within {@link Settings#proposalTimeoutMillis} fails its
 * requests the same way (the service's round timeout).
 */
public final class RaftLedgerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(RaftLedgerVerticle.class.getName());

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
   * @param proposalTimeoutMillis a proposal (with the reads answered after it) not done within this
   *     fails its requests as unavailable; keep it below the entry points' {@code
   *     ledger.requestTimeoutMillis}, so that they hear that rather than nothing
   * @param leadershipCheckMillis how often the member's role is checked besides Ratis's events: the
   *     longest a missed event could leave consumers registered, or absent
   * @param clusterKeys the cluster key: the member's Raft traffic runs mutual TLS with it ({@link
   *     RaftLedger#start(Path, LedgerOptions, RaftLedger.Member, List, RaftSettings,
   *     ClusterKeys.KeyFiles)}); every member must be given the same. Null only in this package's
   *     tests, for plaintext: a cluster node always passes its key
   * @param join this member joins a running group (the others in {@code group}) rather than
   *     founding it: it asks the leader to add it ({@link RaftLedger#requestMembership}), group by
   *     group
   * @param networks the member's networks: each one more Raft group on the member's one server
   *     ({@link RaftMember}), served by a verticle of its own that this one deploys, at the
   *     network's addresses, while this member leads that group
   */
  public record Settings(
      Path dataDirectory,
      LedgerOptions options,
      long defaultDepositMinor,
      int maxPendingRequests,
      RaftLedger.Member self,
      List<RaftLedger.Member> group,
      RaftSettings raft,
      long proposalTimeoutMillis,
      long leadershipCheckMillis,
      ClusterKeys.KeyFiles clusterKeys,
      boolean join,
      List<Network> networks) {

    /** Below the default {@code ledger.requestTimeoutMillis}, 5 s. */
    public static final long DEFAULT_PROPOSAL_TIMEOUT_MILLIS = 3_000;

    /** The share, in percent, of the entry points' wait that a batch may take to commit. */
    public static final int PROPOSAL_SHARE_OF_REQUEST_TIMEOUT_PERCENT = 60;

    public static final long DEFAULT_LEADERSHIP_CHECK_MILLIS = 200;

    /** How long a joining member waits between requests to be added to the group. */
    public static final long JOIN_RETRY_MILLIS = 1_000;

    /** A member of the main ledger alone that founds the group with the others listed. */
    public Settings(
        Path dataDirectory,
        LedgerOptions options,
        long defaultDepositMinor,
        int maxPendingRequests,
        RaftLedger.Member self,
        List<RaftLedger.Member> group,
        RaftSettings raft,
        long proposalTimeoutMillis,
        long leadershipCheckMillis,
        ClusterKeys.KeyFiles clusterKeys) {
      this(
          dataDirectory,
          options,
          defaultDepositMinor,
          maxPendingRequests,
          self,
          group,
          raft,
          proposalTimeoutMillis,
          leadershipCheckMillis,
          clusterKeys,
          false,
          List.of());
    }

    public Settings {
      Objects.requireNonNull(dataDirectory, "dataDirectory");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(self, "self");
      Objects.requireNonNull(raft, "raft");
      group = List.copyOf(group);
      networks = List.copyOf(networks);
      require(
          new HashSet<>(networks.stream().map(Network::name).toList()).size() == networks.size(),
          "network names must differ: " + networks);
      require(maxPendingRequests >= 1, "maxPendingRequests must be at least 1");
      require(group.contains(self), "member " + self.id() + " is not in the group " + group);
      require(
          new HashSet<>(group.stream().map(RaftLedger.Member::id).toList()).size() == group.size(),
          "member ids in the group must differ: " + group);
      require(
          proposalTimeoutMillis >= 100 && proposalTimeoutMillis <= 600_000,
          "proposalTimeoutMillis must be 100 to 600000");
      require(
          leadershipCheckMillis >= 10 && leadershipCheckMillis <= 10_000,
          "leadershipCheckMillis must be 10 to 10000");
      require(!join || clusterKeys != null, "a joining member runs Raft with the cluster key");
    }

    /**
     * With Ratis settings, the proposal timeout and the leadership check at their defaults, and
     * Raft in plaintext: only for this package's tests.
     */
    Settings(
        Path dataDirectory,
        LedgerOptions options,
        long defaultDepositMinor,
        int maxPendingRequests,
        RaftLedger.Member self,
        List<RaftLedger.Member> group) {
      this(
          dataDirectory,
          options,
          defaultDepositMinor,
          maxPendingRequests,
          self,
          group,
          RaftSettings.DEFAULTS,
          DEFAULT_PROPOSAL_TIMEOUT_MILLIS,
          DEFAULT_LEADERSHIP_CHECK_MILLIS,
          null);
    }

    /**
     * The settings of the network's own verticle: this member's, with the network's directory,
     * options and deposit, and no networks of its own.
     */
    Settings forNetwork(Network network) {
      return new Settings(
          network.directory(),
          network.options(),
          network.defaultDepositMinor(),
          maxPendingRequests,
          self,
          group,
          raft,
          proposalTimeoutMillis,
          leadershipCheckMillis,
          clusterKeys,
          join,
          List.of());
    }

    /** The Raft groups of the member's ledgers: the main ledger's first, then each network's. */
    List<RaftMember.Group> raftGroups() {
      List<RaftMember.Group> groups = new ArrayList<>();
      groups.add(RaftMember.Group.main(dataDirectory, options));
      for (Network network : networks) {
        groups.add(
            RaftMember.Group.network(network.name(), network.directory(), network.options()));
      }
      return groups;
    }

    /** Entries the leader may have proposed and not yet seen applied: the Raft settings'. */
    public int maxEntriesInFlight() {
      return raft.maxEntriesInFlight();
    }

    /**
     * How long the service waits for a batch to commit, given how long the entry points wait for an
     * answer ({@code ledger.requestTimeoutMillis}): the timeouts stack here, in one place. The
     * batch gives up first, at {@link #PROPOSAL_SHARE_OF_REQUEST_TIMEOUT_PERCENT} of the entry
     * points' wait and at most {@link #DEFAULT_PROPOSAL_TIMEOUT_MILLIS}, so that they hear
     * "unknown, retry with the same id" from the ledger rather than nothing; and never less than
     * the 100 ms a commit round trip needs on a loaded machine.
     */
    public static long proposalTimeoutFor(long requestTimeoutMillis) {
      return Math.max(
          100,
          Math.min(
              DEFAULT_PROPOSAL_TIMEOUT_MILLIS,
              requestTimeoutMillis * PROPOSAL_SHARE_OF_REQUEST_TIMEOUT_PERCENT / 100));
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /**
   * A network's ledger on a cluster member: one more Raft group on the member's one server.
   *
   * @param name the network's name (its addresses are {@link LedgerAddresses#network})
   * @param directory the network's directory, {@code <data>/networks/<name>}: its ledger is in
   *     {@code ledger/} below it, its group's Raft log in the member's {@code raft/<group id>/}
   * @param options the network ledger's options (its rules and terms)
   * @param defaultDepositMinor the deposit of a registration that names none
   */
  public record Network(
      String name, Path directory, LedgerOptions options, long defaultDepositMinor) {
    public Network {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(options, "options");
      LedgerAddresses.network(name); // validates the name
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final BatchObserver observer;
  private WorkerExecutor raftWorker;
  private LedgerService service;

  /** The join's own thread, so a slow membership request holds no shared worker. */
  private WorkerExecutor joinWorker;

  private volatile RaftLedger raft;
  private long leadershipTimer = -1;

  /** The leader and term last announced on {@link LedgerApi#LEADER_CHANGED}. */
  private String knownLeader;

  private long knownTerm = -1;

  /** Set when stopping. */
  private boolean stopping;

  /** A joining member's request to be added, while one is under way ({@link #join}). */
  private Future<Void> joinAttempt = Future.succeededFuture();

  public RaftLedgerVerticle(Settings settings, Clock clock) {
    this(settings, clock, BatchObserver.NONE);
  }

  /** With an observer of the entries it proposed and saw applied (the node's metrics). */
  public RaftLedgerVerticle(Settings settings, Clock clock, BatchObserver observer) {
    this(settings, clock, observer, null, null);
  }

  /** A network's verticle, on the main ledger's started member. */
  private RaftLedgerVerticle(
      Settings settings,
      Clock clock,
      BatchObserver observer,
      RaftMember sharedMember,
      String network) {
    this.settings = settings;
    this.clock = clock;
    this.observer = Objects.requireNonNull(observer, "observer");
    this.sharedMember = sharedMember;
    this.network = network;
    this.addresses = network == null ? LedgerAddresses.MAIN : LedgerAddresses.network(network);
  }

  /** The member's one Raft server: started by the main ledger's verticle, shared by networks'. */
  private RaftMember sharedMember;

  /** Null for the main ledger's verticle; a network's name otherwise. */
  private final String network;

  /** Where this verticle's ledger is served. */
  private final LedgerAddresses addresses;

  /** The networks' verticles this one deployed, each undeployed by Vert.x before this one. */
  private final List<RaftLedgerVerticle> networkVerticles = new ArrayList<>();

  private final List<String> networkDeployments = new ArrayList<>();

  /**
   * The context the ledger service runs on, once deployed: the benchmark's pause probe puts a timer
   * there to see how long the service keeps its event loop busy. Nothing else may run work there.
   */
  public Context ledgerContext() {
    return context;
  }

  /**
   * The Raft index of this member's newest finished snapshot, or -1: the benchmark ties event-loop
   * pauses to snapshots with it. Safe from any thread.
   */
  public long snapshotIndex() {
    RaftLedger member = raft;
    if (member == null) {
      return -1;
    }
    var latest = member.stateMachine().getLatestSnapshot();
    return latest == null ? -1 : latest.getIndex();
  }

  /**
   * This member's Raft state for health and metrics ({@link RaftState#NONE} before the member
   * started). Safe from any thread; never waits for an entry being applied.
   */
  public RaftState raftState() {
    RaftLedger member = raft;
    if (member == null) {
      return RaftState.NONE;
    }
    LedgerStateMachine machine = member.stateMachine();
    var at = machine.appliedPosition();
    return new RaftState(
        member.leaderId().orElse(null),
        member.term(),
        member.isLeaderReady(),
        machine.getLastAppliedTermIndex().getIndex(),
        member.groupSize(),
        member.inConfiguration(),
        at.map(p -> p.nextBatchSequence()).orElse(0L),
        at.map(p -> p.headHashHex()).orElse(null));
  }

  /** This node's Raft member, once started; for tests in this package. */
  RaftLedger raft() {
    return raft;
  }

  /**
   * Starts this node's Raft member (binding its gRPC server) on a worker. If that fails, the member
   * has closed whatever it opened (its threads, its directory) and so are this verticle's workers:
   * the deployment fails and leaves nothing behind.
   */
  @Override
  public Future<?> start() {
    raftWorker = vertx.createSharedWorkerExecutor("paywire-raft-" + deploymentID(), 1);
    Future<Void> started =
        raftWorker
            .executeBlocking(this::startRaft)
            .onFailure(
                e -> {
                  LOG.log(
                      Level.ERROR,
                      "event=raft_ledger_start_failed member={0} ledger={1} error={2}",
                      settings.self().id(),
                      addresses,
                      e.toString());
                  closeWorkers();
                })
            .map(
                member -> {
                  raft = member;
                  serveWhileLeading();
                  return null;
                });
    // A network that fails to start fails the member's start: its networks started so far are
    // undeployed, and this member closed, before the failure is reported.
    return started.compose(
        v ->
            deployNetworks()
                .recover(
                    e ->
                        undeployNetworks()
                            .eventually(this::stop)
                            .transform(stopped -> Future.failedFuture(e))));
  }

  /**
   * This verticle's part of the member: the main ledger's verticle starts the member's one Raft
   * server with every ledger's group (closed with its part); a network's takes its part of it.
   */
  private RaftLedger startRaft() throws IOException {
    if (sharedMember != null) {
      return sharedMember.ledger(RaftMember.networkGroupId(network));
    }
    sharedMember =
        RaftMember.start(
            settings.dataDirectory(),
            settings.raftGroups(),
            settings.self(),
            settings.group(),
            settings.raft(),
            settings.clusterKeys() == null ? null : RaftTls.load(settings.clusterKeys()),
            settings.join());
    try {
      return sharedMember.ledger(RaftLedger.GROUP_ID, true);
    } catch (IOException | RuntimeException e) {
      RaftMember.closeQuietly(sharedMember);
      throw e;
    }
  }

  /** The ledger service over this member's group, serving while the member leads it. */
  private void serveWhileLeading() {
    service =
        new LedgerService(
            vertx,
            new LedgerService.Settings(
                network == null ? settings.self().id() : settings.self().id() + "-" + network,
                settings.defaultDepositMinor(),
                settings.maxPendingRequests(),
                settings.proposalTimeoutMillis(),
                addresses),
            new RaftCommit(
                raft, settings.options(), context, raftWorker, settings.maxEntriesInFlight()),
            clock,
            observer);
    if (settings.join()) {
      join();
    }
    raft.onLeadershipChange(() -> context.runOnContext(v -> checkLeadership()));
    leadershipTimer = vertx.setPeriodic(settings.leadershipCheckMillis(), id -> checkLeadership());
    checkLeadership();
  }

  /**
   * One verticle per network, each on its own event loop as a single node's network ledgers are,
   * deployed by this one so that Vert.x undeploys them first: the member's server, which this one
   * closes, outlives every group's part.
   */
  private Future<Void> deployNetworks() {
    Future<Void> deployed = Future.succeededFuture();
    for (Network each : settings.networks()) {
      RaftLedgerVerticle verticle =
          new RaftLedgerVerticle(
              settings.forNetwork(each), clock, BatchObserver.NONE, sharedMember, each.name());
      deployed =
          deployed.compose(
              v ->
                  vertx
                      .deployVerticle(verticle)
                      .map(
                          id -> {
                            networkVerticles.add(verticle);
                            networkDeployments.add(id);
                            return null;
                          }));
    }
    return deployed;
  }

  /** Undeploys the networks' verticles, the last deployed first. */
  private Future<Void> undeployNetworks() {
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = networkDeployments.size() - 1; i >= 0; i--) {
      String id = networkDeployments.get(i);
      undeployed = undeployed.eventually(() -> vertx.undeploy(id));
    }
    return undeployed;
  }

  /** The verticles of this member's networks, in their configuration's order; for tests. */
  List<RaftLedgerVerticle> networkVerticles() {
    return List.copyOf(networkVerticles);
  }

  /**
   * Stops serving (consumers removed, queued requests failed as unavailable), lets the batches in
   * flight and any journal read finish ({@link LedgerService#drain}), hands the lead over if this
   * member has it ({@link #handOver}), then closes the Raft member: its server, and its ledger with
   * a last snapshot.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(leadershipTimer);
    Future<Void> drained =
        service == null
            ? Future.succeededFuture()
            : service.drain("the ledger is stopping; retry with the same id");
    return drained
        .compose(v -> joinAttempt.transform(attempt -> Future.<Void>succeededFuture()))
        .compose(
            v ->
                raftWorker.executeBlocking(
                    () -> {
                      handOver();
                      raft.close();
                      return null;
                    }))
        .andThen(
            closed -> {
              if (closed.failed()) {
                LOG.log(
                    Level.ERROR,
                    "event=raft_ledger_close_failed member={0} error={1}",
                    settings.self().id(),
                    closed.cause().toString());
              }
              closeWorkers();
            });
  }

  /**
   * Asks the group to add this joining member until the group confirms it is in: a request can time
   * out while the leader still brings the member up to date (the next then finds the change under
   * way and is refused, until it is committed), and Ratis confirms at once a member that a settled
   * configuration holds already. After each failed attempt it waits {@link
   * Settings#JOIN_RETRY_MILLIS}; it stops when the verticle stops, which waits for the attempt
   * under way. Runs on a worker of its own, so the member's Raft worker stays free.
   */
  private void join() {
    if (stopping) {
      return;
    }
    if (joinWorker == null) {
      joinWorker = vertx.createSharedWorkerExecutor("paywire-raft-join-" + deploymentID(), 1);
    }
    joinAttempt =
        joinWorker.executeBlocking(
            () -> {
              raft.requestMembership();
              return null;
            },
            false);
    joinAttempt.onComplete(
        done -> {
          if (done.succeeded()) {
            LOG.log(
                Level.INFO,
                "event=raft_member_added member={0} ledger={1} group={2}",
                settings.self().id(),
                raft.ledger().name(),
                raft.memberIds());
          } else if (!stopping) {
            LOG.log(
                Level.WARNING,
                "event=raft_join_pending member={0} ledger={1} error={2}",
                settings.self().id(),
                raft.ledger().name(),
                String.valueOf(done.cause()));
            vertx.setTimer(Settings.JOIN_RETRY_MILLIS, id -> join());
          }
        });
  }

  /**
   * A leader that stops hands the lead to another member first (Ratis's leadership transfer), so
   * the group has a leader again within a round trip, not after an election timeout. The other
   * voting members of its configuration are tried in turn, each for at most {@link
   * Settings#proposalTimeoutMillis}; if none takes it, the group elects one as after a crash.
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
        raft.transferLeadership(other, Duration.ofMillis(settings.proposalTimeoutMillis()));
        LOG.log(
            Level.INFO,
            "event=raft_lead_handed_over member={0} to={1} term={2}",
            settings.self().id(),
            other,
            raft.term());
        return;
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "event=raft_hand_over_failed member={0} to={1} error={2}",
            settings.self().id(),
            other,
            e.toString());
      }
    }
  }

  private void closeWorkers() {
    raftWorker.close();
    if (joinWorker != null) {
      joinWorker.close();
    }
  }

  // ---- leadership ------------------------------------------------------------------------------

  /** Serves the addresses while the member is leader ready, and only then. */
  private void checkLeadership() {
    if (raft == null || stopping) {
      return;
    }
    announceLeader();
    boolean ready = raft.isLeaderReady();
    if (ready && !service.serving()) {
      service.serve();
      LOG.log(
          Level.INFO,
          "event=ledger_leading member={0} term={1} members={2} ledger={3}",
          settings.self().id(),
          raft.term(),
          raft.groupSize(),
          raft.ledger().name());
    } else if (!ready && service.serving()) {
      service.stopServing(
          "this member stopped leading the ledger's group; outcome unknown, "
              + "retry with the same id",
          true);
      LOG.log(
          Level.INFO,
          "event=ledger_not_leading member={0} term={1} leader={2} ledger={3}",
          settings.self().id(),
          raft.term(),
          raft.leaderId().orElse("none"),
          raft.ledger().name());
    }
  }

  /**
   * Tells this node's entry points, on {@link LedgerApi#LEADER_CHANGED}, that the group has another
   * leader or term, so they stop waiting for answers from the former one.
   */
  private void announceLeader() {
    String leader = raft.leaderId().orElse(null);
    long term = raft.term();
    if (term != knownTerm || !Objects.equals(leader, knownLeader)) {
      knownTerm = term;
      knownLeader = leader;
      vertx
          .eventBus()
          .publish(
              addresses.leaderChanged(),
              new JsonObject().put("leader", leader).put("term", term),
              new DeliveryOptions().setLocalOnly(true));
    }
  }
}
