package io.paywire.server;

import io.paywire.net.LogRate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code paywire.jar} logs (docs/operations.md): java.util.logging, where Vert.x, Netty,
 * Hazelcast, Ratis (through slf4j-jdk14), gRPC and Micrometer all end. Paywire's own lines at INFO,
 * libraries at WARNING ({@code logging.properties} beside this class, unless the operator names a
 * file of their own with {@code java.util.logging.config.file}); one line per record. Two
 * libraries' warnings are rewritten here because they are expected conditions, not faults:
 *
 * <ul>
 *   <li>Ratis's log appender warns, with a stack trace, on every retry to a member it cannot reach
 *       (about once a second per member while it is down, and on every orderly stop). Those records
 *       become one Paywire line per member, {@code event=raft_member_unreachable}, aggregated by
 *       {@link LogRate}: the first, then a count per interval.
 *   <li>vertx-micrometer registers the gauge of a meter again for every event-bus handler (and
 *       connection) that shares its name and tags, by design (it keeps one counter per meter in a
 *       map of its own and expects the registry to return the existing gauge); Micrometer 1.13.9
 *       and later warn on the second registration (vert-x3/vertx-micrometer-metrics#259,
 *       micrometer-metrics/micrometer#6931). The counts are right; that warning about a {@code
 *       vertx.*} meter is dropped, any other of Micrometer's is kept.
 * </ul>
 */
public final class LogSetup {

  /** The timestamp, level, logger, message and any stack trace, on one line each record. */
  static final String FORMAT = "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n";

  private static final String DEFAULTS = "logging.properties";

  /** Ratis's appender from the leader to one follower, named {@code self@group-ID->peer-...}. */
  static final String RATIS_APPENDER = "org.apache.ratis.grpc.server.GrpcLogAppender";

  /** Ratis's append stream on a follower, named {@code self: APPEND_ENTRIES onError ...}. */
  static final String RATIS_SERVICE = "org.apache.ratis.grpc.server.GrpcServerProtocolService";

  static final String MICROMETER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

  static final String HAZELCAST_CONNECTION_ERRORS =
      "com.hazelcast.internal.server.tcp.TcpServerConnectionErrorHandler";
  private static final String HAZELCAST_REMOVING = "Removing connection to endpoint";

  /** The appender's texts for a member it keeps retrying: unreachable, or behind its log. */
  private static final List<String> APPENDER_RETRIES =
      List.of("Failed appendEntries", "INCONSISTENCY", "retry");

  private static final Pattern APPENDER_PEER = Pattern.compile("^(\\S+?)@group-\\S+?->(\\S+?)-");
  private static final Pattern SERVICE_SELF = Pattern.compile("^(\\S+?): ");
  private static final Pattern GRPC_STATUS = Pattern.compile("\\b([A-Z_]{4,}): ");

  private static final System.Logger RAFT_LOG = System.getLogger("io.paywire.cluster.RaftPeers");
  private static final LogRate RAFT_RATE = LogRate.nodeWide(RAFT_LOG);

  /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its filter. */
  @SuppressWarnings("unused") // held, never read: see above
  private static volatile List<Logger> filtered = List.of();

  private LogSetup() {}

  /** Called once by the main method, before anything logs. */
  public static void configure() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", FORMAT);
    }
    if (System.getProperty("java.util.logging.config.file") == null
        && System.getProperty("java.util.logging.config.class") == null) {
      try (InputStream defaults = LogSetup.class.getResourceAsStream(DEFAULTS)) {
        LogManager.getLogManager().readConfiguration(defaults);
      } catch (IOException e) {
        throw new UncheckedIOException("the jar's " + DEFAULTS + " cannot be read", e);
      }
    }
    filtered =
        List.of(
            filtered(RATIS_APPENDER, LogSetup::appenderRecord),
            filtered(RATIS_SERVICE, LogSetup::serviceRecord),
            filtered(MICROMETER_REGISTRY, LogSetup::micrometerRecord),
            filtered(HAZELCAST_CONNECTION_ERRORS, LogSetup::hazelcastConnectionRecord));
  }

  private static Logger filtered(String name, Filter filter) {
    Logger logger = Logger.getLogger(name);
    logger.setFilter(filter);
    return logger;
  }

  /**
   * The leader's appender to a follower: its warnings about retrying an unreachable or lagging
   * member, aggregated. Anything else it says (an error, a configuration mismatch, a snapshot it
   * cannot install) is kept as Ratis wrote it.
   */
  static boolean appenderRecord(LogRecord record) {
    String message = String.valueOf(record.getMessage());
    Matcher peers = APPENDER_PEER.matcher(message);
    if (!isRetryWarning(record, message, APPENDER_RETRIES) || !peers.find()) {
      return true; // not a line about one follower: as Ratis wrote it
    }
    String kind =
        message.contains("INCONSISTENCY")
            ? "event=raft_member_behind member=" + peers.group(2)
            : "event=raft_member_unreachable member=" + peers.group(2);
    RAFT_RATE.log(
        Level.INFO, kind, kind + " leader=" + peers.group(1) + " error=" + status(record, message));
    return false;
  }

  /** A follower's end of the append stream failing (its leader stopped or went away). */
  static boolean serviceRecord(LogRecord record) {
    String message = String.valueOf(record.getMessage());
    Matcher self = SERVICE_SELF.matcher(message);
    if (!isRetryWarning(record, message, List.of("onError")) || !self.find()) {
      return true;
    }
    String kind = "event=raft_leader_stream_closed member=" + self.group(1);
    RAFT_RATE.log(Level.INFO, kind, kind + " error=" + status(record, message));
    return false;
  }

  /**
   * Hazelcast's refusal of a connection to a member that left: {@code event=member_left} says it.
   */
  static boolean hazelcastConnectionRecord(LogRecord record) {
    return !String.valueOf(record.getMessage()).startsWith(HAZELCAST_REMOVING);
  }

  /** A WARNING (not worse) whose text is one of {@code retries}. */
  private static boolean isRetryWarning(LogRecord record, String message, List<String> retries) {
    return record.getLevel().intValue() <= Level.WARNING.getSeverity()
        && retries.stream().anyMatch(message::contains);
  }

  static boolean micrometerRecord(LogRecord record) {
    return !String.valueOf(record.getMessage())
        .contains("has been already registered (MeterId{name='vertx.");
  }

  /** gRPC's status code (UNAVAILABLE, CANCELLED, ...) from the thrown exception or the text. */
  private static String status(LogRecord record, String message) {
    String text =
        record.getThrown() != null ? String.valueOf(record.getThrown().getMessage()) : message;
    Matcher status = GRPC_STATUS.matcher(text);
    return status.find() ? status.group(1) : "retry";
  }
}
