package io.paywire.course;

import io.paywire.net.CommandPipeline;
import io.paywire.net.TokenBucket;
import io.paywire.session.Peer;
import io.paywire.session.Session;
import io.paywire.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A course network's plain-TCP listener (kind {@code course}, dialect 2021 or 2020): the TA's
 * phase-1 server's wire over the session core (docs/dialects.md). No greeting unless configured;
 * every chunk is a command, or lines of commands in 2020 ({@link CourseFramer}); each reply is one
 * write, one command in flight per connection.
 *
 * <p>A login's connection listens on its own event-bus address ({@link #loginAddress}) while the
 * login lasts, cluster-wide in a cluster: there the payer of a payment hears {@code Transfer OK!}
 * or {@code Transfer Fail!}, and a connection whose name another connection took is told to log
 * out, whichever member the payee or the new connection is on.
 */
public final class CourseListenerVerticle extends VerticleBase {

  /**
   * @param network the network's name
   * @param dialect the network's wire ({@code networks.<name>.dialect})
   * @param greeting a line sent once on connect, its line end appended; null for none
   * @param host where the listener binds
   * @param port its port (resolved: never 0)
   * @param sessions the network's sessions for this instance's context ({@link Sessions#sandbox})
   * @param maxCommandBytes the longest command (text.maxLineBytes)
   * @param idleTimeoutSeconds a connection silent this long is closed (text.idleTimeoutSeconds)
   * @param pipeline the connection's reply buffering and write-stall limits (text.*)
   * @param rate a fresh command-rate bucket per connection (text.maxCommandsPerSecond,
   *     text.commandBurst)
   */
  public record Settings(
      String network,
      CourseDialect dialect,
      String greeting,
      String host,
      int port,
      Function<Vertx, Sessions> sessions,
      int maxCommandBytes,
      int idleTimeoutSeconds,
      CommandPipeline.Limits pipeline,
      Supplier<TokenBucket> rate) {}

  private static final String TEXT = "text";

  private final Settings settings;
  private Sessions sessions;
  private NetServer server;

  public CourseListenerVerticle(Settings settings) {
    this.settings = settings;
  }

  /** Where the connection of login {@code login} of network {@code network} hears of others. */
  static String loginAddress(String network, String login) {
    return "paywire.course." + network + ".login." + login;
  }

  @Override
  public Future<?> start() {
    sessions = settings.sessions().apply(vertx);
    server =
        vertx
            .createNetServer(
                new NetServerOptions()
                    .setHost(settings.host())
                    .setPort(settings.port())
                    .setIdleTimeout(settings.idleTimeoutSeconds()))
            .connectHandler(this::connected);
    return server.listen();
  }

  private void connected(NetSocket socket) {
    String ip = socket.remoteAddress().hostAddress();
    Session core = sessions.open(new Peer("course", ip, null));
    CourseSession session =
        new CourseSession(
            core,
            settings.dialect(),
            settings.network(),
            (login, text) ->
                vertx
                    .eventBus()
                    .send(
                        loginAddress(settings.network(), login), new JsonObject().put(TEXT, text)));
    CommandPipeline pipeline =
        new CommandPipeline(
            vertx,
            socket,
            settings.pipeline(),
            settings.rate().get(),
            Buffer.buffer(),
            Buffer.buffer(),
            "course");
    Inbox inbox = new Inbox(core, pipeline);
    pipeline.endWithSocket(
        () -> {
          inbox.stop();
          return core.close();
        });
    if (settings.greeting() != null) {
      pipeline.reply(out(session.line(settings.greeting())));
    }
    CourseFramer framer = new CourseFramer(settings.dialect(), settings.maxCommandBytes());
    socket.handler(
        chunk -> {
          CourseFramer.Framed framed = framer.frame(chunk, core.user());
          if (framed instanceof CourseFramer.TooLong) {
            pipeline.reply(out(session.line(CourseSession.FORMAT_ERROR)));
          } else if (framed instanceof CourseFramer.Commands commands) {
            for (String command : commands.commands()) {
              pipeline.submit(
                  CourseSession.changesSession(command),
                  () ->
                      session
                          .handle(command)
                          .compose(
                              reply ->
                                  inbox
                                      .sync()
                                      .transform(done -> Future.succeededFuture(out(reply)))));
            }
          }
        });
  }

  private static CommandPipeline.Out out(CourseSession.Reply reply) {
    return new CommandPipeline.Out(Buffer.buffer(reply.text()), reply.close());
  }

  /** The connection's address while it is logged in, following its login. */
  private final class Inbox {
    private final Session core;
    private final CommandPipeline pipeline;
    private MessageConsumer<JsonObject> consumer;
    private String login;

    Inbox(Session core, CommandPipeline pipeline) {
      this.core = core;
      this.pipeline = pipeline;
    }

    /**
     * Listens at the current login's address, or at none when logged out; done once the address is
     * registered (in a cluster, on every member), so a payment that follows the login's reply finds
     * the connection.
     */
    Future<Void> sync() {
      String current = core.user() == null ? null : core.id();
      if (current != null && current.equals(login)) {
        return Future.succeededFuture();
      }
      stop();
      if (current == null) {
        return Future.succeededFuture();
      }
      login = current;
      String listening = current;
      consumer =
          vertx
              .eventBus()
              .consumer(
                  loginAddress(settings.network(), current),
                  message -> {
                    String text = message.body().getString(TEXT);
                    if (text == null) {
                      // The name moved to another connection: this one is logged out.
                      if (listening.equals(core.id())) {
                        Future<Void> unused = core.logout().compose(v -> sync());
                      }
                      return;
                    }
                    pipeline.reply(new CommandPipeline.Out(Buffer.buffer(text), false));
                  });
      return consumer.completion();
    }

    void stop() {
      if (consumer != null) {
        Future<Void> unused = consumer.unregister();
        consumer = null;
        login = null;
      }
    }
  }
}
