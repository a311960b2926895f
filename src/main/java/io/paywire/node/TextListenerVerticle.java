package io.paywire.node;

import io.paywire.session.SessionBackend;
import io.paywire.session.LoginThrottle;
import io.paywire.session.NodeSessionBackend;
import io.paywire.net.CommandRate;
import io.paywire.net.ConnectionGate;
import io.paywire.net.ListenerSettings;
import io.paywire.net.ServerIdentity;
import io.paywire.net.TlsServerOptions;
import io.paywire.config.PaywireConfig;
import io.paywire.crypto.SingleTrustManagerFactory;
import io.paywire.crypto.TrustAnyClientCertificate;
import io.paywire.protocol.Replies;
import io.paywire.protocol.TextParser;
import io.paywire.protocol.TextSession;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.parsetools.RecordParser;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The TLS text protocol listener: framing, limits and TLS; each connection's commands go to its
 * {@link TextSession}. Deploy one instance per event loop; instances share the node's
 * {@link ConnectionGate} and {@link LoginThrottle}.
 */
public final class TextListenerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(TextListenerVerticle.class.getName());

  private final ListenerSettings settings;
  private NetServer server;
  private SessionBackend backend;
  private TextParser parser;

  public TextListenerVerticle(ListenerSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    backend = new NodeSessionBackend(vertx, settings.nodeName(), "tls");
    parser = new TextParser(settings.limits().maxHistoryLines());
    server = vertx.createNetServer(TlsServerOptions.create(settings.host(), settings.port(),
        settings.limits(), settings.identity(), settings.sslEngine(), ClientAuth.REQUEST))
        .connectHandler(this::connected);
    return server.listen();
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void connected(NetSocket socket) {
    if (!settings.gate().tryEnter()) {
      LOG.log(Level.WARNING, "event=connection_refused reason=max_connections remote={0}",
          socket.remoteAddress());
      socket.end(Buffer.buffer(Replies.withReason(Replies.INVALID,
          "server full, try again later") + "\n"));
      return;
    }
    String ip = socket.remoteAddress().hostAddress();
    TextSession session = new TextSession(backend, parser, settings.throttle(),
        new TextSession.Peer(ip, TlsServerOptions.clientKey(socket), UUID.randomUUID().toString()));
    socket.closeHandler(closed -> {
      settings.gate().leave();
      session.close().onFailure(e ->
          LOG.log(Level.WARNING, "event=presence_cleanup_failed error={0}", e.toString()));
    });
    socket.exceptionHandler(e -> LOG.log(Level.DEBUG, "event=connection_error remote={0} "
        + "error={1}", socket.remoteAddress(), e.toString()));
    socket.write(Replies.GREETING + "\n");

    CommandRate rate = new CommandRate(settings.limits().maxCommandsPerSecond(),
        System.nanoTime());
    RecordParser lines = RecordParser.newDelimited("\n", socket)
        .maxRecordSize(settings.limits().maxLineBytes());
    Buffer tooLong = Buffer.buffer(Replies.withReason(Replies.INVALID,
        "line longer than " + settings.limits().maxLineBytes() + " bytes") + "\n");
    // The parser stops a line that outgrows the limit before its newline; a complete line that
    // arrived in one read is measured here.
    lines.exceptionHandler(e -> socket.end(tooLong));
    lines.handler(record -> {
      if (record.length() > settings.limits().maxLineBytes()) {
        lines.pause();
        socket.end(tooLong);
        return;
      }
      if (!rate.tryTake(System.nanoTime())) {
        socket.write(Replies.withReason(Replies.INVALID, "more than "
            + settings.limits().maxCommandsPerSecond() + " commands a second") + "\n");
        return;
      }
      String line = decode(record);
      if (line == null) {
        socket.write(Replies.withReason(Replies.INVALID, "line is not UTF-8") + "\n");
        return;
      }
      // One command at a time: replies go out in order and a session never runs two commands.
      lines.pause();
      session.handle(line).onComplete(done -> {
        TextSession.Reply reply = done.succeeded() ? done.result()
            : new TextSession.Reply(List.of(Replies.withReason(Replies.INVALID,
                "internal error")), false);
        if (done.failed()) {
          LOG.log(Level.ERROR, "event=command_failed error={0}", done.cause().toString());
        }
        Buffer out = Buffer.buffer(String.join("\n", reply.lines()) + "\n");
        if (reply.close()) {
          socket.end(out);
        } else {
          socket.write(out);
          lines.resume();
        }
      });
    });
  }

  /** The line without its '\r', or null if it is not valid UTF-8. */
  private static String decode(Buffer record) {
    byte[] bytes = record.getBytes();
    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1
        : bytes.length;
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
