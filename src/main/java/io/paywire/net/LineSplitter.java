package io.paywire.net;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits a byte stream into '\n'-terminated lines (without the '\n'), and measures the line limit
 * against one line only: the unfinished line carried over between reads is the only thing it holds.
 *
 * <p>Every complete line of a read is handed on at once; pausing is left to whoever owns the socket
 * ({@link CommandPipeline}). Vert.x's RecordParser does not fit here: paused, it keeps whole reads
 * buffered and measures them all against the record limit, and unpaused, it resumes its upstream
 * whenever it runs out of records, undoing a pause made on the socket.
 */
public final class LineSplitter implements Handler<Buffer> {

  private final int maxLineBytes;
  private final Consumer<Buffer> onLine;
  private final Runnable onTooLong;
  private Buffer partial = Buffer.buffer();
  private boolean failed;

  /**
   * @param maxLineBytes the longest line accepted, without its '\n'
   * @param onTooLong called once when a line exceeds the limit; nothing is handed on after it
   */
  public LineSplitter(int maxLineBytes, Consumer<Buffer> onLine, Runnable onTooLong) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.onLine = onLine;
    this.onTooLong = onTooLong;
  }

  @Override
  public void handle(Buffer chunk) {
    int start = 0;
    int length = chunk.length();
    for (int i = 0; i < length && !failed; i++) {
      if (chunk.getByte(i) == '\n') {
        Buffer line = chunk.getBuffer(start, i);
        if (partial.length() > 0) {
          line = partial.appendBuffer(line);
          partial = Buffer.buffer();
        }
        start = i + 1;
        if (line.length() > maxLineBytes) {
          fail();
        } else {
          onLine.accept(line);
        }
      }
    }
    if (!failed && start < length) {
      partial.appendBuffer(chunk, start, length - start);
      if (partial.length() > maxLineBytes) {
        fail();
      }
    }
  }

  private void fail() {
    failed = true;
    partial = Buffer.buffer();
    onTooLong.run();
  }
}
