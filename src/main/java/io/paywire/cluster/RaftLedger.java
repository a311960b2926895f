package io.paywire.cluster;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.LedgerOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's member of the ledger's Raft group: a Ratis server (gRPC) whose state machine is the
 * node's own {@link LedgerStateMachine}, to which the node, while it leads, proposes batches, and
 * a Ratis client for confirming and handing over the lead. Plain Java, no Vert.x: the node's
 * verticles wire it to the event bus. Its gRPC traffic, between members and from its client,
 * runs mutual TLS with the cluster key ({@link RaftTls}).
 *
 * <p>A node's data directory holds {@code ledger/} (the ledger, which {@code paywire verify}
 * checks like a single node's) and {@code raft/} (Ratis's log and metadata).
 */
public final class RaftLedger implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(RaftLedger.class.getName());

  /** The one Raft group of a Paywire cluster: the ledger's. Fixed, so every member agrees. */
  public static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
      UUID.nameUUIDFromBytes("paywire-ledger".getBytes(StandardCharsets.US_ASCII)));

  /**
   * A member of the group: its id and the address its Raft (gRPC) server binds and is reached at.
   * The host is a real address, never a wildcard: Ratis binds every interface unless given one.
   */
  public record Member(String id, String host, int port) {
    public Member {
      if (id == null || !id.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException("a member id is 1 to 64 letters, digits, '_', '-' or '.'");
      }
      if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")
          || host.equals("[::]")) {
        throw new IllegalArgumentException("member " + id + " needs a host to bind, not " + host);
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("member " + id + " needs a port 1 to 65535");
      }
    }

    RaftPeer peer() {
      return RaftPeer.newBuilder().setId(id).setAddress(host + ":" + port).build();
    }
  }

  private final Member self;
  /** {@code self}'s id as Ratis names it. */
  private final RaftPeerId selfId;
  private final RaftGroup group;
  private final RaftServer server;
  private final RaftClient client;
  private final LedgerStateMachine stateMachine;
  private final LedgerOptions options;
  private final RaftSettings settings;
  /** The TLS parameters of its Raft traffic; null in plaintext (tests only). */
  private final Parameters parameters;
  /**
   * Gives up on a proposal not applied here within {@link RaftSettings#proposalGiveUp} (a leader
   * cut off from the others, whose server holds the request until it steps down); one daemon
   * thread, its task cancelled (and dropped) once the proposal settles. Not
   * {@code CompletableFuture.delayedExecutor}: on a machine of two cores or fewer it runs each
   * task on a new thread.
   */
  private final ScheduledThreadPoolExecutor proposalTimeouts;
  /** One proposal at a time: the next is formed on the position the last one left. */
  private final AtomicBoolean proposing = new AtomicBoolean();
  /**
   * Who this member's proposals come from, and their call ids: Ratis keys its retry cache by the
   * pair. Proposals go straight to this member's own server ({@link #propose}), not through a
   * client, so each gets its own call id here.
   */
  private final ClientId proposer = ClientId.randomId();
  private final AtomicLong proposalCalls = new AtomicLong();

  private RaftLedger(Member self, RaftGroup group, RaftServer server, RaftClient client,
      LedgerStateMachine stateMachine, LedgerOptions options, RaftSettings settings,
      Parameters parameters) {
    this.parameters = parameters;
    this.proposalTimeouts = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "paywire-raft-proposal-timeouts-" + self.id());
      thread.setDaemon(true);
      return thread;
    });
    this.proposalTimeouts.setRemoveOnCancelPolicy(true);
    this.self = self;
    this.selfId = RaftPeerId.valueOf(self.id());
    this.group = group;
    this.server = server;
    this.client = client;
    this.stateMachine = stateMachine;
    this.options = options;
    this.settings = settings;
  }

  /**
   * Starts this node's member: opens its ledger under {@code dataDirectory/ledger}, its Raft
   * storage under {@code dataDirectory/raft}, and binds its gRPC server to {@code self}'s host and
   * port. All its Raft traffic, served and sent, runs mutual TLS with the cluster key
   * ({@link RaftTls}): every member must be given the same. If anything fails, whatever was
   * started is closed again before this throws, so no Ratis thread outlives a failed start.
   *
   * @param members every member of the group, {@code self} included
   * @param clusterKeys the cluster key and certificate ({@link ClusterKeys#require})
   * @throws IOException also if the cluster key cannot be read or is not its certificate's
   */
  public static RaftLedger start(Path dataDirectory, LedgerOptions options, Member self,
      List<Member> members, RaftSettings settings, ClusterKeys.KeyFiles clusterKeys)
      throws IOException {
    return start(dataDirectory, options, self, members, settings, clusterKeys, false);
  }

  /**
   * {@link #start(Path, LedgerOptions, Member, List, RaftSettings, ClusterKeys.KeyFiles) Starts}
   * a member; with {@code joining}, one that joins a running group rather than founding it: its
   * server starts outside any configuration (it neither campaigns nor votes) until the leader
   * adds it, which {@link #requestMembership} asks for. Once added, the configuration is stored
   * in its Raft directory: later starts, joining or not, recover it from there.
   */
  public static RaftLedger start(Path dataDirectory, LedgerOptions options, Member self,
      List<Member> members, RaftSettings settings, ClusterKeys.KeyFiles clusterKeys,
      boolean joining) throws IOException {
    return start(dataDirectory, options, self, members, settings,
        RaftTls.load(Objects.requireNonNull(clusterKeys, "clusterKeys")), joining);
  }

  /**
   * {@link #start(Path, LedgerOptions, Member, List, RaftSettings, ClusterKeys.KeyFiles) Starts}
   * a member whose Raft traffic is plain gRPC: only for this package's tests. A cluster node
   * never runs Raft in plaintext.
   */
  static RaftLedger start(Path dataDirectory, LedgerOptions options, Member self,
      List<Member> members, RaftSettings settings) throws IOException {
    return start(dataDirectory, options, self, members, settings, (RaftTls) null, false);
  }

  /** Starts a member; {@code tls} null is plaintext (tests only). */
  private static RaftLedger start(Path dataDirectory, LedgerOptions options, Member self,
      List<Member> members, RaftSettings settings, RaftTls tls, boolean joining)
      throws IOException {
    if (!members.contains(self)) {
      throw new IllegalArgumentException("member " + self.id() + " is not among " + members);
    }
    keepRatisFromExiting();
    Parameters parameters = tls == null ? null : tls.parameters();
    RaftGroup group = RaftGroup.valueOf(GROUP_ID,
        members.stream().map(Member::peer).toList());
    LedgerStateMachine stateMachine =
        new LedgerStateMachine(dataDirectory.resolve("ledger"), options);
    RaftServer server = null;
    RaftClient client = null;
    try {
      server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(self.id()))
          // A joining member starts with no configuration: Ratis then waits to be added.
          .setGroup(joining ? RaftGroup.valueOf(GROUP_ID) : group)
          .setProperties(serverProperties(dataDirectory.resolve("raft"), self, settings))
          .setStateMachine(stateMachine)
          .setOption(RaftStorage.StartupOption.RECOVER)
          .setParameters(parameters)
          .build();
      server.start();
      client = RaftClient.newBuilder()
          .setProperties(clientProperties(settings))
          .setRaftGroup(group)
          .setLeaderId(RaftPeerId.valueOf(self.id()))
          .setParameters(parameters)
          .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
              settings.requestAttempts(), millis(settings.retrySleep())))
          .build();
      LOG.log(Level.INFO,
          "event=raft_member_started id={0} address={1}:{2} members={3} tls={4} joining={5}",
          self.id(), self.host(), String.valueOf(self.port()), members.size(),
          tls == null ? "off" : "mutual cluster=" + tls.fingerprint(), joining);
      return new RaftLedger(self, group, server, client, stateMachine, options, settings,
          parameters);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(client);
      closeQuietly(server);
      if (e instanceof ExitUtils.ExitException exit) {
        throw new IOException("raft member " + self.id() + " did not start: " + exit.getMessage(),
            exit.getCause());
      }
      throw e;
    }
  }

  /**
   * Ratis calls {@code System.exit} when its gRPC server cannot bind, and the first use of its
   * {@code ExitUtils} makes every uncaught exception in the JVM exit it too. A node decides for
   * itself: a failed start throws from {@link #start} (the server command then exits non-zero
   * once it has closed what it opened), and the JVM's own handler of uncaught exceptions stays.
   */
  private static void keepRatisFromExiting() {
    synchronized (RaftLedger.class) {
      Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
      ExitUtils.disableSystemExit();
      ExitUtils.setTerminateOnUncaughtException(false);
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }

  static RaftProperties serverProperties(Path raftDirectory, Member self, RaftSettings settings) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    // Bound to the member's own address; the admin and client services follow the server's.
    GrpcConfigKeys.Server.setHost(properties, self.host());
    GrpcConfigKeys.Server.setPort(properties, self.port());
    RaftServerConfigKeys.setStorageDir(properties, List.of(raftDirectory.toFile()));
    RaftServerConfigKeys.Rpc.setTimeoutMin(properties, millis(settings.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(properties, millis(settings.electionTimeoutMax()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties,
        settings.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, settings.snapshotOnStop());
    // Purge behind every snapshot, even entries a lagging member has not got: it then catches up
    // from the snapshot (the ledger directory), and a dead member does not make the log grow.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    RaftServerConfigKeys.Log.setPurgeGap(properties, settings.logPurgeGapEntries());
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties,
        SizeInBytes.valueOf(settings.logSegmentBytes()));
    // Read-only requests confirm the lead with a majority first (ReadIndex): see
    // confirmLeadership. Ratis's default answers them from whoever believes it leads.
    RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setTimeout(properties, millis(settings.requestTimeout()));
    return properties;
  }

  static RaftProperties clientProperties(RaftSettings settings) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, millis(settings.requestTimeout()));
    return properties;
  }

  private static TimeDuration millis(Duration duration) {
    return TimeDuration.valueOf(duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- proposing -------------------------------------------------------------------------------

  /**
   * Proposes {@code commands} as one entry with the batch time {@code timeMillis}, formed on this
   * member's journal position. Completes with each command's result once the entry is committed
   * (a majority has it on disk) and applied to this member's ledger; never before. Fails with
   * {@link ProposalNotAppliedException} when the entry certainly applied nothing (this member
   * does not lead, or the position had passed), and with any other exception when the outcome is
   * unknown (a retry with the same ids tells). One proposal at a time: wait for this one to
   * complete before the next.
   *
   * @throws IllegalArgumentException if the commands do not fit one entry ({@link #fits})
   * @throws IllegalStateException if a proposal is still in flight
   */
  public CompletableFuture<List<Executed>> propose(List<Command> commands, long timeMillis) {
    if (commands.isEmpty() || !fits(commands)) {
      throw new IllegalArgumentException(commands.size() + " commands do not fit one entry");
    }
    if (!proposing.compareAndSet(false, true)) {
      throw new IllegalStateException("a proposal is still in flight");
    }
    if (!isLeaderReady()) {
      proposing.set(false);
      return CompletableFuture.failedFuture(new ProposalNotAppliedException(
          "member " + self.id() + " does not lead the ledger's group"));
    }
    LedgerStateMachine.Proposal proposal;
    try {
      proposal = stateMachine.propose(commands, timeMillis);
    } catch (IllegalStateException notRunning) { // paused for a snapshot install, or failed
      proposing.set(false);
      return CompletableFuture.failedFuture(
          new ProposalNotAppliedException(notRunning.getMessage()));
    }
    // What the caller gets completes only after the flag is down, so its next proposal, formed
    // as soon as this one completes, never finds this one still in flight.
    CompletableFuture<List<Executed>> applied = proposal.applied()
        .whenComplete((result, error) -> proposing.set(false));
    // Straight to this member's own server: only a leader proposes, and the leader is this
    // member, so a client's gRPC round trip to itself (over TLS) would only cost CPU. A member
    // that lost the lead meanwhile replies NotLeader, which abandons the proposal below.
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(proposer)
        .setServerId(selfId)
        .setGroupId(GROUP_ID)
        .setCallId(proposalCalls.incrementAndGet())
        .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(proposal.entry().encode())))
        .setType(RaftClientRequest.writeRequestType())
        .build();
    CompletableFuture<RaftClientReply> sent;
    try {
      sent = server.submitClientRequestAsync(request);
    } catch (IOException | RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((reply, error) -> {
      if (error != null) {
        stateMachine.abandon(proposal, error);
      } else if (!reply.isSuccess()) {
        stateMachine.abandon(proposal, reply.getException());
      } else if (LedgerStateMachine.Result.MALFORMED.name().equals(
          reply.getMessage().getContent().toStringUtf8())) {
        // No member could read it, so none will complete the proposal: it applied nothing.
        stateMachine.abandon(proposal, new ProposalNotAppliedException(
            "every member refused the entry as malformed"));
      }
      // Otherwise this member applied the entry (or passed over it: its position had passed),
      // which completed the proposal before Ratis replied.
    });
    // A request its server never answers (a leader cut off from the others, until it steps
    // down) still must not hold the caller forever.
    ScheduledFuture<?> timeout = proposalTimeouts.schedule(() -> stateMachine.abandon(proposal,
            new TimeoutException("entry not applied here within the bound")),
        settings.proposalGiveUp().toMillis(), TimeUnit.MILLISECONDS);
    applied.whenComplete((result, error) -> timeout.cancel(false));
    return applied;
  }

  /**
   * Confirms that this member still leads, the way Raft makes reads linearizable (Ratis's
   * ReadIndex): a round of heartbeats that a majority answers in this member's term, then a wait
   * until this member has applied everything committed before it. A read of this member's state
   * after it completes reflects every write acknowledged before the read was asked, even if
   * another member was elected meanwhile; a member that was deposed without knowing it (paused,
   * cut off) fails here instead of answering from a stale state. One limit, Ratis's: once a
   * commit index was confirmed, Ratis answers later confirmations at that same index without a
   * new round, so a deposed member that has committed nothing since its last confirmed read can
   * still pass here until it learns of the new term (docs/cluster.md, "Not guaranteed").
   *
   * @return completes once confirmed; fails if this member does not lead, or no majority
   *     answered within {@link RaftSettings#requestTimeout} per attempt
   */
  public CompletableFuture<Void> confirmLeadership() {
    if (!isLeaderReady()) {
      return CompletableFuture.failedFuture(new ProposalNotAppliedException(
          "member " + self.id() + " does not lead the ledger's group"));
    }
    return client.async().sendReadOnlyUnordered(Message.EMPTY, selfId).thenApply(reply -> {
      if (!reply.isSuccess() || !selfId.equals(reply.getServerId())) {
        throw new java.util.concurrent.CompletionException(new IOException(
            "member " + self.id() + " could not confirm that it leads",
            reply.getException()));
      }
      return null;
    });
  }

  /** Whether the commands fit one entry (and so one journal batch on every member). */
  public boolean fits(List<Command> commands) {
    LedgerEntry.Builder builder = new LedgerEntry.Builder(options);
    return commands.stream().allMatch(builder::tryAdd);
  }

  // ---- the group -------------------------------------------------------------------------------

  private Optional<DivisionInfo> division() {
    return raftDivision().map(RaftServer.Division::getInfo);
  }

  /** This member's division of the group; empty before it started or after it closed. */
  private Optional<RaftServer.Division> raftDivision() {
    try {
      return Optional.of(server.getDivision(GROUP_ID));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether this member leads and has applied every entry of earlier terms. */
  public boolean isLeaderReady() {
    return division().map(DivisionInfo::isLeaderReady).orElse(false);
  }

  public boolean isLeader() {
    return division().map(DivisionInfo::isLeader).orElse(false);
  }

  /** The leader this member knows of, if any. */
  public Optional<String> leaderId() {
    return division().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
  }

  /**
   * Runs {@code listener} on a Ratis thread whenever this member may have begun or stopped
   * leading (see {@link LedgerStateMachine#onLeadershipChange}); it must not block and should ask
   * {@link #isLeaderReady} afresh. A listener set after {@link #start} should also check once
   * itself: this member may already lead.
   */
  public void onLeadershipChange(Runnable listener) {
    stateMachine.onLeadershipChange(listener);
  }

  /**
   * Asks the group to hand the lead to {@code memberId} (Ratis's leadership transfer: the leader
   * lets it catch up, then has it start an election at once), for instance before a planned stop,
   * so a takeover need not wait for an election timeout. Blocking, at most {@code timeout}.
   *
   * @throws IOException if the lead did not pass to that member in time
   */
  public void transferLeadership(String memberId, Duration timeout) throws IOException {
    RaftClientReply reply = client.admin().transferLeadership(RaftPeerId.valueOf(memberId),
        timeout.toMillis());
    if (!reply.isSuccess()) {
      throw new IOException("the lead did not pass to " + memberId, reply.getException());
    }
  }

  /** This member's role, in lower case: leader, candidate, follower or listener. */
  public String role() {
    return division().map(d -> d.getCurrentRole().name().toLowerCase(Locale.ROOT))
        .orElse("none");
  }

  /**
   * Asks the group's leader to add this member to the configuration (Ratis's membership change:
   * the leader first brings the member up to date, from its log or with a snapshot, then commits
   * the new configuration). Blocking, one attempt: at most the request timeout times the request
   * attempts. Succeeds at once when this member is in the configuration already.
   *
   * @throws IOException if the change was refused or not confirmed in time (perhaps still under
   *     way: ask again)
   */
  public void requestMembership() throws IOException {
    List<RaftPeer> others = group.getPeers().stream().filter(p -> !p.getId().equals(selfId)).toList();
    try (RaftClient admin = RaftClient.newBuilder()
        .setProperties(clientProperties(settings))
        .setRaftGroup(RaftGroup.valueOf(GROUP_ID, others))
        .setParameters(parameters)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            settings.requestAttempts(), millis(settings.retrySleep())))
        .build()) {
      RaftClientReply reply = admin.admin().setConfiguration(
          SetConfigurationRequest.Arguments.newBuilder()
              .setServersInNewConf(List.of(self.peer()))
              .setMode(SetConfigurationRequest.Mode.ADD)
              .build());
      if (!reply.isSuccess()) {
        throw new IOException("the group did not add " + self.id(), reply.getException());
      }
    }
  }

  /**
   * The ids of the group's voting members in this member's current configuration, this one
   * included if it is one; empty while it knows none (a joining member before the leader reached
   * it).
   */
  public List<String> memberIds() {
    return raftDivision().map(d -> d.getRaftConf().getCurrentPeers().stream()
        .map(p -> p.getId().toString()).sorted().toList()).orElse(List.of());
  }

  /**
   * Whether this member votes in a settled configuration: one that is committed and not a
   * change under way (a joining member: once its addition is committed). A change still under
   * way can be rolled back by a new leader that never had it.
   */
  public boolean inConfiguration() {
    return raftDivision().filter(d -> {
      RaftConfiguration conf = d.getRaftConf();
      return conf.getPreviousPeers().isEmpty()
          && conf.getLogEntryIndex() <= d.getRaftLog().getLastCommittedIndex()
          && conf.getCurrentPeers().stream().anyMatch(p -> p.getId().equals(selfId));
    }).isPresent();
  }

  /** The members of the group in this member's current configuration, this one included. */
  public int groupSize() {
    return memberIds().size();
  }

  /** This member's current term. */
  public long term() {
    return division().map(DivisionInfo::getCurrentTerm).orElse(0L);
  }

  public Member self() {
    return self;
  }

  public RaftGroup group() {
    return group;
  }

  public LedgerStateMachine stateMachine() {
    return stateMachine;
  }

  /** Proposal timeouts still scheduled (each proposal's, until it settles); for tests. */
  int pendingProposalTimeouts() {
    return proposalTimeouts.getQueue().size();
  }

  /** Closes the client, then the server (which takes a last snapshot and closes the ledger). */
  @Override
  public void close() throws IOException {
    proposalTimeouts.shutdownNow();
    try {
      client.close();
    } finally {
      server.close();
    }
    LOG.log(Level.INFO, "event=raft_member_stopped id={0}", self.id());
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "event=raft_close_failed error={0}", e.toString());
    }
  }
}
