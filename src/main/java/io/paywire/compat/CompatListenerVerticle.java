package io.paywire.compat;

import io.paywire.net.CommandPipeline;
import io.paywire.net.ListenerSettings;
import io.paywire.net.LogRate;
import io.paywire.net.TlsServerOptions;
import io.paywire.protocol.Replies;
import io.paywire.session.Peer;
import io.paywire.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;

/**
 * The compatibility listener: serves the original C++ course client byte for byte, against the same
 * session core, ledger and presence as every other entry point. A client certificate is required
 * (that client always sends one); its public key is the user's identity.
 *
 * <p>The original client reads its two greetings with two reads, so they go out as two TLS records:
 * the second is written only once the first has been flushed. It sends one message and waits for
 * its reply, and reads each reply with one read, so a connection has one command in flight: the
 * shared {@link CommandPipeline} never joins two of its replies.
 */
public final class CompatListenerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(CompatListenerVerticle.class.getName());

  /** Lines an outsider can cause at will: the first of a kind, then a count per interval. */
  private static final LogRate OUTSIDER_LOG = LogRate.nodeWide(LOG);

  /**
   * @param listener the node's listener settings: host, limits, identity, shared session objects;
   *     its port is not used
   * @param maxListedUsers the most users one list shows (compat.maxListedUsers)
   * @param partialMessageTimeoutMillis how long the rest of a started payment forward is awaited
   *     before it is answered {@code TRANS FAIL} (compat.partialMessageTimeoutMillis)
   * @param forwardOncePerLogin whether identical forwards pay once per login of the payer instead
   *     of once ever (compat.forwardReplay)
   */
  public record Settings(
      int port,
      ListenerSettings listener,
      int maxMessageBytes,
      int maxListedUsers,
      long partialMessageTimeoutMillis,
      boolean forwardOncePerLogin) {}

  private final Settings settings;
  private NetServer server;
  private Sessions sessions;

  public CompatListenerVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    ListenerSettings l = settings.listener();
    sessions = new Sessions(vertx, l.sessions());
    NetServerOptions options =
        TlsServerOptions.create(
            l.host(),
            settings.port(),
            l.limits(),
            l.identity(),
            l.sslEngine(),
            ClientAuth.REQUIRED);
    server = vertx.createNetServer(options).connectHandler(this::connected);
    TlsServerOptions.followRenewals(vertx, l.identity(), options, server::updateSSLOptions);
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void connected(NetSocket socket) {
    ListenerSettings l = settings.listener();
    byte[] clientKey = TlsServerOptions.clientKey(socket);
    if (clientKey == null) {
      socket.close(); // a client certificate is required; the handshake should have ensured it
      return;
    }
    // Connection caps were applied at accept, before the handshake (AcceptGates).
    String ip = socket.remoteAddress().hostAddress();
    CompatSession session =
        new CompatSession(
            sessions.open(new Peer("compat", ip, clientKey)),
            settings.maxListedUsers(),
            settings.forwardOncePerLogin());
    CommandPipeline pipeline =
        new CommandPipeline(
            vertx,
            socket,
            l.pipelineLimits(1),
            l.newRate(),
            Buffer.buffer(CompatSession.INVALID),
            Buffer.buffer(CompatSession.INVALID),
            "compat");
    pipeline.endWithSocket(session::close);

    CompatFramer framer = new CompatFramer(settings.maxMessageBytes());
    // Nothing is read before both greetings are out.
    socket.pause();
    socket
        .write(Replies.GREETING + "\n")
        .compose(v -> socket.write(CompatSession.HANDLER_ASSIGNED + "\n"))
        .onComplete(v -> socket.resume());
    long[] partialTimer = {-1};
    socket.handler(
        chunk -> {
          if (partialTimer[0] >= 0) {
            vertx.cancelTimer(partialTimer[0]);
            partialTimer[0] = -1;
          }
          CompatFramer.Result message = framer.accept(chunk);
          if (message instanceof CompatFramer.Incomplete) {
            // The original client sends a forward in one write; its bytes may come in a few reads,
            // but a header that promises more than ever arrives (typed by hand, say) is answered as
            // the original answers it, and the connection goes on.
            partialTimer[0] =
                vertx.setTimer(
                    settings.partialMessageTimeoutMillis(),
                    id -> {
                      partialTimer[0] = -1;
                      if (framer.holdsPartialMessage()) {
                        framer.discardPartialMessage();
                        String kind = "event=compat_transfer_refused reason=incomplete";
                        OUTSIDER_LOG.log(
                            Level.WARNING, kind, kind + " remote=" + socket.remoteAddress());
                        pipeline.reply(
                            new CommandPipeline.Out(Buffer.buffer(Replies.TRANS_FAILED), false));
                      }
                    });
            return;
          }
          pipeline.submit(
              CompatSession.changesSession(message),
              () ->
                  session
                      .handle(message)
                      .map(
                          reply ->
                              new CommandPipeline.Out(Buffer.buffer(reply.text()), reply.close())));
        });
  }
}
