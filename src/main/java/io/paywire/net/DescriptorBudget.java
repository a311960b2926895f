package io.paywire.net;

import com.sun.management.UnixOperatingSystemMXBean;
import io.paywire.config.ConfigException;
import io.paywire.config.PaywireConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The listeners' connection caps must fit the process's file-descriptor limit with {@code
 * node.reservedFileDescriptors} to spare, so that no listener, flooded to its cap, can take the
 * descriptors the journal, the other listeners or the cluster need. A node whose caps do not fit
 * refuses to start, naming the numbers: lowering caps silently would hide a configuration that
 * cannot hold what it promises.
 */
public final class DescriptorBudget {

  private DescriptorBudget() {}

  /** Descriptors the listeners may hold at once: every cap of every listener that runs. */
  public static long listenerCaps(PaywireConfig config) {
    long caps =
        (long) config.text().maxConnections() // text and compatibility together
            + config.http().maxConnections();
    if (config.node().managementPort() >= 0) {
      caps += config.node().managementMaxConnections();
    }
    return caps;
  }

  /** The process's descriptor limit, or -1 where the JVM does not report one (not Unix). */
  public static long processLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }

  /** Throws, saying what to change, unless the caps and the reserve fit {@code limit}. */
  public static void check(PaywireConfig config, long limit) throws ConfigException {
    if (limit < 0) {
      return; // nothing to check against
    }
    long needed = listenerCaps(config) + config.node().reservedFileDescriptors();
    if (needed > limit) {
      throw new ConfigException(
          "the listeners' connection caps (text.maxConnections "
              + config.text().maxConnections()
              + " + http.maxConnections "
              + config.http().maxConnections()
              + (config.node().managementPort() >= 0
                  ? " + node.managementMaxConnections " + config.node().managementMaxConnections()
                  : "")
              + ") plus node.reservedFileDescriptors "
              + config.node().reservedFileDescriptors()
              + " need "
              + needed
              + " file descriptors, but this process may open "
              + limit
              + ": lower those caps or raise the limit (ulimit -n, LimitNOFILE=)");
    }
  }
}
