package io.paywire.cli;

import io.paywire.config.ConfigException;
import io.paywire.config.PaywireConfig;
import io.paywire.net.ServerIdentity;
import io.paywire.net.TlsServerOptions;
import io.paywire.protocol.Replies;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * A measuring stick for {@link BenchClientCommand}: a TLS line server with the node's TLS setup
 * (certificate, protocols, cipher suites, a client certificate asked for) that answers every line
 * at once, without a ledger, in the shapes the bench client expects. What the bench client reaches
 * against it is the generator's own ceiling on the machine.
 */
@Command(
    name = "bench-server",
    mixinStandardHelpOptions = true,
    description = {
      "A minimal TLS line server that answers every text-protocol line at once, "
          + "without a ledger: the ceiling of bench-client on this machine.",
      "TLS as the node: its certificate (tls.* of --conf), TLS 1.2/1.3, its cipher suites, a "
          + "client certificate asked for. Greets with '"
          + Replies.GREETING
          + "'; answers "
          + "REGISTER with 100 OK, a login <name>#<port> and LIST with balance 0 and no users, "
          + "PAY#<payee>#<amount>#<id> with TRANS OK <id> 1, TRANS#...#<id>#... with "
          + "TRANS OK <id>, HELP and HISTORY with 0, EXIT with Bye; no signature is checked.",
      "Prints 'endpoint bench-server <host>:<port>', the certificate's fingerprint and 'ready'; "
          + "stops on SIGTERM or SIGINT."
    })
public final class BenchServerCommand implements Callable<Integer> {

  static final String DEFAULT_PORT = "16100";

  /** Answers PAY lines that name no id (the node would make one up). */
  static final String NO_ID = "0".repeat(32);

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      defaultValue = "${env:PAYWIRE_CONF:-conf/paywire.json}",
      description =
          "Node configuration whose tls and text sections to use (certificate, engine, "
              + "handshake and idle timeouts, line length). Default: ${DEFAULT-VALUE}")
  Path conf;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}")
  String host;

  @Option(
      names = "--port",
      defaultValue = DEFAULT_PORT,
      description = "0 for any free port. Default: ${DEFAULT-VALUE}")
  int port;

  @Option(
      names = "--instances",
      description = "Event loops (verticle instances). Default: the number of cores.")
  Integer instances;

  @Override
  public Integer call() throws Exception {
    PaywireConfig config;
    try {
      config = PaywireConfig.load(conf);
    } catch (ConfigException e) {
      System.err.println("bench-server: configuration: " + e.getMessage());
      return 2;
    }
    int loops = instances == null ? Runtime.getRuntime().availableProcessors() : instances;
    if (loops < 1) {
      System.err.println("bench-server: --instances must be at least 1");
      return 2;
    }
    Running server;
    try {
      server = start(config, host, port, loops).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      System.err.println("bench-server: cannot start: " + e.getCause().getMessage());
      return 1;
    }
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Signal.handle(new Signal("TERM"), signal -> stop.complete(null));
    Signal.handle(new Signal("INT"), signal -> stop.complete(null));
    System.out.println("endpoint bench-server " + host + ":" + server.port());
    System.out.println("tls-fingerprint sha256 " + server.fingerprint());
    System.out.println("instances " + loops + ", engine " + server.engine());
    System.out.println("ready");
    System.out.flush();
    stop.get();
    server.close();
    System.out.println("stopped");
    return 0;
  }

  /** A started bench server; closing it stops its Vert.x instance. */
  record Running(Vertx vertx, int port, String fingerprint, String engine)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Starts {@code instances} listeners sharing one port (0: a free one). */
  static Future<Running> start(PaywireConfig config, String host, int port, int instances) {
    Vertx vertx = Vertx.vertx();
    // As the node chooses, so handshakes and records cost the same.
    SSLEngineOptions engine = TlsServerOptions.engine(config.tls().engine());
    return vertx
        .executeBlocking(
            () ->
                new Place(
                    ServerIdentity.load(config.tls()), TlsServerOptions.resolvePort(host, port)))
        .compose(
            place ->
                vertx
                    .deployVerticle(
                        () ->
                            new LineServer(
                                TlsServerOptions.create(
                                    host,
                                    place.port(),
                                    config.text(),
                                    place.identity(),
                                    engine,
                                    ClientAuth.REQUEST),
                                config.text().maxLineBytes()),
                        new DeploymentOptions().setInstances(instances))
                    .map(
                        id ->
                            new Running(
                                vertx,
                                place.port(),
                                place.identity().fingerprint(),
                                engine instanceof OpenSSLEngineOptions ? "openssl" : "jdk")))
        .recover(e -> vertx.close().transform(v -> Future.failedFuture(e)));
  }

  /** The certificate to serve and the port to bind, found off the event loop. */
  private record Place(ServerIdentity identity, int port) {}

  /**
   * One listener instance. The replies to the lines of one read leave in one write, as the node
   * coalesces them; reading pauses while the socket's write queue is full.
   */
  static final class LineServer extends VerticleBase {

    private final NetServerOptions options;
    private final int maxLineBytes;
    private NetServer server;

    LineServer(NetServerOptions options, int maxLineBytes) {
      this.options = options;
      this.maxLineBytes = maxLineBytes;
    }

    @Override
    public Future<?> start() {
      server = vertx.createNetServer(options).connectHandler(this::connected);
      return server.listen();
    }

    private void connected(NetSocket socket) {
      socket.write(Replies.GREETING + "\n");
      Buffer[] out = {Buffer.buffer()};
      boolean[] exit = {false};
      RecordParser parser = RecordParser.newDelimited("\n").maxRecordSize(maxLineBytes);
      parser.exceptionHandler(e -> socket.close());
      parser.handler(
          record -> {
            if (exit[0]) {
              return;
            }
            String line = record.toString(StandardCharsets.UTF_8);
            if (line.endsWith("\r")) {
              line = line.substring(0, line.length() - 1);
            }
            out[0].appendString(answer(line)).appendByte((byte) '\n');
            exit[0] = line.equalsIgnoreCase("EXIT");
          });
      socket.drainHandler(v -> socket.resume());
      socket.handler(
          buffer -> {
            parser.handle(buffer);
            if (out[0].length() > 0) {
              socket.write(out[0]);
              out[0] = Buffer.buffer();
            }
            if (exit[0]) {
              socket.end();
            } else if (socket.writeQueueFull()) {
              socket.pause();
            }
          });
    }
  }

  /** The reply to one line, in the node's shapes; lines of a reply joined by '\n'. */
  static String answer(String line) {
    String[] f = line.split("#", -1);
    return switch (f[0].toUpperCase(Locale.ROOT)) {
      case "REGISTER" -> Replies.REGISTERED;
      case "PAY" -> Replies.TRANS_OK + " " + (f.length > 3 ? f[3] : NO_ID) + " 1";
      case "TRANS" ->
          f.length > 4
              ? Replies.TRANS_OK + " " + f[4]
              : Replies.withReason(
                  Replies.INVALID, "usage: TRANS#<payer>#<amount>#<payee>#<id>#...");
      case "LIST" -> "0\n0";
      case "HELP", "HISTORY" -> "0";
      case "EXIT" -> Replies.BYE;
      default ->
          f.length == 2
              ? "0\n0"
              : Replies.withReason(
                  Replies.INVALID,
                  "bench-server answers REGISTER, a login, LIST, "
                      + "PAY, TRANS, HELP, HISTORY and EXIT");
    };
  }
}
