package io.paywire.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A client of a test node's live channel ({@code GET /ws}): a real TLS WebSocket (Vert.x's client,
 * trusting only the node's {@code certs/ca.crt} and checking the host name), which keeps every
 * message it is sent and how the server closed it.
 */
public final class LiveClient implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final WebSocketClient client;
  private final WebSocket socket;
  private final List<JsonObject> messages = new CopyOnWriteArrayList<>();
  private volatile Short closeCode;
  private volatile boolean closed;

  private LiveClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
    socket.closeHandler(
        v -> {
          closeCode = socket.closeStatusCode();
          closed = true;
        });
  }

  /**
   * A client that trusts the test node's CA, connecting from {@code local} (a 127.x.y.z address, so
   * that tests can be several clients) or from the default address when it is null.
   */
  private static WebSocketClient client(Vertx vertx, Path directory, String local) {
    return vertx.createWebSocketClient(
        new WebSocketClientOptions()
            .setSsl(true)
            .setVerifyHost(true)
            .setMaxMessageSize(1 << 20)
            .setLocalAddress(local)
            .setTrustOptions(
                new PemTrustOptions()
                    .addCertPath(directory.resolve("certs").resolve("ca.crt").toString())));
  }

  /**
   * Opens {@code /ws} with exactly these extra headers: {@code Origin} only if given (Vert.x's own
   * is turned off).
   */
  public static LiveClient open(Vertx vertx, Path directory, int port, Map<String, String> headers)
      throws Exception {
    return open(vertx, directory, port, headers, null);
  }

  /** As {@link #open(Vertx, Path, int, Map)}, from the local address {@code local}. */
  public static LiveClient open(
      Vertx vertx, Path directory, int port, Map<String, String> headers, String local)
      throws Exception {
    WebSocketClient client = client(vertx, directory, local);
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/ws")
            .setSsl(true)
            // Vert.x drops any Origin without this, and makes one up with it when none is given.
            .setAllowOriginHeader(headers.containsKey("Origin"));
    headers.forEach(options::putHeader);
    try {
      WebSocket socket =
          client
              .connect(options)
              .toCompletionStage()
              .toCompletableFuture()
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new LiveClient(client, socket);
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** Opens {@code /ws} from the node's own origin, {@code https://127.0.0.1:<port>}. */
  public static LiveClient open(Vertx vertx, Path directory, int port) throws Exception {
    return open(vertx, directory, port, Map.of("Origin", "https://127.0.0.1:" + port));
  }

  /** The HTTP status a refused handshake got, or 101 when it was accepted (and closed again). */
  public static int handshakeStatus(
      Vertx vertx, Path directory, int port, Map<String, String> headers) throws Exception {
    return handshakeStatus(vertx, directory, port, headers, null);
  }

  /** As {@link #handshakeStatus(Vertx, Path, int, Map)}, from the local address {@code local}. */
  public static int handshakeStatus(
      Vertx vertx, Path directory, int port, Map<String, String> headers, String local)
      throws Exception {
    try (LiveClient accepted = open(vertx, directory, port, headers, local)) {
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw e;
    }
  }

  /** Opens and authenticates, waiting for the ready message. */
  public static LiveClient ready(Vertx vertx, Path directory, int port, String token)
      throws Exception {
    return ready(vertx, directory, port, token, null);
  }

  /** As {@link #ready(Vertx, Path, int, String)}, from the local address {@code local}. */
  public static LiveClient ready(Vertx vertx, Path directory, int port, String token, String local)
      throws Exception {
    LiveClient live =
        open(vertx, directory, port, Map.of("Origin", "https://127.0.0.1:" + port), local);
    live.send(new JsonObject().put("type", "auth").put("token", token));
    live.await("ready");
    return live;
  }

  public void send(JsonObject message) throws Exception {
    sendText(message.encode());
  }

  /** Sends exactly this text, e.g. JSON no {@link JsonObject} would write. */
  public void sendText(String text) throws Exception {
    socket
        .writeTextMessage(text)
        .toCompletionStage()
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Every message so far, in order. */
  public List<JsonObject> messages() {
    return List.copyOf(messages);
  }

  /** The messages of one type so far, in order. */
  public List<JsonObject> messages(String type) {
    return messages.stream().filter(m -> type.equals(m.getString("type"))).toList();
  }

  /** The first message of {@code type}, once it came. */
  public JsonObject await(String type) {
    Awaitility.await().atMost(TIMEOUT).until(() -> !messages(type).isEmpty());
    return messages(type).get(0);
  }

  /** Waits until the server has closed the socket; its close code. */
  public short awaitClosed() {
    Awaitility.await().atMost(TIMEOUT).until(() -> closed);
    return closeCode == null ? -1 : closeCode;
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    socket.close();
    client.close();
  }
}
