package io.paywire.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the time to a complete request head on the HTTPS port ({@code
 * http.requestHeadTimeoutSeconds}): from the end of the TLS handshake, and again from the end of
 * each response, a connection has that long to deliver a complete head, however slowly it trickles
 * bytes (each of which resets the idle timeout). So an idle keep-alive connection is closed after
 * it too (and every response says so, {@code Keep-Alive: timeout=}); a browser opens another. No
 * timer runs while a request is being served (its body and the work are bounded by {@code
 * http.maxBodyBytes}, the idle timeout and the ledger's timeout), nor once the connection has
 * become a WebSocket (which has its own authentication timeout and pings).
 *
 * <p>Vert.x has no such timeout and no public view of a connection's decoded HTTP messages, so this
 * watches them in Netty: a handler placed just before Vert.x's own ({@code "handler"}) sees each
 * decoded request head come in and each response go out. Reaching the channel uses a Vert.x
 * implementation class ({@code ConnectionBase}); should that change, every connection is closed at
 * once and the tests fail, rather than connections going unbounded.
 */
final class RequestHeadTimeout {

  private static final System.Logger LOG = System.getLogger(RequestHeadTimeout.class.getName());

  /** The name of Vert.x's connection handler in an HTTP/1.x pipeline. */
  private static final String VERTX_HANDLER = "handler";

  private final long timeoutMillis;

  /**
   * Sent with every response, a second below the timeout, so that clients which read it (Vert.x's,
   * curl's, browsers') drop an idle connection before the server closes it, and never send a
   * request into a connection being closed.
   */
  private final String keepAlive;

  RequestHeadTimeout(int timeoutSeconds) {
    this.timeoutMillis = timeoutSeconds * 1000L;
    this.keepAlive = "timeout=" + Math.max(1, timeoutSeconds - 1);
  }

  /** For {@code HttpServer.connectionHandler}: starts watching a new connection. */
  void watch(HttpConnection connection) {
    Channel channel = connection instanceof ConnectionBase base ? base.channel() : null;
    if (channel == null || channel.pipeline().get(VERTX_HANDLER) == null) {
      LOG.log(
          Level.ERROR,
          "event=request_head_timeout_unavailable connection={0}",
          connection.getClass().getName());
      connection.close();
      return;
    }
    channel.pipeline().addBefore(VERTX_HANDLER, "paywireRequestHead", new Watch());
  }

  /** One connection's state; Netty calls it on the connection's event loop only. */
  private final class Watch extends ChannelDuplexHandler {

    private ScheduledFuture<?> timer;

    /** Requests whose head came and whose response has not ended yet. */
    private int inFlight;

    /** Whether the response being written is an informational (1xx) one, not the final one. */
    private boolean informational;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      arm(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      disarm();
      super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof HttpRequest) {
        inFlight++;
        disarm();
      }
      super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      if (msg instanceof HttpResponse response) {
        HttpResponseStatus status = response.status();
        if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          disarm(); // a WebSocket from here on: no more request heads
          ctx.pipeline().remove(this);
          super.write(ctx, msg, promise);
          return;
        }
        informational = status.codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!informational) {
          response.headers().set(HttpHeaderNames.KEEP_ALIVE, keepAlive);
        }
      }
      if (msg instanceof LastHttpContent && !informational) {
        inFlight = Math.max(0, inFlight - 1);
        if (inFlight == 0) {
          // The next head's time starts once this response is out, not while it is written.
          promise = promise.unvoid();
          promise.addListener(written -> arm(ctx));
        }
      }
      super.write(ctx, msg, promise);
    }

    private void arm(ChannelHandlerContext ctx) {
      disarm();
      if (inFlight > 0 || !ctx.channel().isActive()) {
        return;
      }
      timer =
          ctx.executor()
              .schedule(
                  () -> {
                    timer = null;
                    LOG.log(
                        Level.DEBUG,
                        "event=request_head_timeout remote={0}",
                        ctx.channel().remoteAddress());
                    ChannelFuture unused = ctx.close();
                  },
                  timeoutMillis,
                  TimeUnit.MILLISECONDS);
    }

    private void disarm() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }
}
