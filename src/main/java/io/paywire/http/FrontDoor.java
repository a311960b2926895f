package io.paywire.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.paywire.net.LogRate;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * What the API's port answers before the router: HTTP framing that a proxy could read another way
 * is refused with 400 and the connection closed (issue 21, finding 8), requests Netty cannot decode
 * (a URI or headers too long, a broken head) get the API's JSON error with the security headers
 * instead of Netty's bare replies (finding 10), and WebSocket upgrades go to the live channel,
 * which refuses in the same shape.
 */
final class FrontDoor {

  private static final System.Logger LOG = System.getLogger(FrontDoor.class.getName());

  /** Bad input, caused at will: the first of a kind, then a count per interval. */
  private static final LogRate OUTSIDER_LOG = LogRate.nodeWide(LOG);

  /** The name Vert.x gives its HTTP/1.x request decoder in a connection's pipeline. */
  private static final String DECODER = "httpDecoder";

  private FrontDoor() {}

  /**
   * Sets {@code server}'s request, invalid-request and connection handlers: {@code router} answers
   * what passes, {@code live} every WebSocket upgrade to its path.
   */
  static HttpServer install(
      HttpServer server,
      HttpServerOptions options,
      Handler<HttpServerRequest> router,
      LiveChannel live,
      Handler<HttpConnection> onConnection) {
    return server
        .connectionHandler(
            connection -> {
              strictDecoder(connection, options);
              onConnection.handle(connection);
            })
        .invalidRequestHandler(FrontDoor::undecodable)
        .requestHandler(
            request -> {
              String framing = framingProblem(request.headers());
              if (framing != null) {
                refused("framing", request);
                refuseAndClose(request, 400, ApiError.BAD_REQUEST, framing);
              } else if (LiveChannel.PATH.equals(request.path())
                  && request.canUpgradeToWebSocket()) {
                live.handshake(request);
              } else {
                router.handle(request);
              }
            });
  }

  /**
   * Why a request's framing is ambiguous, or null when it is not: a {@code Transfer-Encoding} other
   * than exactly one {@code chunked}, or one with a {@code Content-Length} (which Netty would drop
   * in silence: {@link StrictDecoder} refuses that case before it gets here).
   */
  static String framingProblem(MultiMap headers) {
    List<String> encodings = headers.getAll("Transfer-Encoding");
    if (encodings.isEmpty()) {
      return null;
    }
    if (encodings.size() != 1 || !"chunked".equalsIgnoreCase(encodings.get(0).strip())) {
      return "Transfer-Encoding must be exactly \"chunked\"";
    }
    if (headers.contains("Content-Length")) {
      return "Content-Length and Transfer-Encoding together";
    }
    return null;
  }

  /** A request Netty could not decode: its status, the API's JSON error, then the close. */
  private static void undecodable(HttpServerRequest request) {
    refused("undecodable", request);
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    if (cause instanceof TooLongHttpLineException) {
      refuseAndClose(request, 414, ApiError.URI_TOO_LONG, "the request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException
        || cause instanceof TooLongFrameException) {
      refuseAndClose(request, 431, ApiError.HEADERS_TOO_LARGE, "the request headers are too large");
    } else if (cause instanceof AmbiguousFraming) {
      refuseAndClose(request, 400, ApiError.BAD_REQUEST, cause.getMessage());
    } else {
      refuseAndClose(request, 400, ApiError.BAD_REQUEST, "malformed HTTP request");
    }
  }

  /**
   * A failure while the body was still being read: the client broke the framing (Netty could not
   * read a chunk) or went away. Bad input, not a bug: a 400 if the connection can still answer,
   * then the close, and no stack trace. Any other failure goes on to the error handlers.
   */
  static void bodyBroken(RoutingContext ctx) {
    if (ctx.failure() == null || ctx.request().isEnded()) {
      ctx.next();
      return;
    }
    refused("body_broken", ctx.request());
    refuseAndClose(ctx.request(), 400, ApiError.BAD_REQUEST, "malformed request body");
  }

  private static void refused(String reason, HttpServerRequest request) {
    String kind = "event=http_refused reason=" + reason;
    OUTSIDER_LOG.log(
        System.Logger.Level.INFO, kind, kind + " ip=" + request.remoteAddress().hostAddress());
  }

  /** Answers with the API's error shape and every security header, then closes the connection. */
  static void refuseAndClose(HttpServerRequest request, int status, String code, String message) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      request.connection().close();
      return;
    }
    response.putHeader("Connection", "close");
    ApiError.send(response, status, ApiError.body(code, message))
        .onComplete(done -> request.connection().close());
  }

  /** Replaces Vert.x's request decoder with one that refuses ambiguous framing. */
  private static void strictDecoder(HttpConnection connection, HttpServerOptions options) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
      if (pipeline.get(DECODER) instanceof VertxHttpRequestDecoder
          && !(pipeline.get(DECODER) instanceof StrictDecoder)) {
        pipeline.replace(DECODER, DECODER, new StrictDecoder(options));
      }
    }
  }

  /**
   * Vert.x's decoder, except that a request with both {@code Content-Length} and {@code
   * Transfer-Encoding: chunked} fails to decode (and so reaches the invalid-request handler) where
   * Netty would drop the length and go on: behind a proxy that reads the length, the rest of the
   * body would be a second, smuggled request.
   */
  private static final class StrictDecoder extends VertxHttpRequestDecoder {

    StrictDecoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new AmbiguousFraming("Content-Length and Transfer-Encoding together");
    }
  }

  /** The decoder's refusal of a request with two lengths. */
  private static final class AmbiguousFraming extends IllegalArgumentException {
    AmbiguousFraming(String message) {
      super(message);
    }
  }
}
