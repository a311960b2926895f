package io.paywire.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/** Reading and writing the protocol's '\n'-terminated UTF-8 lines, with a bound on length. */
final class LineIo {

  private LineIo() {}

  /**
   * The next line without its "\n" (or "\r\n"), or null at the end of the stream before any byte of
   * a line. A line longer than {@code maxBytes}, or cut off by the end of the stream, is a
   * ProtocolException. Read from a buffered stream: this reads a byte at a time.
   */
  static String readLine(InputStream in, int maxBytes) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new ProtocolException("connection closed in the middle of a line");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      if (line.size() >= maxBytes) {
        throw new ProtocolException("line longer than " + maxBytes + " bytes");
      }
      line.write(b);
    }
  }

  /** Writes the line and its "\n" and flushes. */
  static void writeLine(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A line to send must be one line: a '\n' inside would be a second command. */
  static String requireSingleLine(String line) {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a command is one line, without '\\n' or '\\r'");
    }
    return line;
  }
}
