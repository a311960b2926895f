package io.paywire.cluster;

import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.LedgerDirectories;
import io.paywire.ledger.LedgerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
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
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * One ledger's part of this node's Raft member: its division of the ledger's group on the member's
 * one Ratis server ({@link RaftMember}), whose state machine is the ledger's own {@link
 * LedgerStateMachine}, to which the node, while it leads that group, proposes batches, and a Ratis
 * client for confirming and handing over the lead and for joining. Plain Java, no Vert.x: the
 * node's verticles wire it to the event bus. Its gRPC traffic, between members and from its client,
 * runs mutual TLS with the cluster key ({@link RaftTls}).
 *
 * <p>A node's data directory holds {@code ledger/} (the main ledger, which {@code paywire verify}
 * checks like a single node's), {@code networks/<name>/ledger/} per network, and {@code raft/}
 * (Ratis's log and metadata, {@code raft/<group id>/} per ledger).
 */
public final class RaftLedger implements AutoCloseable {

  /** Inside a member's data directory: its ledger (journal, snapshots, marks). */
  public static final String LEDGER_DIRECTORY = "ledger";

  /** Inside a member's data directory: Ratis's storage (its log, its metadata). */
  public static final String RAFT_DIRECTORY = "raft";

  /**
   * The Raft group of a Paywire cluster's main ledger; each network has one of its own ({@link
   * RaftMember#networkGroupId}). Fixed, so every member agrees.
   */
  public static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(
          UUID.nameUUIDFromBytes("paywire-ledger".getBytes(StandardCharsets.US_ASCII)));

  /**
   * A member of the group: its id and the address its Raft (gRPC) server binds and is reached at.
   * The host is a real address, never a wildcard: Ratis binds every interface unless given one.
   */
  public record Member(String id, String host, int port) {
    public Member {
      if (id == null || !id.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException(
            "a member id is 1 to 64 letters, digits, '_', '-' or '.'");
      }
      if (host == null
          || host.isBlank()
          || host.equals("0.0.0.0")
          || host.equals("::")
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

  private final RaftMember member;
  private final Member self;

  /** {@code self}'s id as Ratis names it. */
  private final RaftPeerId selfId;

  /** This ledger's group: its id and the members. */
  private final RaftMember.Group ledger;

  private final RaftGroup group;
  private final RaftServer.Division division;
  private final RaftClient client;
  private final LedgerStateMachine stateMachine;
  private final LedgerOptions options;
  private final RaftSettings settings;

  /** The TLS parameters of its Raft traffic; null in plaintext (tests only). */
  private final Parameters parameters;

  /** Whether closing this part closes the member's server too (a member of one ledger). */
  private final boolean closesMember;

  /** Proposals made and not yet completed: at most {@link RaftSettings#maxEntriesInFlight}. */
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Call ids of completed proposals whose replies Ratis's retry cache may drop. */
  private final Queue<Long> repliedCalls = new ConcurrentLinkedQueue<>();

  /**
   * Who this member's proposals come from, and their call ids: Ratis keys its retry cache by the
   * pair. Proposals go straight to this member's own server ({@link #propose}), not through a
   * client, so each gets its own call id here.
   */
  private final ClientId proposer = ClientId.randomId();

  private final AtomicLong proposalCalls = new AtomicLong();

  RaftLedger(
      RaftMember member,
      RaftMember.Group ledger,
      RaftGroup group,
      RaftServer.Division division,
      RaftClient client,
      LedgerStateMachine stateMachine,
      RaftSettings settings,
      Parameters parameters,
      boolean closesMember) {
    this.member = member;
    this.self = member.self();
    this.selfId = RaftPeerId.valueOf(self.id());
    this.ledger = ledger;
    this.group = group;
    this.division = division;
    this.client = client;
    this.stateMachine = stateMachine;
    this.options = ledger.options();
    this.settings = settings;
    this.parameters = parameters;
    this.closesMember = closesMember;
  }

  /**
   * Starts this node's member: opens its ledger under {@code dataDirectory/ledger}, its Raft
   * storage under {@code dataDirectory/raft}, and binds its gRPC server to {@code self}'s host and
   * port. All its Raft traffic, served and sent, runs mutual TLS with the cluster key ({@link
   * RaftTls}): every member must be given the same. If anything fails, whatever was started is
   * closed again before this throws, so no Ratis thread outlives a failed start.
   *
   * @param members every member of the group, {@code self} included
   * @param clusterKeys the cluster key and certificate ({@link ClusterKeys#require})
   * @throws IOException also if the cluster key cannot be read or is not its certificate's
   */
  public static RaftLedger start(
      Path dataDirectory,
      LedgerOptions options,
      Member self,
      List<Member> members,
      RaftSettings settings,
      ClusterKeys.KeyFiles clusterKeys)
      throws IOException {
    return start(dataDirectory, options, self, members, settings, clusterKeys, false);
  }

  /**
   * {@link #start(Path, LedgerOptions, Member, List, RaftSettings, ClusterKeys.KeyFiles) Starts} a
   * member; with {@code joining}, one that joins a running group rather than founding it: its
   * server starts outside any configuration (it neither campaigns nor votes) until the leader adds
   * it, which {@link #requestMembership} asks for. Once added, the configuration is stored in its
   * Raft directory: later starts, joining or not, recover it from there.
   */
  public static RaftLedger start(
      Path dataDirectory,
      LedgerOptions options,
      Member self,
      List<Member> members,
      RaftSettings settings,
      ClusterKeys.KeyFiles clusterKeys,
      boolean joining)
      throws IOException {
    return start(
        dataDirectory,
        options,
        self,
        members,
        settings,
        RaftTls.load(Objects.requireNonNull(clusterKeys, "clusterKeys")),
        joining);
  }

  /**
   * {@link #start(Path, LedgerOptions, Member, List, RaftSettings, ClusterKeys.KeyFiles) Starts} a
   * member whose Raft traffic is plain gRPC: only for this package's tests. A cluster node never
   * runs Raft in plaintext.
   */
  static RaftLedger start(
      Path dataDirectory,
      LedgerOptions options,
      Member self,
      List<Member> members,
      RaftSettings settings)
      throws IOException {
    return start(dataDirectory, options, self, members, settings, (RaftTls) null, false);
  }

  /**
   * A member opens its ledger as of its newest snapshot mark and has Ratis re-apply the rest from
   * its log ({@link LedgerStateMachine}): a ledger with no Raft log beside it (a backup, a single
   * node's directory, a member whose {@code raft/} was deleted) would be cut back to batch 0. It is
   * refused instead, naming what to do, and left as it is.
   */
  static void refuseLedgerWithoutRaftLog(Path dataDirectory) throws IOException {
    Path ledger = dataDirectory.resolve(LEDGER_DIRECTORY);
    Path raft = dataDirectory.resolve(RAFT_DIRECTORY);
    if (LedgerDirectories.holdsJournal(dataDirectory)) {
      throw new IOException(
          "cannot start a cluster member on "
              + dataDirectory
              + ": it holds a single node's ledger ("
              + LedgerDirectories.segmentPattern(dataDirectory)
              + "), which a member would leave unused and start empty. Serve it as a single node"
              + " (server --data-dir "
              + dataDirectory
              + "), or start the member on an empty data directory (docs/cluster.md, Backups)");
    }
    if (!Files.isDirectory(raft) && LedgerDirectories.holdsJournal(ledger)) {
      throw new IOException(
          "cannot start a cluster member on "
              + dataDirectory
              + ": it holds a"
              + " ledger ("
              + ledger
              + ") but no Raft log ("
              + raft
              + "), as a backup or a single"
              + " node's directory does, and a member would start that ledger empty. Serve it as a"
              + " single node (server --data-dir "
              + ledger
              + "), or start the member on an empty"
              + " data directory (docs/cluster.md, Backups)");
    }
  }

  /** Starts a member of the main ledger alone; {@code tls} null is plaintext (tests only). */
  private static RaftLedger start(
      Path dataDirectory,
      LedgerOptions options,
      Member self,
      List<Member> members,
      RaftSettings settings,
      RaftTls tls,
      boolean joining)
      throws IOException {
    RaftMember member =
        RaftMember.start(
            dataDirectory,
            List.of(RaftMember.Group.main(dataDirectory, options)),
            self,
            members,
            settings,
            tls,
            joining);
    try {
      return member.ledger(GROUP_ID, true);
    } catch (IOException | RuntimeException e) {
      RaftMember.closeQuietly(member);
      throw e;
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
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(
        properties, settings.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, settings.snapshotOnStop());
    // Purge behind every snapshot, even entries a lagging member has not got: it then catches up
    // from the snapshot (the ledger directory), and a dead member does not make the log grow.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    RaftServerConfigKeys.Log.setPurgeGap(properties, settings.logPurgeGapEntries());
    // Every entry is on disk before it counts: the log worker fsyncs (FileChannel.force) before
    // it moves the flush index, which is what a follower acknowledges and what the leader's own
    // vote in the commit counts. Ratis's defaults; set here so the ledger's durability, which
    // rests on them (its journal is forced only at snapshot points), never changes with Ratis's.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(properties, false);
    RaftServerConfigKeys.Log.setSegmentSizeMax(
        properties, SizeInBytes.valueOf(settings.logSegmentBytes()));
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

  static TimeDuration millis(Duration duration) {
    return TimeDuration.valueOf(duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- proposing -------------------------------------------------------------------------------

  /**
   * Proposes {@code commands} as one entry with the batch time {@code timeMillis}. Completes with
   * each command's result once the entry is committed (a majority has it in its Raft log, on disk)
   * and applied to this member's ledger; never before. Fails with {@link
   * ProposalNotAppliedException} when the entry certainly applied nothing (this member does not
   * lead, its ledger is not applying, or every member refused the entry as malformed), and with any
   * other exception when the outcome is unknown (a retry with the same ids tells).
   *
   * <p>Pipelined: it may be called again before earlier proposals complete, up to {@link
   * RaftSettings#maxEntriesInFlight} proposals in flight; the caller keeps that limit (and its own
   * timeout: this has none, Ratis answers every pending request when its server steps down).
   * Proposals made one after another from one thread enter the log, and are applied, in that order,
   * and their futures complete in that order, on Ratis's apply thread: do not block there.
   *
   * @throws IllegalArgumentException if the commands do not fit one entry ({@link #fits})
   * @throws IllegalStateException if {@link RaftSettings#maxEntriesInFlight} proposals are still in
   *     flight
   */
  public CompletableFuture<List<Executed>> propose(List<Command> commands, long timeMillis) {
    if (commands.isEmpty() || !fits(commands)) {
      throw new IllegalArgumentException(commands.size() + " commands do not fit one entry");
    }
    if (inFlight.incrementAndGet() > settings.maxEntriesInFlight()) {
      inFlight.decrementAndGet();
      throw new IllegalStateException(
          settings.maxEntriesInFlight() + " proposals are in flight already");
    }
    CompletableFuture<List<Executed>> result = new CompletableFuture<>();
    long call = proposalCalls.incrementAndGet();
    // The caller holds `result`; what the stage below returns carries nothing more.
    CompletableFuture<?> unused =
        submit(commands, timeMillis, call)
            .whenComplete(
                (executed, error) -> {
                  // Down before the caller hears, so its next proposal never finds this one in
                  // flight.
                  inFlight.decrementAndGet();
                  repliedCalls.add(call);
                  if (error != null) {
                    result.completeExceptionally(
                        error instanceof CompletionException c && c.getCause() != null
                            ? c.getCause()
                            : error);
                  } else {
                    result.complete(executed);
                  }
                });
    return result;
  }

  private CompletableFuture<List<Executed>> submit(
      List<Command> commands, long timeMillis, long call) {
    if (!isLeaderReady()) {
      return CompletableFuture.failedFuture(
          new ProposalNotAppliedException(
              "member " + self.id() + " does not lead the group of " + ledger.name()));
    }
    byte[] entry;
    try {
      entry = stateMachine.newEntry(commands, timeMillis);
    } catch (IllegalStateException notRunning) { // paused for a snapshot install, or failed
      return CompletableFuture.failedFuture(
          new ProposalNotAppliedException(notRunning.getMessage()));
    }
    // Straight to this member's own server: only a leader proposes, and the leader is this
    // member, so a client's gRPC round trip to itself (over TLS) would only cost CPU. The
    // replied calls let Ratis drop their replies (and results) from its retry cache now.
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(proposer)
            .setServerId(selfId)
            .setGroupId(group.getGroupId())
            .setCallId(call)
            .setRepliedCallIds(drainRepliedCalls())
            .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)))
            .setType(RaftClientRequest.writeRequestType())
            .build();
    try {
      return member.server().submitClientRequestAsync(request).thenApply(RaftLedger::results);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The results in Ratis's reply: the {@link LedgerStateMachine.AppliedMessage} the apply on this
   * member returned, which Ratis hands to the local submitter as it is.
   */
  private static List<Executed> results(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      // Not leader any more, stepping down, failed closed: whether the entry commits is unknown.
      throw new CompletionException(
          reply.getException() != null
              ? reply.getException()
              : new IOException("the entry was not answered as applied"));
    }
    Message message = reply.getMessage();
    if (message instanceof LedgerStateMachine.AppliedMessage applied) {
      return applied.results();
    }
    if (message == LedgerStateMachine.MALFORMED) {
      throw new CompletionException(
          new ProposalNotAppliedException("every member refused the entry as malformed"));
    }
    throw new CompletionException(
        new IllegalStateException(
            "entry " + reply.getLogIndex() + " was applied without results for this member"));
  }

  private List<Long> drainRepliedCalls() {
    List<Long> calls = new ArrayList<>();
    for (Long call; (call = repliedCalls.poll()) != null; ) {
      calls.add(call);
    }
    return calls;
  }

  /**
   * Confirms that this member still leads, the way Raft makes reads linearizable (Ratis's
   * ReadIndex): a round of heartbeats that a majority answers in this member's term, then a wait
   * until this member has applied everything committed before it. A read of this member's state
   * after it completes reflects every write acknowledged before the read was asked, even if another
   * member was elected meanwhile; a member that was deposed without knowing it (paused, cut off)
   * fails here instead of answering from a stale state. One limit, Ratis's: once a commit index was
   * confirmed, Ratis answers later confirmations at that same index without a new round, so a
   * deposed member that has committed nothing since its last confirmed read can still pass here
   * until it learns of the new term (docs/cluster.md, "Not guaranteed").
   *
   * @return completes once confirmed; fails if this member does not lead, or no majority answered
   *     within {@link RaftSettings#requestTimeout} per attempt
   */
  public CompletableFuture<Void> confirmLeadership() {
    if (!isLeaderReady()) {
      return CompletableFuture.failedFuture(
          new ProposalNotAppliedException(
              "member " + self.id() + " does not lead the group of " + ledger.name()));
    }
    return client
        .async()
        .sendReadOnlyUnordered(Message.EMPTY, selfId)
        .thenApply(
            reply -> {
              if (!reply.isSuccess() || !selfId.equals(reply.getServerId())) {
                throw new CompletionException(
                    new IOException(
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

  /**
   * What this member's division of the group knows. The division is obtained once at start (it
   * exists from then on), so health checks and event loops that ask for the role never wait on
   * Ratis (its {@code getDivision} may block on a future).
   */
  private DivisionInfo info() {
    return division.getInfo();
  }

  /** Whether this member leads and has applied every entry of earlier terms. */
  public boolean isLeaderReady() {
    return info().isLeaderReady();
  }

  public boolean isLeader() {
    return info().isLeader();
  }

  /** The leader this member knows of, if any. */
  public Optional<String> leaderId() {
    return Optional.ofNullable(info().getLeaderId()).map(RaftPeerId::toString);
  }

  /**
   * Runs {@code listener} on a Ratis thread whenever this member may have begun or stopped leading
   * (see {@link LedgerStateMachine#onLeadershipChange}); it must not block and should ask {@link
   * #isLeaderReady} afresh. A listener set after {@link #start} should also check once itself: this
   * member may already lead.
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
    RaftClientReply reply =
        client.admin().transferLeadership(RaftPeerId.valueOf(memberId), timeout.toMillis());
    if (!reply.isSuccess()) {
      throw new IOException("the lead did not pass to " + memberId, reply.getException());
    }
  }

  /** This member's role, in lower case: leader, candidate, follower or listener. */
  public String role() {
    return info().getCurrentRole().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Asks the group's leader to add this member to the configuration (Ratis's membership change: the
   * leader first brings the member up to date, from its log or with a snapshot, then commits the
   * new configuration). Blocking, one attempt: at most the request timeout times the request
   * attempts. Succeeds at once when this member is in the configuration already.
   *
   * @throws IOException if the change was refused or not confirmed in time (perhaps still under
   *     way: ask again)
   */
  public void requestMembership() throws IOException {
    List<RaftPeer> others =
        group.getPeers().stream().filter(p -> !p.getId().equals(selfId)).toList();
    try (RaftClient admin =
        RaftClient.newBuilder()
            .setProperties(clientProperties(settings))
            .setRaftGroup(RaftGroup.valueOf(group.getGroupId(), others))
            .setParameters(parameters)
            .setRetryPolicy(
                RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                    settings.requestAttempts(), millis(settings.retrySleep())))
            .build()) {
      RaftClientReply reply =
          admin
              .admin()
              .setConfiguration(
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
   * The ids of the group's voting members in this member's current configuration, this one included
   * if it is one; empty while it knows none (a joining member before the leader reached it).
   */
  public List<String> memberIds() {
    return division.getRaftConf().getCurrentPeers().stream()
        .map(p -> p.getId().toString())
        .sorted()
        .toList();
  }

  /**
   * Whether this member votes in a settled configuration: one that is committed and not a change
   * under way (a joining member: once its addition is committed). A change still under way can be
   * rolled back by a new leader that never had it.
   */
  public boolean inConfiguration() {
    RaftConfiguration conf = division.getRaftConf();
    return conf.getPreviousPeers().isEmpty()
        && conf.getLogEntryIndex() <= division.getRaftLog().getLastCommittedIndex()
        && conf.getCurrentPeers().stream().anyMatch(p -> p.getId().equals(selfId));
  }

  /** The members of the group in this member's current configuration, this one included. */
  public int groupSize() {
    return memberIds().size();
  }

  /** This member's current term. */
  public long term() {
    return info().getCurrentTerm();
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

  /** Proposals in flight; for tests. */
  int proposalsInFlight() {
    return inFlight.get();
  }

  /** Which ledger this part serves: its name, group and directory. */
  public RaftMember.Group ledger() {
    return ledger;
  }

  /**
   * Closes this ledger's client; with the member of one ledger ({@link #start}), the server too
   * (which takes a last snapshot and closes every ledger).
   */
  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      if (closesMember) {
        member.close();
      }
    }
  }
}
