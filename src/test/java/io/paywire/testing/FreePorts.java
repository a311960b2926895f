package io.paywire.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers a test starts on 127.0.0.1 and names in advance (cluster members, Raft
 * peers, a peer's listener), chosen below Linux's ephemeral range (32768-60999 by default). A port
 * the kernel hands out for port 0 lies in that range, where any outgoing connection of any process
 * may take it between the test's check and the server's bind; no process takes a port below it
 * unless asked for that port. Each port is checked free when given, and never given twice in this
 * JVM.
 */
public final class FreePorts {

  static final int LOWEST = 20_000;

  /** Exclusive; the default start of the ephemeral range is 32768. */
  static final int HIGHEST = 32_000;

  private static final int ATTEMPTS = 200;

  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** One free port. */
  public static int one() throws IOException {
    return block(1);
  }

  /** {@code count} free ports, not necessarily consecutive. */
  public static int[] some(int count) throws IOException {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = one();
    }
    return ports;
  }

  /** The first of {@code size} consecutive free ports. */
  public static int block(int size) throws IOException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST - size + 1);
      if (claim(base, size)) {
        return base;
      }
    }
    throw new IOException(
        "no "
            + size
            + " consecutive free ports in "
            + LOWEST
            + "-"
            + HIGHEST
            + " after "
            + ATTEMPTS);
  }

  private static synchronized boolean claim(int base, int size) {
    for (int port = base; port < base + size; port++) {
      if (GIVEN.contains(port) || !bindable(port)) {
        return false;
      }
    }
    for (int port = base; port < base + size; port++) {
      GIVEN.add(port);
    }
    return true;
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
