package io.paywire.node;

import io.paywire.net.CommandPipeline;
import io.paywire.net.LineSplitter;
import io.paywire.net.ListenerSettings;
import io.paywire.net.TlsServerOptions;
import io.paywire.protocol.Replies;
import io.paywire.protocol.TextCommand;
import io.paywire.protocol.TextParser;
import io.paywire.protocol.TextSession;
import io.paywire.session.Peer;
import io.paywire.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The TLS text protocol listener: TLS, framing into lines and the connection's limits; each line
 * goes through the connection's {@link CommandPipeline} (ordering, pipelining, backpressure) to its
 * {@link TextSession} (the codec over the session core). Deploy one instance per event loop;
 * instances share the node's session objects.
 */
public final class TextListenerVerticle extends VerticleBase {

  /** Lines an outsider can cause at will: the first of a kind, then a count per interval. */
  private final ListenerSettings settings;

  private NetServer server;
  private Sessions sessions;
  private TextParser parser;

  public TextListenerVerticle(ListenerSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    sessions = new Sessions(vertx, settings.sessions());
    parser = new TextParser(settings.limits().maxHistoryLines());
    NetServerOptions options =
        TlsServerOptions.create(
            settings.host(),
            settings.port(),
            settings.limits(),
            settings.identity(),
            settings.sslEngine(),
            ClientAuth.REQUEST);
    server = vertx.createNetServer(options).connectHandler(this::connected);
    TlsServerOptions.followRenewals(vertx, settings.identity(), options, server::updateSSLOptions);
    return server.listen();
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private static Buffer line(String text) {
    return Buffer.buffer(text + "\n");
  }

  private static Buffer invalid(String reason) {
    return line(Replies.withReason(Replies.INVALID, reason));
  }

  private void connected(NetSocket socket) {
    // Connection caps were applied at accept, before the handshake (AcceptGates).
    String ip = socket.remoteAddress().hostAddress();
    TextSession session =
        new TextSession(
            sessions.open(new Peer("tls", ip, TlsServerOptions.clientKey(socket))),
            parser,
            settings.limits().maxListedUsers());
    int maxLine = settings.limits().maxLineBytes();
    CommandPipeline pipeline =
        new CommandPipeline(
            vertx,
            socket,
            settings.pipelineLimits(settings.limits().maxInFlightCommands()),
            settings.newRate(),
            invalid(
                "replies not read for "
                    + settings.limits().writeStallTimeoutSeconds()
                    + " s; closing"),
            invalid("internal error; closing"),
            "tls");
    pipeline.endWithSocket(session::close);
    socket.write(line(Replies.GREETING));

    CommandPipeline.Out tooLong =
        new CommandPipeline.Out(invalid("line longer than " + maxLine + " bytes"), true);
    socket.handler(
        new LineSplitter(
            maxLine,
            record -> {
              String text = decode(record);
              if (text == null) {
                pipeline.reply(new CommandPipeline.Out(invalid("line is not UTF-8"), false));
                return;
              }
              TextCommand command = session.parse(text);
              pipeline.submit(
                  TextCommand.changesSession(command),
                  () ->
                      session
                          .handle(command)
                          .map(
                              reply ->
                                  new CommandPipeline.Out(
                                      Buffer.buffer(String.join("\n", reply.lines()) + "\n"),
                                      reply.close())));
            },
            () -> pipeline.reply(tooLong)));
  }

  /** The line without its '\r', or null if it is not valid UTF-8. */
  private static String decode(Buffer record) {
    byte[] bytes = record.getBytes();
    int length =
        bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
