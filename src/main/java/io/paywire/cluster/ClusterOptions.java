package io.paywire.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a node joins a cluster (docs/cluster.md), from {@code server --cluster ...}.
 *
 * @param host the address this member binds its member traffic to (Hazelcast, event bus, Raft) and
 *     announces; never a wildcard
 * @param port Hazelcast's member port
 * @param raftPort the Raft (gRPC) port, by default {@code port + 1}
 * @param busPort the clustered event bus's port, by default {@code port + 2}
 * @param members every member's Hazelcast address, this one's included; also the Raft group
 * @param keys the directory of the cluster key ({@link ClusterKeys})
 * @param hazelcastConfig Hazelcast's XML configuration file, or null for the one in the jar (the
 *     checkout's conf/cluster.xml as built); the members, the port and the interface are set from
 *     these options over it
 * @param join {@code --join}: this member joins a running cluster's Raft group (the leader adds it)
 *     rather than founding the group with the other listed members
 */
public record ClusterOptions(
    String host,
    int port,
    int raftPort,
    int busPort,
    List<HostPort> members,
    Path keys,
    Path hazelcastConfig,
    boolean join) {

  /** A member that founds the group with the other listed members. */
  public ClusterOptions(
      String host,
      int port,
      int raftPort,
      int busPort,
      List<HostPort> members,
      Path keys,
      Path hazelcastConfig) {
    this(host, port, raftPort, busPort, members, keys, hazelcastConfig, false);
  }

  /** Hazelcast's default member port. */
  public static final int DEFAULT_PORT = 5701;

  /** The Raft and event-bus ports' offsets from the member port, when not given. */
  public static final int RAFT_PORT_OFFSET = 1;

  public static final int BUS_PORT_OFFSET = 2;

  /** Raft needs a majority; fewer than three members cannot lose one. */
  public static final int MIN_MEMBERS = 3;

  /** A member's address as listed in {@code --members}. */
  public record HostPort(String host, int port) {

    /** Parses {@code host:port}. */
    public static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("a member is host:port, not \"" + text + "\"");
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a member's port is a number, not \"" + text + "\"");
      }
      checkPort(port, "member port");
      return new HostPort(text.substring(0, colon).toLowerCase(Locale.ROOT), port);
    }

    /** The Raft member id this address stands for: stable across restarts. */
    public String raftId() {
      return "m" + host.replaceAll("[^A-Za-z0-9]", "_") + "_" + port;
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public ClusterOptions {
    if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      throw new IllegalArgumentException(
          "--cluster-host must be this member's own address, " + "not a wildcard");
    }
    checkPort(port, "--cluster-port");
    checkPort(raftPort, "--raft-port");
    checkPort(busPort, "--bus-port");
    members = List.copyOf(members);
    if (members.size() < MIN_MEMBERS) {
      throw new IllegalArgumentException(
          "--members lists at least "
              + MIN_MEMBERS
              + " members (a Raft majority must survive one loss), not "
              + members.size());
    }
    if (members.stream().distinct().count() != members.size()) {
      throw new IllegalArgumentException("--members lists a member twice");
    }
    HostPort self = new HostPort(host.toLowerCase(Locale.ROOT), port);
    if (!members.contains(self)) {
      throw new IllegalArgumentException("--members must list this member, " + self);
    }
  }

  /** Parses the comma-separated {@code --members}. */
  public static List<HostPort> parseMembers(String text) {
    List<HostPort> members = new ArrayList<>();
    for (String member : text.split(",")) {
      if (!member.isBlank()) {
        members.add(HostPort.parse(member.strip()));
      }
    }
    return members;
  }

  /** This member's listed address. */
  public HostPort self() {
    return new HostPort(host.toLowerCase(Locale.ROOT), port);
  }

  private static void checkPort(int port, String what) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(what + " must be 1 to 65535, not " + port);
    }
  }
}
