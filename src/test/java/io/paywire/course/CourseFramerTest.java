package io.paywire.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.session.Views;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The course dialect's framing, list and number reading, on bytes and strings alone. */
class CourseFramerTest {

  private final CourseFramer framer = new CourseFramer(64);

  private CourseFramer.Framed frame(String chunk, String user) {
    return framer.frame(Buffer.buffer(chunk), user);
  }

  @Test
  void aChunkIsOneCommandCutAtItsFirstNulAndNotTrimmed() {
    assertThat(frame("List\0garbage", null)).isEqualTo(commands("List"));
    assertThat(frame("List\n", null)).isEqualTo(commands("List\n"));
    assertThat(frame("\0\0List\0\0", null)).isEqualTo(commands("List"));
    assertThat(frame("\0\0\0", null)).isInstanceOf(CourseFramer.Nothing.class);
    assertThat(frame("x".repeat(65), null)).isInstanceOf(CourseFramer.TooLong.class);
  }

  @Test
  void aForwardAndTheSendersListInOneChunkAreTwoCommands() {
    assertThat(frame("alice#100#bobList", "bob")).isEqualTo(commands("alice#100#bob", "List"));
    assertThat(frame("alice#100#BobList\0", "bob")).isEqualTo(commands("alice#100#Bob", "List"));
    // Not the sender's own name, or the sender's name itself: one command, as sent.
    assertThat(frame("alice#100#bobList", "carol")).isEqualTo(commands("alice#100#bobList"));
    assertThat(frame("alice#100#bobList", "bobList")).isEqualTo(commands("alice#100#bobList"));
    assertThat(frame("alice#100#bobList", null)).isEqualTo(commands("alice#100#bobList"));
  }

  @Test
  void aListFitsInOneThousandBytesAndCountsTheRowsItShows() {
    List<Views.Online> users = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      users.add(
          new Views.Online(
              ("u" + i + "x".repeat(32)).substring(0, 32), "127.0.0.1", 65_535, "course"));
    }
    String list = CourseSession.listText(1_000_000_000L, users);
    assertThat(list.length()).isLessThanOrEqualTo(CourseSession.MAX_LIST_BYTES);
    String[] lines = list.split("\n", -1);
    assertThat(lines[1]).isEqualTo("public key");
    int count = Integer.parseInt(lines[2]);
    assertThat(count).isPositive().isLessThan(40);
    assertThat(lines).hasSize(3 + count + 1); // the rows, and nothing after the last newline
    assertThat(CourseSession.listText(5, users.subList(0, 1)))
        .isEqualTo("5\npublic key\n1\n" + users.get(0).name() + "#127.0.0.1#65535\n");
    assertThat(CourseSession.MAX_LIST_ROWS).isGreaterThan(count);
  }

  @Test
  void aPortIsReadAsCsAtoi() {
    assertThat(CourseSession.atoi("5001")).isEqualTo(5001);
    assertThat(CourseSession.atoi("5001\n")).isEqualTo(5001);
    assertThat(CourseSession.atoi("abc")).isZero();
    assertThat(CourseSession.atoi(" +80x")).isEqualTo(80);
    assertThat(CourseSession.atoi("-1")).isEqualTo(-1);
    assertThat(CourseSession.atoi("99999999999")).isEqualTo(-1);
  }

  private static CourseFramer.Commands commands(String... commands) {
    return new CourseFramer.Commands(List.of(commands));
  }
}
