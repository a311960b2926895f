package io.paywire.compat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts the original client's stream into messages. That client sends one message per write and
 * waits for the reply, so a received chunk is a message, with no newline to wait for; except the
 * payment forward {@code TRANS#payer#amount#payee&} + 512 binary bytes, which may hold any byte and
 * is framed by its header and length. Bytes that outgrow {@code maxMessageBytes} before making a
 * message are refused.
 */
final class CompatFramer {

  /** What one call to {@link #accept} produced. */
  sealed interface Result {}

  /** A text message: the chunk without trailing CR, LF and NUL bytes. */
  record Text(String text) implements Result {}

  /** A complete payment forward. */
  record Trans(String header, byte[] blocks, byte[] wholeMessage) implements Result {}

  /** More bytes are needed. */
  record Incomplete() implements Result {}

  /** The bytes cannot make a message (too long, or a TRANS header without its '&'). */
  record Invalid() implements Result {}

  static final String TRANS_PREFIX = "TRANS#";

  private final int maxMessageBytes;
  private Buffer pending = Buffer.buffer();

  CompatFramer(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  Result accept(Buffer chunk) {
    pending.appendBuffer(chunk);
    if (!startsWithTrans()) {
      Buffer message = pending;
      pending = Buffer.buffer();
      if (message.length() > maxMessageBytes) {
        return new Invalid();
      }
      return new Text(trim(message));
    }
    int ampersand = indexOf(pending, (byte) '&');
    if (ampersand < 0) {
      return pending.length() > maxMessageBytes ? reset(new Invalid()) : new Incomplete();
    }
    int end = ampersand + 1 + LegacyTrans.PAYLOAD_BYTES;
    if (pending.length() < end) {
      return end > maxMessageBytes ? reset(new Invalid()) : new Incomplete();
    }
    String header = pending.getString(0, ampersand, StandardCharsets.US_ASCII.name());
    byte[] blocks = pending.getBytes(ampersand + 1, end);
    byte[] whole = pending.getBytes(0, end);
    // Anything after the message belongs to nothing the original client sends: drop it.
    pending = Buffer.buffer();
    return new Trans(header, blocks, whole);
  }

  /** Whether bytes of an unfinished message are held. */
  boolean holdsPartialMessage() {
    return pending.length() > 0;
  }

  /** Drops the bytes of an unfinished message. */
  void discardPartialMessage() {
    pending = Buffer.buffer();
  }

  private Result reset(Result result) {
    pending = Buffer.buffer();
    return result;
  }

  private boolean startsWithTrans() {
    int n = Math.min(pending.length(), TRANS_PREFIX.length());
    for (int i = 0; i < n; i++) {
      if (pending.getByte(i) != TRANS_PREFIX.charAt(i)) {
        return false;
      }
    }
    // A chunk shorter than the prefix that matches it so far is a text message, not a forward.
    return pending.length() >= TRANS_PREFIX.length();
  }

  private static int indexOf(Buffer buffer, byte b) {
    for (int i = 0; i < buffer.length(); i++) {
      if (buffer.getByte(i) == b) {
        return i;
      }
    }
    return -1;
  }

  private static String trim(Buffer message) {
    int end = message.length();
    while (end > 0) {
      byte b = message.getByte(end - 1);
      if (b != '\r' && b != '\n' && b != 0) {
        break;
      }
      end--;
    }
    return message.getString(0, end, StandardCharsets.UTF_8.name());
  }
}
