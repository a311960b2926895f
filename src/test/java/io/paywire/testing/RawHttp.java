package io.paywire.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 written and read byte for byte over a TLS socket ({@link TlsLineClient}), for requests
 * no well-behaved client library would send: ambiguous framing, broken chunks, huge heads.
 */
public final class RawHttp {

  /** A reply as it came: status, headers (names in lower case), body. */
  public record Reply(int status, Map<String, String> headers, byte[] body) {

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + new String(body, StandardCharsets.UTF_8);
    }
  }

  private RawHttp() {}

  /** Opens a TLS connection to the API port of {@code node}. */
  public static TlsLineClient open(TestNode node) throws Exception {
    return TlsLineClient.open(node.port("http"), node.fingerprint(), null, null);
  }

  /** Sends {@code request} (CRLF line ends added for every {@code \n}) as it is. */
  public static void send(TlsLineClient client, String request) throws IOException {
    client.sendRaw(request.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one reply with a {@code Content-Length} body; null if the connection ended first. */
  public static Reply read(TlsLineClient client) throws IOException {
    String status = client.readLine();
    if (status == null) {
      return null;
    }
    Map<String, String> headers = new TreeMap<>();
    for (String line; (line = client.readLine()) != null && !line.strip().isEmpty(); ) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).strip());
    }
    String length = headers.get("content-length");
    byte[] body = length == null ? new byte[0] : client.readBytes(Integer.parseInt(length));
    return new Reply(Integer.parseInt(status.split(" ")[1]), headers, body);
  }
}
