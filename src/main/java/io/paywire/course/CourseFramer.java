package io.paywire.course;

import io.paywire.ledger.AccountName;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts a course client's stream into commands as the TA server does: every received chunk is one
 * command, read as a C string (up to its first NUL byte, nothing trimmed). Where the TA server is
 * fragile and the dialect is unambiguous, it is robust instead, without changing a reply a client
 * sees for what it sends (docs/dialects.md):
 *
 * <ul>
 *   <li>NUL bytes at the start of a chunk are the rest of a NUL-padded command whose text came in
 *       the chunk before (a payee's 1,000-byte forward split in two reads): they are skipped, and a
 *       chunk of NULs alone is no command (no command starts with a NUL);
 *   <li>a payee's forward and its {@code List} written back to back and read as one chunk ({@code
 *       <payer>#<amount>#<payee>List}, the payee being the sender's own name) are two commands.
 * </ul>
 */
final class CourseFramer {

  static final String LIST = "List";

  private final int maxCommandBytes;

  /**
   * @param maxCommandBytes the longest command text (text.maxLineBytes); a longer one is answered
   *     as a format error
   */
  CourseFramer(int maxCommandBytes) {
    this.maxCommandBytes = maxCommandBytes;
  }

  /** What one chunk is. */
  sealed interface Framed {}

  /** The chunk's commands, one or two, in order. */
  record Commands(List<String> commands) implements Framed {}

  /** Nothing to answer (the NUL padding of a command already read). */
  record Nothing() implements Framed {}

  /** Longer than any command: a format error. */
  record TooLong() implements Framed {}

  /**
   * @param user the name the connection is logged in as, or null: a forward to it followed by
   *     {@code List} in one chunk is split
   */
  Framed frame(Buffer chunk, String user) {
    int start = 0;
    while (start < chunk.length() && chunk.getByte(start) == 0) {
      start++;
    }
    if (start == chunk.length()) {
      return new Nothing();
    }
    int end = start;
    while (end < chunk.length() && chunk.getByte(end) != 0) {
      end++;
    }
    if (end - start > maxCommandBytes) {
      return new TooLong();
    }
    String command = chunk.getString(start, end, StandardCharsets.ISO_8859_1.name());
    String[] fields = command.split("#", -1);
    if (user != null
        && fields.length == 3
        && fields[2].endsWith(LIST)
        && !AccountName.key(fields[2]).equals(AccountName.key(user))
        && AccountName.key(fields[2].substring(0, fields[2].length() - LIST.length()))
            .equals(AccountName.key(user))) {
      return new Commands(List.of(command.substring(0, command.length() - LIST.length()), LIST));
    }
    return new Commands(List.of(command));
  }
}
