package io.paywire.course;

import io.paywire.ledger.AccountName;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a course client's stream into commands as the TA server does: every received chunk is read
 * as a C string (up to its first NUL byte, nothing trimmed). In 2021 that string is one command; in
 * 2020 it holds lines, each a command (its CRLF dropped). Where the TA server is fragile and the
 * dialect is unambiguous, it is robust instead, without changing a reply a client sees for what it
 * sends (docs/dialects.md):
 *
 * <ul>
 *   <li>NUL bytes at the start of a chunk are the rest of a NUL-padded command whose text came in
 *       the chunk before (a payee's 1,000-byte forward split in two reads): they are skipped, and a
 *       chunk of NULs alone is no command (no command starts with a NUL);
 *   <li>a payee's forward and its {@code List} written back to back and read as one chunk ({@code
 *       <payer>#<amount>#<payee>List}, the payee being the sender's own name) are two commands;
 *   <li>2020: a line may end in LF alone, and the last piece of a chunk without any line end is a
 *       command too (clients that send one command per write, as the TA servers read them); empty
 *       lines are no command; a line too long is answered once, its rest in the reads after dropped
 *       up to its line end (or a NUL).
 * </ul>
 *
 * <p>One per connection (it remembers a 2020 line being dropped).
 */
final class CourseFramer {

  static final String LIST = "List";

  private final CourseDialect dialect;
  private final int maxCommandBytes;

  /** 2020: the rest of a line already answered as too long is still coming. */
  private boolean dropping;

  /**
   * @param maxCommandBytes the longest command text (text.maxLineBytes), its line end not counted;
   *     a chunk holding a longer one is answered as one format error
   */
  CourseFramer(CourseDialect dialect, int maxCommandBytes) {
    this.dialect = dialect;
    this.maxCommandBytes = maxCommandBytes;
  }

  /** What one chunk is. */
  sealed interface Framed {}

  /** The chunk's commands, one or more, in order. */
  record Commands(List<String> commands) implements Framed {}

  /** Nothing to answer (the NUL padding of a command already read, or empty lines). */
  record Nothing() implements Framed {}

  /** Longer than any command: a format error. */
  record TooLong() implements Framed {}

  /**
   * @param user the name the connection is logged in as, or null: a forward to it followed by
   *     {@code List} in one command is split
   */
  Framed frame(Buffer chunk, String user) {
    int start = 0;
    while (start < chunk.length() && chunk.getByte(start) == 0) {
      start++;
    }
    int end = start;
    while (end < chunk.length() && chunk.getByte(end) != 0) {
      end++;
    }
    String text = chunk.getString(start, end, StandardCharsets.ISO_8859_1.name());
    boolean cut = end < chunk.length();
    if (dropping) {
      int lineEnd = text.indexOf('\n');
      if (lineEnd < 0 && !cut) {
        return new Nothing();
      }
      dropping = false;
      text = lineEnd < 0 ? "" : text.substring(lineEnd + 1);
    }
    List<String> pieces = dialect.lines() ? lines(text) : List.of(text);
    List<String> commands = new ArrayList<>();
    for (String piece : pieces) {
      if (piece.length() > maxCommandBytes) {
        dropping = dialect.lines() && !cut && !text.endsWith("\n");
        return new TooLong();
      }
      if (!piece.isEmpty()) {
        split(piece, user, commands);
      }
    }
    return commands.isEmpty() ? new Nothing() : new Commands(commands);
  }

  /** The lines of a 2020 chunk: split at LF, a CR before an LF dropped. */
  private static List<String> lines(String text) {
    String[] pieces = text.split("\n", -1);
    List<String> lines = new ArrayList<>(pieces.length);
    for (int i = 0; i < pieces.length; i++) {
      boolean ended = i < pieces.length - 1;
      String piece = pieces[i];
      lines.add(ended && piece.endsWith("\r") ? piece.substring(0, piece.length() - 1) : piece);
    }
    return lines;
  }

  /** Adds {@code command}, or the forward and the {@code List} it holds (see the class). */
  private static void split(String command, String user, List<String> commands) {
    String[] fields = command.split("#", -1);
    if (user != null
        && fields.length == 3
        && fields[2].endsWith(LIST)
        && !AccountName.key(fields[2]).equals(AccountName.key(user))
        && AccountName.key(fields[2].substring(0, fields[2].length() - LIST.length()))
            .equals(AccountName.key(user))) {
      commands.add(command.substring(0, command.length() - LIST.length()));
      commands.add(LIST);
      return;
    }
    commands.add(command);
  }
}
