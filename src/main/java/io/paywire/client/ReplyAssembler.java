package io.paywire.client;

import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the lines of one reply as they arrive, for blocking and non-blocking readers alike:
 * {@link #add} returns the whole reply once its last line is in, null before. One instance per
 * command.
 */
public final class ReplyAssembler {

  private final ReplyShape shape;
  private final int maxLines;
  private final List<String> lines = new ArrayList<>();

  /** Total lines the reply has, once known; -1 before. */
  private long expected = -1;

  public ReplyAssembler(ReplyShape shape, int maxLines) {
    this.shape = shape;
    this.maxLines = maxLines;
  }

  public ReplyAssembler(String commandLine) {
    this(ReplyShape.of(commandLine), ClientLimits.MAX_REPLY_LINES);
  }

  /** Adds the next line; the complete reply, or null while more lines are due. */
  public List<String> add(String line) throws ProtocolException {
    lines.add(line);
    if (expected < 0) {
      expected = expectedSoFar();
      if (expected > maxLines) {
        throw new ProtocolException(
            "reply announces " + expected + " lines, more than " + maxLines);
      }
    }
    return expected >= 0 && lines.size() >= expected ? List.copyOf(lines) : null;
  }

  /** The reply's length as far as the lines so far tell it, or -1 if not yet known. */
  private long expectedSoFar() throws ProtocolException {
    String first = lines.get(0);
    if (shape == ReplyShape.SINGLE || !ReplyShape.isNumber(first)) {
      return 1;
    }
    if (shape == ReplyShape.COUNTED) {
      return 1 + Long.parseLong(first);
    }
    if (lines.size() < 2) {
      return -1;
    }
    String count = lines.get(1);
    if (!ReplyShape.isNumber(count)) {
      throw new ProtocolException("a balance line must be followed by a count, not: " + count);
    }
    return 2 + Long.parseLong(count);
  }
}
