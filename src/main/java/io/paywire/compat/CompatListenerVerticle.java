package io.paywire.compat;

import io.paywire.session.NodeSessionBackend;
import io.paywire.net.CommandRate;
import io.paywire.net.ConnectionGate;
import io.paywire.net.ListenerSettings;
import io.paywire.net.TlsServerOptions;
import io.paywire.protocol.Replies;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * The compatibility listener: serves the original C++ course client byte for byte, against the
 * same ledger and presence as every other entry point. A client certificate is required (that
 * client always sends one); its public key is the user's identity.
 *
 * <p>The original client reads its two greetings with two reads, so they go out as two TLS
 * records: the second is written only once the first has been flushed.
 */
public final class CompatListenerVerticle extends VerticleBase {

  private static final System.Logger LOG =
      System.getLogger(CompatListenerVerticle.class.getName());

  /**
   * @param listener the TLS text listener's settings: host, limits, identity, shared gate and
   *     throttle of the node; its port is not used
   * @param replays shared by all instances of the node
   */
  public record Settings(int port, ListenerSettings listener, int maxMessageBytes,
      ReplayGuardHolder replays) {}

  /** The node's replay guard, created once and shared by the listener's instances. */
  public static final class ReplayGuardHolder {
    final ReplayGuard guard;

    public ReplayGuardHolder(long windowMillis, int maxEntries) {
      this.guard = new ReplayGuard(windowMillis, maxEntries, System::currentTimeMillis);
    }
  }

  private final Settings settings;
  private NetServer server;
  private NodeSessionBackend backend;

  public CompatListenerVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    ListenerSettings l = settings.listener();
    backend = new NodeSessionBackend(vertx, l.nodeName(), "compat");
    server = vertx.createNetServer(TlsServerOptions.create(l.host(), settings.port(), l.limits(),
            l.identity(), l.sslEngine(), ClientAuth.REQUIRED))
        .connectHandler(this::connected);
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void connected(NetSocket socket) {
    ConnectionGate gate = settings.listener().gate();
    byte[] clientKey = TlsServerOptions.clientKey(socket);
    if (clientKey == null) {
      socket.close(); // a client certificate is required; the handshake should have ensured it
      return;
    }
    if (!gate.tryEnter()) {
      LOG.log(Level.WARNING, "event=connection_refused listener=compat reason=max_connections "
          + "remote={0}", socket.remoteAddress());
      socket.close();
      return;
    }
    CompatSession session = new CompatSession(backend, settings.listener().throttle(),
        settings.replays().guard, socket.remoteAddress().hostAddress(), clientKey,
        UUID.randomUUID().toString());
    socket.closeHandler(closed -> {
      gate.leave();
      session.close().onFailure(e ->
          LOG.log(Level.WARNING, "event=presence_cleanup_failed error={0}", e.toString()));
    });
    socket.exceptionHandler(e -> LOG.log(Level.DEBUG, "event=connection_error listener=compat "
        + "remote={0} error={1}", socket.remoteAddress(), e.toString()));

    CompatFramer framer = new CompatFramer(settings.maxMessageBytes());
    CommandRate rate = new CommandRate(settings.listener().limits().maxCommandsPerSecond(),
        System.nanoTime());
    // Nothing is read before both greetings are out, and one message is handled at a time.
    socket.pause();
    socket.write(Replies.GREETING + "\n")
        .compose(v -> socket.write(CompatSession.HANDLER_ASSIGNED + "\n"))
        .onComplete(v -> socket.resume());
    socket.handler(chunk -> {
      CompatFramer.Result message = framer.accept(chunk);
      if (message instanceof CompatFramer.Incomplete) {
        return;
      }
      if (!rate.tryTake(System.nanoTime())) {
        socket.write(CompatSession.INVALID); // over text.maxCommandsPerSecond: dropped
        return;
      }
      socket.pause();
      session.handle(message).onComplete(done -> {
        CompatSession.Reply reply = done.succeeded() ? done.result()
            : CompatSession.Reply.of(CompatSession.INVALID);
        if (done.failed()) {
          LOG.log(Level.ERROR, "event=command_failed listener=compat error={0}",
              done.cause().toString());
        }
        if (reply.close()) {
          socket.end(Buffer.buffer(reply.text()));
        } else {
          socket.write(reply.text()).onComplete(written -> socket.resume());
        }
      });
    });
  }
}
