package io.paywire.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.LogCapture;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** Libraries' expected-condition warnings become Paywire's own lines, once, without traces. */
class LogSetupTest {

  /** How Ratis names the leader's appender to a follower, up to the follower's id. */
  private static final String APPENDER = "m127_0_0_1_5701@group-8E3435C52F2A->";

  private static LogRecord record(Level level, String message, Throwable thrown) {
    LogRecord record = new LogRecord(level, message);
    record.setThrown(thrown);
    return record;
  }

  @Test
  void retriesToAnUnreachableMemberBecomeOneLineNamingIt() {
    String member = "m127_0_0_1_" + UUID.randomUUID().toString().substring(0, 8);
    try (LogCapture log = new LogCapture()) {
      for (int retry = 0; retry < 5; retry++) {
        assertThat(
                LogSetup.appenderRecord(
                    record(
                        Level.WARNING,
                        APPENDER
                            + member
                            + "-AppendLogResponseHandler: Failed appendEntries: org.apache.ratis.thirdparty.io"
                            + ".grpc.StatusRuntimeException: UNAVAILABLE: io exception",
                        new RuntimeException("UNAVAILABLE: io exception"))))
            .isFalse();
        assertThat(
                LogSetup.appenderRecord(
                    record(
                        Level.WARNING,
                        APPENDER
                            + member
                            + "-GrpcLogAppender: Follower failed (request=null, errorCount="
                            + retry
                            + "); keep nextIndex (1) unchanged and retry.",
                        null)))
            .isFalse();
      }
      assertThat(log.lines(Level.INFO))
          .filteredOn(line -> line.contains(member))
          .containsExactly(
              "event=raft_member_unreachable member="
                  + member
                  + " leader=m127_0_0_1_5701 error=UNAVAILABLE");
      assertThat(log.anyThrown()).isFalse();
    }
  }

  @Test
  void onlyVertxGaugeReRegistrationsAreDropped() {
    assertThat(
            LogSetup.micrometerRecord(
                record(
                    Level.WARNING,
                    "This Gauge has been already "
                        + "registered (MeterId{name='vertx.eventbus.handlers', tags=[]}), the registration will "
                        + "be ignored.",
                    null)))
        .isFalse();
    assertThat(
            LogSetup.micrometerRecord(
                record(
                    Level.WARNING,
                    "This Gauge has been already "
                        + "registered (MeterId{name='paywire.raft.term', tags=[]}), the registration will be "
                        + "ignored.",
                    null)))
        .isTrue();
  }

  @Test
  void otherLinesOfRatisPassAsWritten() {
    assertThat(LogSetup.appenderRecord(record(Level.WARNING, "something else entirely", null)))
        .isTrue();
  }

  @Test
  void anErrorOfTheAppenderAboutOneMemberIsKeptAsWritten() {
    String prefix = "n0@group-8E3435C52F2A->n1-GrpcLogAppender: ";
    assertThat(
            LogSetup.appenderRecord(
                record(Level.SEVERE, prefix + "Failed appendEntries: UNAVAILABLE: io", null)))
        .isTrue();
    assertThat(
            LogSetup.appenderRecord(
                record(Level.WARNING, prefix + "Configuration Mismatch in snapshot reply", null)))
        .isTrue();
    assertThat(
            LogSetup.serviceRecord(
                record(Level.SEVERE, "n1: APPEND_ENTRIES onError: unexpected state", null)))
        .isTrue();
  }

  @Test
  void hazelcastDropsOnlyTheConnectionToAMemberThatLeft() {
    assertThat(
            LogSetup.hazelcastConnectionRecord(
                record(Level.WARNING, "Removing connection to endpoint [127.0.0.1]:5702", null)))
        .isFalse();
    assertThat(
            LogSetup.hazelcastConnectionRecord(
                record(Level.WARNING, "Connection to [10.0.0.5]:5701 refused", null)))
        .isTrue();
  }
}
