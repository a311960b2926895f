package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A node's listeners asked for port 0 get distinct free ports, even when the kernel hands a probe
 * the port it handed the one before (a probe's port is free until bound, and listeners are resolved
 * before they bind). Seen in the suite: the text and compatibility ports resolved to one port, and
 * the node refused to start ("port N is already gated for tls").
 */
class AcceptGatesPortsTest {

  /** A probe that answers the given ports in turn, as a kernel reusing a freed port might. */
  private static AcceptGates.PortProbe answering(Integer... ports) {
    Queue<Integer> queue = new ArrayDeque<>(List.of(ports));
    return host -> queue.remove();
  }

  @Test
  void aPortTheKernelHandsOutTwiceIsGivenToOneListenerOnly() throws IOException {
    AcceptGates gates = new AcceptGates();
    AcceptGates.PortProbe probe = answering(40_001, 40_001, 40_001, 40_002);
    assertThat(gates.freePort("127.0.0.1", 0, probe)).isEqualTo(40_001);
    assertThat(gates.freePort("127.0.0.1", 0, probe)).isEqualTo(40_002);
  }

  @Test
  void aPortAnotherListenerGuardsIsNotGiven() throws IOException {
    AcceptGates gates = new AcceptGates();
    gates.guard("tls", 40_010, new ConnectionGate(1, 1));
    assertThat(gates.freePort("127.0.0.1", 0, answering(40_010, 40_011))).isEqualTo(40_011);
  }

  @Test
  void aConfiguredPortIsKeptWithoutAProbe() throws IOException {
    AcceptGates gates = new AcceptGates();
    assertThat(gates.freePort("127.0.0.1", 16_000, answering())).isEqualTo(16_000);
  }

  @Test
  void aKernelThatKeepsAnsweringTakenPortsEndsInAClearError() throws IOException {
    AcceptGates gates = new AcceptGates();
    assertThat(gates.freePort("127.0.0.1", 0, host -> 40_020)).isEqualTo(40_020);
    assertThatThrownBy(() -> gates.freePort("127.0.0.1", 0, host -> 40_020))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no free port on 127.0.0.1");
  }

  /**
   * The public entry point asks the kernel (not a fixed list): eight listeners asked for port 0 get
   * eight ports that can be bound. The repeats themselves are tested above with a scripted probe.
   */
  @Test
  void portZeroIsResolvedByTheKernelToPortsThatCanBeBound() throws IOException {
    AcceptGates gates = new AcceptGates();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      ports.add(gates.freePort("127.0.0.1", 0));
    }
    assertThat(ports).hasSize(8).allMatch(p -> p > 0);
    for (int port : ports) {
      try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(bound.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
