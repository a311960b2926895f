package io.paywire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ports tests name in advance: below the kernel's ephemeral range, bindable, never repeated.
 */
class FreePortsTest {

  @Test
  void portsLieBelowTheEphemeralRangeAndAreNeverGivenTwice() throws Exception {
    // Read line by line: Files.readString stops after the first byte of this /proc file.
    String[] range =
        Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).split("\\s+");
    int ephemeralStart = Integer.parseInt(range[0]);
    Set<Integer> seen = new HashSet<>();
    // 800 ports out of 12,000: drawn at random without the check, some would repeat.
    for (int i = 0; i < 100; i++) {
      int base = FreePorts.block(8);
      for (int port = base; port < base + 8; port++) {
        assertThat(port).isLessThan(ephemeralStart).isGreaterThanOrEqualTo(1024);
        assertThat(seen.add(port)).as("port %d given twice", port).isTrue();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          assertThat(socket.getLocalPort()).isEqualTo(port);
        }
      }
    }
    for (int port : FreePorts.some(20)) {
      assertThat(seen.add(port)).as("port %d given twice", port).isTrue();
    }
  }
}
