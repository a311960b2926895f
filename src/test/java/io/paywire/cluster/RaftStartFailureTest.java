package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paywire.ledger.Ledger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
      assertThatThrownBy(() -> RaftLedger.start(root, RaftTestCluster.OPTIONS, self,
          List.of(self, other), RaftTestCluster.settings())).isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("listener raft")
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort() + ": Address already in use")
          .hasMessageContaining("--raft-port");
    }
    await().atMost(Duration.ofSeconds(15)).pollInSameThread().untilAsserted(() ->
        assertThat(nonDaemonThreads()).as("non-daemon threads left by the failed start")
            .isSubsetOf(before));
    // The ledger's directory was released too.
    try (Ledger ledger = Ledger.open(root.resolve("ledger"), RaftTestCluster.OPTIONS)) {
      assertThat(ledger.position().nextBatchSequence()).isZero();
    }
  }

  @Test
  void aMemberRefusesToBindEveryInterface() {
    assertThatThrownBy(() -> new RaftLedger.Member("n0", "0.0.0.0", 7000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon()).collect(Collectors.toSet());
  }
}
