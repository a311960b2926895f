package io.paywire.cluster;

import io.paywire.ledger.LedgerDirectories;
import io.paywire.ledger.LedgerOptions;
import io.paywire.net.PortTaken;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.ExitUtils;

/**
 * This node's one Raft server (Ratis, gRPC on the member's Raft port), shared by every ledger of
 * the member: one Raft group per ledger, the main ledger's ({@link RaftLedger#GROUP_ID}) and one
 * per network ({@link #networkGroupId}), each with its own {@link LedgerStateMachine}, log and
 * leader. Ratis keeps each group's log and metadata in {@code raft/<group id>/}; a restarted server
 * finds its groups there again. A group this server does not have yet (a network added to the
 * configuration, or a first start) is added to it at start, with the same members as the main
 * group's (or, joining, with none until the leader adds this member, group by group).
 *
 * <p>Each ledger's part ({@link RaftLedger}: proposing, reads, leadership, membership) is made by
 * {@link #ledger}; this holder is closed last, after every part.
 */
public final class RaftMember implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(RaftMember.class.getName());

  /**
   * One ledger of the member and its Raft group.
   *
   * @param name for logs: {@code ledger} for the main ledger, the network's name otherwise
   * @param root the directory holding the ledger's {@code ledger/}: the member's data directory, or
   *     {@code <data>/networks/<name>}
   */
  public record Group(String name, RaftGroupId id, Path root, LedgerOptions options) {
    public Group {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(options, "options");
    }

    /** The member's main ledger, in {@code dataDirectory/ledger}. */
    public static Group main(Path dataDirectory, LedgerOptions options) {
      return new Group(RaftLedger.LEDGER_DIRECTORY, RaftLedger.GROUP_ID, dataDirectory, options);
    }

    /** The network {@code name}'s ledger, in {@code root/ledger}. */
    public static Group network(String name, Path root, LedgerOptions options) {
      return new Group(name, networkGroupId(name), root, options);
    }

    /** The ledger's own directory: what {@code paywire verify} checks. */
    public Path ledgerDirectory() {
      return root.resolve(RaftLedger.LEDGER_DIRECTORY);
    }
  }

  /**
   * The Raft group of the network {@code name}: derived from the name alone, so every member agrees
   * without being told, and no network's group is the main ledger's.
   */
  public static RaftGroupId networkGroupId(String name) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(("paywire-network/" + name).getBytes(StandardCharsets.UTF_8)));
  }

  private final RaftLedger.Member self;
  private final List<RaftLedger.Member> members;
  private final RaftSettings settings;

  /** The TLS parameters of its Raft traffic; null in plaintext (tests only). */
  private final Parameters parameters;

  private final RaftServer server;
  private final Map<RaftGroupId, Group> groups;
  private final Map<RaftGroupId, LedgerStateMachine> machines;

  private RaftMember(
      RaftLedger.Member self,
      List<RaftLedger.Member> members,
      RaftSettings settings,
      Parameters parameters,
      RaftServer server,
      Map<RaftGroupId, Group> groups,
      Map<RaftGroupId, LedgerStateMachine> machines) {
    this.self = self;
    this.members = members;
    this.settings = settings;
    this.parameters = parameters;
    this.server = server;
    this.groups = groups;
    this.machines = machines;
  }

  /**
   * Starts this node's Raft server with a group per ledger: opens each ledger's state machine,
   * binds the gRPC server to {@code self}'s host and port, and adds every group the server did not
   * find in its storage. If anything fails, whatever was started is closed again before this
   * throws, so no Ratis thread outlives a failed start.
   *
   * @param groups the main ledger's group first ({@link Group#main}), then each network's
   * @param tls null for plaintext (tests only)
   * @param joining the member joins running groups: each group starts with no configuration (it
   *     neither campaigns nor votes) until the leader adds this member ({@link
   *     RaftLedger#requestMembership})
   */
  static RaftMember start(
      Path dataDirectory,
      List<Group> groups,
      RaftLedger.Member self,
      List<RaftLedger.Member> members,
      RaftSettings settings,
      RaftTls tls,
      boolean joining)
      throws IOException {
    if (!members.contains(self)) {
      throw new IllegalArgumentException("member " + self.id() + " is not among " + members);
    }
    if (groups.isEmpty() || !groups.get(0).id().equals(RaftLedger.GROUP_ID)) {
      throw new IllegalArgumentException("the main ledger's group comes first: " + groups);
    }
    Map<RaftGroupId, Group> byId = new LinkedHashMap<>();
    for (Group group : groups) {
      if (byId.put(group.id(), group) != null) {
        throw new IllegalArgumentException("two ledgers share the Raft group " + group.id());
      }
    }
    Path raft = dataDirectory.resolve(RaftLedger.RAFT_DIRECTORY);
    RaftLedger.refuseLedgerWithoutRaftLog(dataDirectory);
    for (Group group : groups.subList(1, groups.size())) {
      refuseNetworkWithoutRaftLog(group, raft);
    }
    refuseUnknownGroups(raft, byId.keySet());
    keepRatisFromExiting();
    Map<RaftGroupId, LedgerStateMachine> machines = new LinkedHashMap<>();
    for (Group group : groups) {
      machines.put(group.id(), new LedgerStateMachine(group.ledgerDirectory(), group.options()));
    }
    Parameters parameters = tls == null ? null : tls.parameters();
    RaftServer server = null;
    try {
      server =
          RaftServer.newBuilder()
              .setServerId(RaftPeerId.valueOf(self.id()))
              .setGroup(configuration(RaftLedger.GROUP_ID, members, joining))
              .setProperties(RaftLedger.serverProperties(raft, self, settings))
              .setStateMachineRegistry(
                  id -> {
                    LedgerStateMachine machine = machines.get(id);
                    if (machine == null) {
                      throw new IllegalStateException("no ledger of this member has group " + id);
                    }
                    return machine;
                  })
              .setOption(RaftStorage.StartupOption.RECOVER)
              .setParameters(parameters)
              .build();
      server.start();
      RaftMember member =
          new RaftMember(self, members, settings, parameters, server, byId, machines);
      member.addMissingGroups(joining);
      LOG.log(
          Level.INFO,
          "event=raft_member_started id={0} address={1}:{2} members={3} tls={4} joining={5}"
              + " groups={6}",
          self.id(),
          self.host(),
          String.valueOf(self.port()),
          members.size(),
          tls == null ? "off" : "mutual cluster=" + tls.fingerprint(),
          joining,
          groups.size());
      return member;
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(server);
      if (e instanceof ExitUtils.ExitException exit && PortTaken.is(exit)) {
        throw PortTaken.named(
            "raft (Raft between members)",
            self.host(),
            self.port(),
            "--raft-port",
            exit.getCause());
      }
      if (e instanceof ExitUtils.ExitException exit) {
        throw new IOException(
            "raft member " + self.id() + " did not start: " + exit.getMessage(), exit.getCause());
      }
      throw e;
    }
  }

  /** A group's configuration at start: every member, or none for a joining member. */
  private static RaftGroup configuration(
      RaftGroupId id, List<RaftLedger.Member> members, boolean joining) {
    return joining
        ? RaftGroup.valueOf(id)
        : RaftGroup.valueOf(id, members.stream().map(RaftLedger.Member::peer).toList());
  }

  /**
   * Adds to the running server each group its storage did not hold (Ratis's group management, asked
   * of this server directly: no network round trip). Its state machine comes from the registry; its
   * directory {@code raft/<group id>/} is made.
   */
  private void addMissingGroups(boolean joining) throws IOException {
    Set<RaftGroupId> present = new HashSet<>();
    server.getGroupIds().forEach(present::add);
    ClientId adder = ClientId.randomId();
    AtomicLong calls = new AtomicLong();
    for (Group group : groups.values()) {
      if (present.contains(group.id())) {
        continue;
      }
      RaftClientReply reply =
          server.groupManagement(
              GroupManagementRequest.newAdd(
                  adder,
                  RaftPeerId.valueOf(self.id()),
                  calls.incrementAndGet(),
                  configuration(group.id(), members, joining),
                  false));
      if (!reply.isSuccess()) {
        throw new IOException(
            "raft member " + self.id() + " could not add the group of " + group.name(),
            reply.getException());
      }
      LOG.log(
          Level.INFO,
          "event=raft_group_added member={0} ledger={1} group={2}",
          self.id(),
          group.name(),
          group.id().getUuid());
    }
  }

  /**
   * A network's ledger without its group's Raft log beside it would be cut back to batch 0, as the
   * main ledger's would ({@link RaftLedger#refuseLedgerWithoutRaftLog}): refused, naming it.
   */
  static void refuseNetworkWithoutRaftLog(Group group, Path raft) throws IOException {
    Path groupLog = raft.resolve(group.id().getUuid().toString());
    if (LedgerDirectories.holdsJournal(group.root())) {
      throw new IOException(
          "cannot start a cluster member with network "
              + group.name()
              + ": "
              + group.root()
              + " holds a single node's ledger ("
              + LedgerDirectories.segmentPattern(group.root())
              + "), which the member would leave unused and start empty. Serve it as a single"
              + " node, or move it away (docs/cluster.md, Networks)");
    }
    if (!Files.isDirectory(groupLog) && LedgerDirectories.holdsJournal(group.ledgerDirectory())) {
      throw new IOException(
          "cannot start a cluster member with network "
              + group.name()
              + ": "
              + group.ledgerDirectory()
              + " holds a ledger but its group has no Raft log ("
              + groupLog
              + "), and the member would start that ledger empty. Serve it as a single node"
              + " (server --data-dir "
              + group.ledgerDirectory()
              + "), or move it away (docs/cluster.md, Networks)");
    }
  }

  /**
   * A group in {@code raft/} that is no ledger of this configuration (a network removed from it)
   * would stop the server's start inside Ratis: refused first, naming the directory.
   */
  private static void refuseUnknownGroups(Path raft, Set<RaftGroupId> known) throws IOException {
    if (!Files.isDirectory(raft)) {
      return;
    }
    Set<String> names = new HashSet<>();
    known.forEach(id -> names.add(id.getUuid().toString()));
    try (Stream<Path> entries = Files.list(raft)) {
      for (Path entry : entries.sorted().toList()) {
        String name = entry.getFileName().toString();
        if (Files.isDirectory(entry) && isUuid(name) && !names.contains(name)) {
          throw new IOException(
              "cannot start a cluster member: "
                  + entry
                  + " holds the Raft log of a ledger that is not configured (a network removed"
                  + " from networks?). Configure that network again, or move the directory away"
                  + " (docs/cluster.md, Networks)");
        }
      }
    }
  }

  private static boolean isUuid(String name) {
    try {
      return UUID.fromString(name).toString().equals(name);
    } catch (IllegalArgumentException notOne) {
      return false;
    }
  }

  /**
   * Ratis calls {@code System.exit} when its gRPC server cannot bind, and the first use of its
   * {@code ExitUtils} makes every uncaught exception in the JVM exit it too. A node decides for
   * itself: a failed start throws from {@link #start} (the server command then exits non-zero once
   * it has closed what it opened), and the JVM's own handler of uncaught exceptions stays.
   */
  private static void keepRatisFromExiting() {
    synchronized (RaftMember.class) {
      Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
      ExitUtils.disableSystemExit();
      ExitUtils.setTerminateOnUncaughtException(false);
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }

  /**
   * The part of this member that serves the ledger of group {@code id}: its division, its own Ratis
   * client, its state machine. Closing the part closes its client, and with {@code closesMember}
   * this server too.
   */
  RaftLedger ledger(RaftGroupId id, boolean closesMember) throws IOException {
    Group group = groups.get(id);
    if (group == null) {
      throw new IllegalArgumentException("no ledger of this member has group " + id);
    }
    RaftGroup raftGroup =
        RaftGroup.valueOf(id, members.stream().map(RaftLedger.Member::peer).toList());
    RaftServer.Division division = server.getDivision(id);
    RaftClient client =
        RaftClient.newBuilder()
            .setProperties(RaftLedger.clientProperties(settings))
            .setRaftGroup(raftGroup)
            .setLeaderId(RaftPeerId.valueOf(self.id()))
            .setParameters(parameters)
            .setRetryPolicy(
                RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                    settings.requestAttempts(), RaftLedger.millis(settings.retrySleep())))
            .build();
    return new RaftLedger(
        this,
        group,
        raftGroup,
        division,
        client,
        machines.get(id),
        settings,
        parameters,
        closesMember);
  }

  /** The part serving the ledger of group {@code id}; closing it leaves this server running. */
  public RaftLedger ledger(RaftGroupId id) throws IOException {
    return ledger(id, false);
  }

  RaftServer server() {
    return server;
  }

  public RaftLedger.Member self() {
    return self;
  }

  /** Closes the server: every group's division, each taking a last snapshot of its ledger. */
  @Override
  public void close() throws IOException {
    server.close();
    LOG.log(Level.INFO, "event=raft_member_stopped id={0}", self.id());
  }

  static void closeQuietly(AutoCloseable closeable) {
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
