package io.paywire.cli;

import io.paywire.config.ConfigException;
import io.paywire.config.PaywireConfig;
import io.paywire.server.PaywireNode;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * Starts one node and runs until SIGTERM or SIGINT, then shuts down in order and exits 0. Prints
 * one {@code endpoint} line per listener and then {@code ready} on standard output.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Start a Paywire node on this machine.")
public final class ServerCommand implements Callable<Integer> {

  @Option(names = "--conf", paramLabel = "FILE",
      defaultValue = "${env:PAYWIRE_CONF:-conf/paywire.json}",
      description = "Configuration file (JSON; missing file: all defaults). Env PAYWIRE_CONF. "
          + "Default: ${DEFAULT-VALUE}")
  Path conf;

  @Option(names = "--data-dir", paramLabel = "DIR",
      defaultValue = "${env:PAYWIRE_DATA_DIR:-./data}",
      description = "Directory of the journal and snapshots. Env PAYWIRE_DATA_DIR. "
          + "Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(names = "--tls-port", paramLabel = "N", defaultValue = "${env:PAYWIRE_TLS_PORT}",
      description = "TLS text protocol port, 0 for any free port. Env PAYWIRE_TLS_PORT. "
          + "Default: node.tlsPort from the configuration.")
  Integer tlsPort;

  @Option(names = "--http-port", paramLabel = "N", defaultValue = "${env:PAYWIRE_HTTP_PORT}",
      description = "HTTP port, 0 for any free port. Env PAYWIRE_HTTP_PORT. "
          + "Default: node.httpPort from the configuration.")
  Integer httpPort;

  @Option(names = "--compat-port", paramLabel = "N", defaultValue = "${env:PAYWIRE_COMPAT_PORT}",
      description = "Port of the compatibility listener for the original C++ client, 0 for any "
          + "free port, -1 to turn it off. Env PAYWIRE_COMPAT_PORT. Default: node.compatPort "
          + "from the configuration.")
  Integer compatPort;

  @Override
  public Integer call() throws Exception {
    PaywireConfig config;
    try {
      config = PaywireConfig.load(conf).withPorts(tlsPort, httpPort, compatPort);
    } catch (ConfigException e) {
      System.err.println("paywire: configuration: " + e.getMessage());
      return 2;
    }
    PaywireNode node;
    try {
      node = PaywireNode.start(config, dataDir).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("paywire: cannot start: " + e.getCause().getMessage());
      if (!(e.getCause() instanceof java.io.IOException)) {
        e.getCause().printStackTrace(); // not an operator's mistake: show where it broke
      }
      return 1;
    }
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    sun.misc.SignalHandler stop = signal -> node.close().onComplete(closed -> {
      if (closed.failed()) {
        System.err.println("paywire: shutdown failed: " + closed.cause());
      }
      exit.complete(closed.succeeded() ? 0 : 1);
    });
    Signal.handle(new Signal("TERM"), stop);
    Signal.handle(new Signal("INT"), stop);
    node.endpoints().forEach(System.out::println);
    System.out.println("tls-fingerprint sha256 " + node.identity().fingerprint()
        + (node.identity().generated() ? " (generated now in " + node.identity().certificate()
            .getParent() + ")" : ""));
    System.out.println("ready");
    System.out.flush();
    int code = exit.get();
    System.out.println("stopped");
    return code;
  }
}
