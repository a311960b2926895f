package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.bus.LedgerAddresses;
import io.paywire.bus.LedgerClient;
import io.paywire.bus.TransferEvents;
import io.paywire.ledger.JournalPosition;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.Verifier;
import io.paywire.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Three cluster nodes in this JVM as far as the ledger goes: three Vert.x instances, not clustered
 * (each its own event bus), each deploying a {@link RaftLedgerVerticle} with its own directory and
 * the same three-member group on 127.0.0.1. A node's bus reaches the ledger only if that node's
 * member leads, which is how the tests find the leader. Each bus records the transfer events
 * published on it.
 */
final class VerticleTestCluster implements AutoCloseable {

  static final int SIZE = 3;
  static final LedgerOptions OPTIONS = LedgerOptions.DEFAULTS;

  /** Generous for two cores shared with other tests: an election takes one to two seconds. */
  static final Duration WAIT = Duration.ofSeconds(30);

  /** What entry points wait for the ledger (the default {@code ledger.requestTimeoutMillis}). */
  static final long REQUEST_TIMEOUT_MILLIS = 5_000;

  private final Path root;
  private final List<RaftLedger.Member> members = new ArrayList<>();
  private final Vertx[] nodes = new Vertx[SIZE];
  private final RaftLedgerVerticle[] verticles = new RaftLedgerVerticle[SIZE];
  private final List<List<JsonObject>> events = new ArrayList<>();

  /** The deposit of a registration on a network that names none. */
  static final long NETWORK_DEPOSIT = 500;

  private final List<String> networks;

  VerticleTestCluster(Path root) throws IOException {
    this(root, List.of());
  }

  /** With the networks {@code networks}: each one more Raft group of every member. */
  VerticleTestCluster(Path root, List<String> networks) throws IOException {
    this.root = root;
    this.networks = List.copyOf(networks);
    int[] ports = FreePorts.some(SIZE);
    for (int i = 0; i < SIZE; i++) {
      members.add(new RaftLedger.Member("n" + i, "127.0.0.1", ports[i]));
      events.add(new CopyOnWriteArrayList<>());
    }
  }

  RaftLedgerVerticle.Settings settings(int i) {
    if (networks.isEmpty()) {
      return new RaftLedgerVerticle.Settings(
          root.resolve("n" + i), OPTIONS, 1_000, 10_000, members.get(i), members);
    }
    return new RaftLedgerVerticle.Settings(
        root.resolve("n" + i),
        OPTIONS,
        1_000,
        10_000,
        members.get(i),
        members,
        RaftSettings.DEFAULTS,
        RaftLedgerVerticle.Settings.DEFAULT_PROPOSAL_TIMEOUT_MILLIS,
        RaftLedgerVerticle.Settings.DEFAULT_LEADERSHIP_CHECK_MILLIS,
        null,
        false,
        networks.stream()
            .map(
                name ->
                    new RaftLedgerVerticle.Network(
                        name, networkDirectory(i, name), OPTIONS, NETWORK_DEPOSIT))
            .toList());
  }

  /** Node {@code i}'s directory of the network {@code name}: its ledger is in ledger/ below. */
  Path networkDirectory(int i, String name) {
    return root.resolve("n" + i).resolve("networks").resolve(name);
  }

  Path ledgerDirectory(int i) {
    return root.resolve("n" + i).resolve("ledger");
  }

  void startAll() throws Exception {
    for (int i = 0; i < SIZE; i++) {
      start(i);
    }
  }

  /** Starts node {@code i}: its Vert.x, a recorder of its bus's transfer events, its ledger. */
  void start(int i) throws Exception {
    assertThat(nodes[i]).as("node %d already runs", i).isNull();
    Vertx vertx = Vertx.vertx();
    nodes[i] = vertx;
    List<JsonObject> heard = events.get(i);
    get(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                TransferEvents.ADDRESS, m -> heard.addAll(TransferEvents.events(m.body())))
            .completion());
    verticles[i] = new RaftLedgerVerticle(settings(i), Clock.systemUTC());
    get(vertx.deployVerticle(verticles[i]));
  }

  /** Closes node {@code i}'s Vert.x, which undeploys its ledger. */
  Future<Void> close(int i) {
    Vertx vertx = nodes[i];
    nodes[i] = null;
    verticles[i] = null;
    return vertx.close();
  }

  Vertx vertx(int i) {
    return nodes[i];
  }

  RaftLedger raft(int i) {
    return verticles[i].raft();
  }

  LedgerClient client(int i) {
    return new LedgerClient(nodes[i].eventBus(), REQUEST_TIMEOUT_MILLIS);
  }

  /** A client, on node {@code i}'s bus, of the ledger at {@code addresses}. */
  LedgerClient client(int i, LedgerAddresses addresses) {
    return new LedgerClient(nodes[i].eventBus(), addresses, REQUEST_TIMEOUT_MILLIS);
  }

  /** Node {@code i}'s part of the network {@code name}'s group. */
  RaftLedger networkRaft(int i, String name) {
    return verticles[i].networkVerticles().stream()
        .map(RaftLedgerVerticle::raft)
        .filter(raft -> raft.ledger().name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** The transfer events published on node {@code i}'s bus so far. */
  List<JsonObject> events(int i) {
    return events.get(i);
  }

  List<Integer> running() {
    return RaftTestCluster.occupied(nodes);
  }

  /** The status reply of node {@code i}'s own bus, if a ledger answers there. */
  Optional<JsonObject> status(int i) {
    return status(i, LedgerAddresses.MAIN);
  }

  /** The status reply of the ledger at {@code addresses} on node {@code i}'s own bus, if any. */
  Optional<JsonObject> status(int i, LedgerAddresses addresses) {
    try {
      return Optional.of(
          get(
              nodes[i]
                  .eventBus()
                  .<JsonObject>request(
                      addresses.status(),
                      new JsonObject(),
                      new DeliveryOptions().setSendTimeout(1_000))
                  .map(Message::body)));
    } catch (Exception noLedgerHere) {
      return Optional.empty();
    }
  }

  /**
   * How a request to {@code address} on node {@code i}'s own bus fails, sent with a 5 s timeout;
   * null if it was answered.
   */
  ReplyFailure failureAt(int i, String address) throws Exception {
    try {
      get(
          nodes[i]
              .eventBus()
              .request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(5_000)));
      return null;
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      return ((ReplyException) e.getCause()).failureType();
    }
  }

  /** Waits until exactly one running node's bus answers the ledger's status: its index. */
  int awaitLeader() {
    return awaitLeader(LedgerAddresses.MAIN);
  }

  /** Waits until exactly one running node's bus answers the ledger at {@code addresses}. */
  int awaitLeader(LedgerAddresses addresses) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> servingNode(addresses), i -> i >= 0);
  }

  /** The one running node whose bus the ledger answers on, or -1 if none or several. */
  int servingNode() {
    return servingNode(LedgerAddresses.MAIN);
  }

  /** The one running node whose bus the ledger at {@code addresses} answers on, or -1. */
  int servingNode(LedgerAddresses addresses) {
    int serving = -1;
    for (int i : running()) {
      if (status(i, addresses).isPresent()) {
        if (serving >= 0) {
          return -1;
        }
        serving = i;
      }
    }
    return serving;
  }

  /** Waits until every running member's journal stands where the serving member's does. */
  JournalPosition awaitConverged() {
    int leader = awaitLeader();
    return RaftTestCluster.awaitSamePosition(
        raft(leader), running().stream().map(this::raft).toList());
  }

  /**
   * Closes every node, then checks the directories of {@code members} with the project's verifier;
   * their head hashes must agree.
   */
  List<Verifier.Report> closeAndVerify(List<Integer> verified) throws Exception {
    close();
    List<Verifier.Report> reports = new ArrayList<>();
    for (int i : verified) {
      reports.add(Verifier.verify(ledgerDirectory(i)));
    }
    assertThat(reports)
        .extracting(Verifier.Report::headHash)
        .containsOnly(reports.get(0).headHash());
    return reports;
  }

  static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (int i = 0; i < SIZE; i++) {
      if (nodes[i] != null) {
        try {
          get(close(i));
        } catch (Exception e) {
          first = first == null ? e : first;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
