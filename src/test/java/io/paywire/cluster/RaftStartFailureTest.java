package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paywire.crypto.KeyType;
import io.paywire.ledger.Command;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.TransferId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member that cannot start leaves nothing behind that would keep the JVM alive. */
class RaftStartFailureTest {

  @TempDir Path root;

  @Test
  void aMemberWhosePortIsTakenFailsToStartAndLeavesNoNonDaemonThread() throws Exception {
    Set<Thread> before = nonDaemonThreads();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      RaftLedger.Member self = new RaftLedger.Member("n0", "127.0.0.1", taken.getLocalPort());
      RaftLedger.Member other = new RaftLedger.Member("n1", "127.0.0.1", taken.getLocalPort() + 1);
      // Named for the operator: which listener, where, and what to do.
      assertThatThrownBy(
              () ->
                  RaftLedger.start(
                      root,
                      RaftTestCluster.OPTIONS,
                      self,
                      List.of(self, other),
                      RaftTestCluster.settings()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("listener raft")
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort() + ": Address already in use")
          .hasMessageContaining("--raft-port");
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInSameThread()
        .untilAsserted(
            () ->
                assertThat(nonDaemonThreads())
                    .as("non-daemon threads left by the failed start")
                    .isSubsetOf(before));
    // The ledger's directory was released too.
    try (Ledger ledger = Ledger.open(root.resolve("ledger"), RaftTestCluster.OPTIONS)) {
      assertThat(ledger.position().nextBatchSequence()).isZero();
    }
  }

  @Test
  void aMemberRefusesALedgerWithNoRaftLogBesideItAndLeavesItAsItWas() throws Exception {
    // A backup's layout: the member's ledger with a batch in it, and no raft/ directory.
    Path ledgerDir = root.resolve(RaftLedger.LEDGER_DIRECTORY);
    writeOneBatch(ledgerDir);
    RaftLedger.Member self = new RaftLedger.Member("n0", "127.0.0.1", 1);
    assertThatThrownBy(
            () ->
                RaftLedger.start(
                    root, RaftTestCluster.OPTIONS, self, List.of(self), RaftTestCluster.settings()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no Raft log")
        .hasMessageContaining("server --data-dir " + ledgerDir);
    assertThat(root.resolve(RaftLedger.RAFT_DIRECTORY)).doesNotExist();
    try (Ledger ledger = Ledger.open(ledgerDir, RaftTestCluster.OPTIONS)) {
      assertThat(ledger.position().nextBatchSequence()).isEqualTo(1);
    }
  }

  @Test
  void aMemberRefusesASingleNodesDirectory() throws Exception {
    try (Ledger ledger = Ledger.open(root, RaftTestCluster.OPTIONS)) {
      assertThat(ledger.position().nextBatchSequence()).isZero();
    }
    RaftLedger.Member self = new RaftLedger.Member("n0", "127.0.0.1", 1);
    assertThatThrownBy(
            () ->
                RaftLedger.start(
                    root, RaftTestCluster.OPTIONS, self, List.of(self), RaftTestCluster.settings()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("a single node's ledger")
        .hasMessageContaining("server --data-dir " + root);
    assertThat(root.resolve(RaftLedger.RAFT_DIRECTORY)).doesNotExist();
  }

  @Test
  void aMemberRefusesANetworkLedgerWithNoRaftLogOfItsGroupAndLeavesItAsItWas() throws Exception {
    // A network's ledger in a member's layout, with a batch in it, and no Raft log of its group.
    RaftMember.Group network =
        RaftMember.Group.network(
            "phase1", root.resolve("networks/phase1"), RaftTestCluster.OPTIONS);
    writeOneBatch(network.ledgerDirectory());
    RaftLedger.Member self = new RaftLedger.Member("n0", "127.0.0.1", 1);
    assertThatThrownBy(
            () ->
                RaftMember.start(
                    root,
                    List.of(RaftMember.Group.main(root, RaftTestCluster.OPTIONS), network),
                    self,
                    List.of(self),
                    RaftTestCluster.settings(),
                    null,
                    false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("network phase1")
        .hasMessageContaining("no Raft log")
        .hasMessageContaining("server --data-dir " + network.ledgerDirectory());
    assertThat(root.resolve(RaftLedger.RAFT_DIRECTORY)).doesNotExist();
    try (Ledger ledger = Ledger.open(network.ledgerDirectory(), RaftTestCluster.OPTIONS)) {
      assertThat(ledger.position().nextBatchSequence()).isEqualTo(1);
    }
  }

  @Test
  void aMemberRefusesTheRaftLogOfALedgerItDoesNotHave() throws Exception {
    // A network removed from the configuration: its group's log is still in raft/.
    Path removed =
        root.resolve(RaftLedger.RAFT_DIRECTORY)
            .resolve(RaftMember.networkGroupId("gone").getUuid().toString());
    Files.createDirectories(removed);
    RaftLedger.Member self = new RaftLedger.Member("n0", "127.0.0.1", 1);
    assertThatThrownBy(
            () ->
                RaftLedger.start(
                    root, RaftTestCluster.OPTIONS, self, List.of(self), RaftTestCluster.settings()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(removed.toString())
        .hasMessageContaining("not configured");
  }

  /** A ledger in {@code directory} with one batch: a registration. */
  private static void writeOneBatch(Path directory) throws Exception {
    try (Ledger ledger = Ledger.open(directory, RaftTestCluster.OPTIONS)) {
      ledger.apply(
          1_000,
          List.of(
              new Command.OpenAccount(
                  TransferId.random(new Random(1)),
                  "alice",
                  KeyType.EC.generate().getPublic().getEncoded(),
                  500)));
    }
  }

  @Test
  void aMemberRefusesToBindEveryInterface() {
    assertThatThrownBy(() -> new RaftLedger.Member("n0", "0.0.0.0", 7000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }
}
