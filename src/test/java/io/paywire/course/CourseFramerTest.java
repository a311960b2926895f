package io.paywire.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.session.Views;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The course dialect's framing, list and number reading, on bytes and strings alone. */
class CourseFramerTest {

  private final CourseFramer framer = new CourseFramer(CourseDialect.V2021, 64);
  private final CourseFramer lines = new CourseFramer(CourseDialect.V2020, 64);

  private CourseFramer.Framed frame(String chunk, String user) {
    return framer.frame(Buffer.buffer(chunk), user);
  }

  private CourseFramer.Framed frame2020(String chunk) {
    return lines.frame(Buffer.buffer(chunk), null);
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
  void in2020EveryLineOfAChunkIsACommandItsCrlfDropped() {
    assertThat(frame2020("List\r\n")).isEqualTo(commands("List"));
    assertThat(frame2020("List\r\nList\r\n")).isEqualTo(commands("List", "List"));
    assertThat(frame2020("REGISTER#ann#100\r\nList"))
        .isEqualTo(commands("REGISTER#ann#100", "List"));
    // Leniency: no line end at all (one command per chunk, as the TA servers read), LF alone.
    assertThat(frame2020("List")).isEqualTo(commands("List"));
    assertThat(frame2020("List\n")).isEqualTo(commands("List"));
    // A CR is dropped only before an LF; empty lines are no command.
    assertThat(frame2020("List\r")).isEqualTo(commands("List\r"));
    assertThat(frame2020("a\rb\r\n")).isEqualTo(commands("a\rb"));
    assertThat(frame2020("\r\nList\r\n\r\n\n")).isEqualTo(commands("List"));
    assertThat(frame2020("\r\n\n")).isInstanceOf(CourseFramer.Nothing.class);
  }

  @Test
  void in2020AChunkIsCutAtItsFirstNulAndLeadingNulsAreSkipped() {
    assertThat(frame2020("alice#100#bob\r\n\0\0\0")).isEqualTo(commands("alice#100#bob"));
    assertThat(frame2020("List\r\n\0List\r\n")).isEqualTo(commands("List"));
    assertThat(frame2020("\0\0List\r\n")).isEqualTo(commands("List"));
    assertThat(frame2020("\0\0\0")).isInstanceOf(CourseFramer.Nothing.class);
  }

  @Test
  void in2020ALineLongerThanTheLimitIsOneFormatErrorForItsChunk() {
    assertThat(frame2020("x".repeat(64) + "\r\n")).isEqualTo(commands("x".repeat(64)));
    assertThat(frame2020("x".repeat(65) + "\r\n")).isInstanceOf(CourseFramer.TooLong.class);
    // Once per line: its rest, in the reads after, is dropped up to its line end.
    assertThat(frame2020("List\r\n" + "x".repeat(65))).isInstanceOf(CourseFramer.TooLong.class);
    assertThat(frame2020("x".repeat(10))).isInstanceOf(CourseFramer.Nothing.class);
    assertThat(frame2020("xx\r\nList\r\n")).isEqualTo(commands("List"));
    assertThat(frame2020("List")).isEqualTo(commands("List"));
    // A NUL ends the line as it ends the chunk's text.
    assertThat(frame2020("x".repeat(65) + "\0")).isInstanceOf(CourseFramer.TooLong.class);
    assertThat(frame2020("List")).isEqualTo(commands("List"));
    // Many short lines are not one long one.
    assertThat(frame2020("List\r\n".repeat(20))).isInstanceOf(CourseFramer.Commands.class);
  }

  @Test
  void in2020AForwardAndTheSendersListOnOneLineAreTwoCommandsAsIn2021() {
    assertThat(lines.frame(Buffer.buffer("alice#100#bobList"), "bob"))
        .isEqualTo(commands("alice#100#bob", "List"));
    assertThat(lines.frame(Buffer.buffer("alice#1#bob\r\nalice#2#bobList\r\n"), "bob"))
        .isEqualTo(commands("alice#1#bob", "alice#2#bob", "List"));
  }

  @Test
  void a2020ListHasNoKeyLineEndsItsLinesInCrlfAndFitsInOneThousandBytes() {
    List<Views.Online> users = longNames();
    assertThat(CourseSession.listText(CourseDialect.V2020, 5, users.subList(0, 1)))
        .isEqualTo("5\r\n1\r\n" + users.get(0).name() + "#127.0.0.1#65535\r\n");
    String list = CourseSession.listText(CourseDialect.V2020, 1_000_000_000L, users);
    assertThat(list.length()).isLessThanOrEqualTo(CourseSession.MAX_LIST_BYTES);
    String[] lines = list.split("\r\n", -1);
    int count = Integer.parseInt(lines[1]);
    assertThat(count).isPositive().isLessThan(40);
    assertThat(lines).hasSize(2 + count + 1);
    assertThat(CourseSession.MAX_LIST_BYTES - list.length()).isLessThan(lines[2].length() + 2);
  }

  @Test
  void aListFitsInOneThousandBytesAndCountsTheRowsItShows() {
    List<Views.Online> users = longNames();
    String list = CourseSession.listText(CourseDialect.V2021, 1_000_000_000L, users);
    assertThat(list.length()).isLessThanOrEqualTo(CourseSession.MAX_LIST_BYTES);
    String[] lines = list.split("\n", -1);
    assertThat(lines[1]).isEqualTo("public key");
    int count = Integer.parseInt(lines[2]);
    assertThat(count).isPositive().isLessThan(40);
    assertThat(lines).hasSize(3 + count + 1); // the rows, and nothing after the last newline
    assertThat(CourseSession.listText(CourseDialect.V2021, 5, users.subList(0, 1)))
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

  /** 40 users online with 32-character names: more than fit in one list. */
  private static List<Views.Online> longNames() {
    List<Views.Online> users = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      users.add(
          new Views.Online(
              ("u" + i + "x".repeat(32)).substring(0, 32), "127.0.0.1", 65_535, "course"));
    }
    return users;
  }

  private static CourseFramer.Commands commands(String... commands) {
    return new CourseFramer.Commands(List.of(commands));
  }
}
