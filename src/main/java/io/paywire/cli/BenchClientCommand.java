package io.paywire.cli;

import io.paywire.client.ReplyAssembler;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PinnedServerTrust;
import io.paywire.crypto.Signatures;
import io.paywire.crypto.SingleTrustManagerFactory;
import io.paywire.ledger.TransferId;
import io.paywire.net.TlsServerOptions;
import io.paywire.protocol.Replies;
import io.paywire.protocol.SignedText;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.parsetools.RecordParser;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A load generator for the TLS text protocol: many concurrent sessions, each keeping up to {@code
 * --window} payment lines in flight on its connection (pipelining), measuring acknowledged payments
 * per second and per-request latency. Setup (keys, registrations, logins, signatures) is untimed.
 * Runs unchanged against a node or against {@link BenchServerCommand}, which answers at once and so
 * measures the generator's own ceiling.
 */
@Command(
    name = "bench-client",
    mixinStandardHelpOptions = true,
    description = {
      "Load a running node over its TLS text protocol and measure payments/s and "
          + "latency (p50, p99, max).",
      "Setup, untimed: one key and self-signed certificate per account (in memory), each "
          + "account registered over its own TLS connection with a deposit of "
          + BenchClientCommand.DEPOSIT
          + " under a fresh name benchNNNN-<random> (runs never "
          + "collide), then logged in on that same connection with port 0. Run the node with "
          + "session.openingDeposit \"stated\" (so the deposit counts) and a high "
          + "session.registrationsPerMinute (all accounts register from one address).",
      "An account can be online once, so each logged-in session is one account. --accounts "
          + "defaults to --sessions: every session is logged in. With fewer accounts than "
          + "sessions, the extra sessions stay connected, not logged in, and idle; with more, "
          + "the extra accounts only receive payments.",
      "pay mode: each logged-in session sends PAY#<other>#1#<id> (ids made in advance). "
          + "trans mode: every payment is signed in advance by payer and payee, and the "
          + "payee's session sends TRANS#....",
      "Each session keeps --window commands in flight (pipelining): it sends that many lines "
          + "in one write, and each time replies arrive it refills the window in one write. "
          + "Replies come in the order of the commands; latency is from a line's write to its "
          + "reply. Replies are counted as ok (TRANS OK <id> ...), failed (TRANS FAIL <CODE> "
          + "<id>: ..., or any other line), and unknown (TRANS FAIL UNKNOWN <id>: ..., outcome "
          + "not known to the node); a reply that names another id than its command's counts "
          + "as failed. Throughput counts ok replies only.",
      "The run ends after --payments payments or --seconds seconds, whichever comes first; "
          + "replies still due are then awaited. The node paces each connection with a token "
          + "bucket (text.maxCommandsPerSecond, text.commandBurst) and runs at most "
          + "text.maxInFlightCommands of it at once: a faster session is slowed down, not "
          + "refused, so raise those limits in the node's configuration to measure the node "
          + "rather than its pacing.",
      "Around the timed run, the node's ledger status is read from --status-url (GET "
          + "/health): transfers and batches during the run give the transfers per fsync.",
      "--idle: open --sessions connections (with --idle-login each registers a keyless "
          + "account and logs in), hold them --seconds, and count how many stayed open."
    })
public final class BenchClientCommand implements Callable<Integer> {

  static final long DEPOSIT = 1_000_000_000L;
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(1);
  static final int CONNECT_TIMEOUT_MILLIS = 30_000;
  static final int HANDSHAKE_TIMEOUT_SECONDS = 30;

  /** Replies still missing this long after the run's end are counted as unanswered. */
  static final int GRACE_SECONDS = 30;

  static final int MAX_LINE_BYTES = 64 * 1024;
  static final int FAILURE_PREFIX_CHARS = 80;
  static final int MAX_WINDOW = 4_096;
  static final int STATUS_TIMEOUT_SECONDS = 5;
  static final String NO_STATUS = "none";
  static final String PKCS12_ITERATIONS_PROPERTY = "keystore.pkcs12.keyPbeIterationCount";

  enum Mode {
    pay,
    trans
  }

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--port", defaultValue = "16000", description = "Default: ${DEFAULT-VALUE}")
  int port;

  @Option(
      names = "--sessions",
      defaultValue = "1000",
      description = "Concurrent TLS sessions. Default: ${DEFAULT-VALUE}")
  int sessions;

  @Option(
      names = "--accounts",
      description = "Accounts to create. Default: the number of sessions.")
  Integer accounts;

  @Option(
      names = "--payments",
      defaultValue = "50000",
      description =
          "Payments in the timed run (at most), all prepared before it. "
              + "Default: ${DEFAULT-VALUE}")
  int payments;

  @Option(
      names = "--window",
      defaultValue = "1",
      description =
          "Commands in flight per session (1 to "
              + MAX_WINDOW
              + "). The node runs "
              + "at most text.maxInFlightCommands of them at once. Default: ${DEFAULT-VALUE}")
  int window;

  @Option(
      names = "--mode",
      defaultValue = "pay",
      description = "pay or trans. Default: ${DEFAULT-VALUE}")
  Mode mode;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      description = "Longest timed run (or idle hold). Default: ${DEFAULT-VALUE}")
  int seconds;

  @Option(
      names = "--key-type",
      defaultValue = "ec",
      description = "ec (P-256) or rsa (2048). Default: ${DEFAULT-VALUE}")
  String keyType;

  @Option(
      names = "--server-fingerprint",
      paramLabel = "HEX",
      description = "Pin the server certificate. Default: trust any server certificate.")
  String serverFingerprint;

  @Option(
      names = "--rate-per-session",
      defaultValue = "0",
      description =
          "Commands a second per session at most, 0 for no pacing. " + "Default: ${DEFAULT-VALUE}")
  double ratePerSession;

  @Option(
      names = "--status-url",
      paramLabel = "URL",
      description =
          "The node's status (GET, JSON with transfers and nextBatchSequence), read "
              + "before and after the run, or '"
              + NO_STATUS
              + "'. Default: http://<host>:8080/health")
  String statusUrl;

  @Option(
      names = "--setup-concurrency",
      defaultValue = "64",
      description = "Connections set up at once. Default: ${DEFAULT-VALUE}")
  int setupConcurrency;

  @Option(
      names = "--ssl-engine",
      defaultValue = "openssl",
      description =
          "openssl (BoringSSL, when it loads here; else jdk) or jdk. "
              + "Default: ${DEFAULT-VALUE}")
  String sslEngine;

  @Option(names = "--idle", description = "Measure idle-session capacity instead.")
  boolean idle;

  @Option(
      names = "--idle-login",
      description = "With --idle: each session registers a keyless account and logs in.")
  boolean idleLogin;

  @Spec CommandSpec spec;

  private Vertx vertx;
  private NetClient client;
  private final String suffix =
      HexFormat.of().toHexDigits(new SecureRandom().nextInt()).substring(0, 6);

  /** The node's ledger counters at one moment, from its status. */
  record NodeStatus(long transfers, long batches) {}

  /**
   * What a timed run measured. {@code before} and {@code after} are null when the node's status
   * could not be read.
   */
  record LoadResult(
      long sent,
      long ok,
      long failed,
      long unknown,
      long nanos,
      long p50Nanos,
      long p99Nanos,
      long maxNanos,
      int peakInFlight,
      Map<String, Long> failures,
      List<String> accounts,
      NodeStatus before,
      NodeStatus after) {

    long unanswered() {
      return sent - ok - failed - unknown;
    }

    double seconds() {
      return nanos / 1e9;
    }

    double paymentsPerSecond() {
      return ok / seconds();
    }

    /** Transfers per batch (one write and one fsync each) during the run, or null. */
    Double transfersPerFsync() {
      if (before == null || after == null || after.batches() == before.batches()) {
        return null;
      }
      return (double) (after.transfers() - before.transfers())
          / (after.batches() - before.batches());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (idle) {
      validate();
      return withVertx(this::idle);
    }
    runLoad();
    return 0;
  }

  /** The whole load run, setup included; prints its report and returns what it measured. */
  LoadResult runLoad() throws Exception {
    KeyType type = validate();
    return withVertx(() -> load(type, accounts == null ? sessions : accounts));
  }

  private KeyType validate() {
    int accountCount = accounts == null ? sessions : accounts;
    if (sessions < 1
        || (accountCount < 2 && !idle)
        || payments < 1
        || seconds < 1
        || setupConcurrency < 1
        || ratePerSession < 0
        || window < 1
        || window > MAX_WINDOW) {
      throw new ParameterException(
          spec.commandLine(),
          "need --sessions >= 1, --accounts >= 2, "
              + "--payments >= 1, --seconds >= 1, --setup-concurrency >= 1, --rate-per-session >= 0, "
              + "--window 1 to "
              + MAX_WINDOW);
    }
    KeyType type = KeyType.parse(keyType);
    if (type == KeyType.ED25519) {
      throw new ParameterException(spec.commandLine(), "--key-type is ec or rsa");
    }
    return type;
  }

  private <T> T withVertx(Callable<T> body) throws Exception {
    // Vert.x turns each account's PEM key into an in-memory PKCS#12 key store, protected by a
    // throwaway password with the JDK's default 10,000 PBKDF2 rounds: about 70 ms of CPU per
    // account, most of the setup. The store never leaves this process, so one round will do.
    System.setProperty(PKCS12_ITERATIONS_PROPERTY, "1");
    vertx = Vertx.vertx();
    client =
        vertx.createNetClient(
            new NetClientOptions()
                .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                .setTcpNoDelay(true)
                .setSslEngineOptions(TlsServerOptions.engine(sslEngine)));
    System.out.printf(
        "bench-client: %s:%d, machine %d cores, java %s%n",
        host, port, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try {
      return body.call();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  // ---- load ------------------------------------------------------------------------------------

  private LoadResult load(KeyType type, int accountCount) throws Exception {
    int loggedIn = Math.min(sessions, accountCount);
    System.out.printf(
        "setup: mode %s, %d sessions (%d logged in), window %d, %d accounts, " + "%s keys%n",
        mode, sessions, loggedIn, window, accountCount, type.name().toLowerCase(Locale.ROOT));

    long t0 = System.nanoTime();
    Account[] all =
        IntStream.range(0, accountCount)
            .parallel()
            .mapToObj(i -> Account.generate(String.format("bench%04d-%s", i, suffix), type))
            .toArray(Account[]::new);
    long t1 = System.nanoTime();
    System.out.printf("setup: %d keys in %.1f s%n", accountCount, (t1 - t0) / 1e9);

    Session[] logged = new Session[loggedIn];
    await(
        limited(
            accountCount,
            i ->
                setUpAccount(all[i], i < loggedIn)
                    .map(
                        session -> {
                          if (session != null) {
                            logged[i] = session;
                          }
                          return null;
                        })));
    List<Session> extra = new ArrayList<>();
    if (sessions > loggedIn) {
      Session[] idleOnes = new Session[sessions - loggedIn];
      await(limited(idleOnes.length, i -> connect(null).map(s -> idleOnes[i] = s)));
      extra.addAll(Arrays.asList(idleOnes));
    }
    long t2 = System.nanoTime();
    System.out.printf(
        "setup: %d accounts registered, %d logged in, %d idle sessions in %.1f s%n",
        accountCount, loggedIn, extra.size(), (t2 - t1) / 1e9);

    byte[][][] lines = payments(all, loggedIn);
    long t3 = System.nanoTime();
    System.out.printf(
        "setup: %d %s commands prepared in %.1f s%n",
        payments, mode == Mode.pay ? "PAY" : "signed TRANS", (t3 - t2) / 1e9);

    String status = statusUrl != null ? statusUrl : NO_STATUS;
    NodeStatus before = nodeStatus(status);
    Run.Result run = new Run(logged, lines, window, seconds, ratePerSession).execute();
    NodeStatus after = before == null ? null : nodeStatus(status);
    long[] latencies = run.latencies();
    Arrays.sort(latencies);
    LoadResult result =
        new LoadResult(
            run.sent(),
            run.ok(),
            run.failed(),
            run.unknown(),
            run.nanos(),
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
            latencies.length == 0 ? 0 : latencies[latencies.length - 1],
            run.peakInFlight(),
            run.failures(),
            Arrays.stream(all).map(Account::name).toList(),
            before,
            after);
    report(result, latencies.length, status);
    for (Session s : logged) {
      s.socket.close();
    }
    extra.forEach(s -> s.socket.close());
    return result;
  }

  /** Registers the account on its own connection and logs in there, or closes it. */
  private Future<Session> setUpAccount(Account account, boolean stayLoggedIn) {
    return connect(account)
        .compose(
            session ->
                session
                    .send("REGISTER#" + account.name + "#" + DEPOSIT)
                    .compose(
                        reply -> {
                          if (!reply.get(0).equals(Replies.REGISTERED)) {
                            return Future.failedFuture(
                                "REGISTER " + account.name + ": " + reply.get(0));
                          }
                          if (!stayLoggedIn) {
                            session.socket.close();
                            return Future.succeededFuture(null);
                          }
                          return session
                              .send(account.name + "#0")
                              .compose(
                                  login ->
                                      isNumber(login.get(0))
                                          ? Future.succeededFuture(session)
                                          : Future.failedFuture(
                                              "login " + account.name + ": " + login.get(0)));
                        }));
  }

  /** Pre-built command lines (ASCII, without newline), one array per logged-in session. */
  private byte[][][] payments(Account[] all, int loggedIn) {
    int count = all.length;
    byte[][] flat =
        IntStream.range(0, payments)
            .parallel()
            .mapToObj(
                j -> {
                  SplittableRandom random = new SplittableRandom(j * 0x9E3779B97F4A7C15L + 1);
                  int session = j % loggedIn;
                  int other = (session + 1 + random.nextInt(count - 1)) % count;
                  TransferId id =
                      new TransferId(random.nextLong() ^ System.nanoTime(), random.nextLong());
                  if (mode == Mode.pay) {
                    return ascii("PAY#" + all[other].name + "#1#" + id);
                  }
                  Account payer = all[other];
                  Account payee = all[session];
                  String sigPayer =
                      Base64.getEncoder()
                          .encodeToString(
                              Signatures.sign(
                                  payer.keys.getPrivate(),
                                  SignedText.signedByPayer(payer.name, 1, payee.name, id)));
                  String sigPayee =
                      Base64.getEncoder()
                          .encodeToString(
                              Signatures.sign(
                                  payee.keys.getPrivate(),
                                  SignedText.signedByPayee(
                                      payer.name, 1, payee.name, id, sigPayer)));
                  return ascii(
                      SignedText.transLine(payer.name, 1, payee.name, id, sigPayer, sigPayee));
                })
            .toArray(byte[][]::new);
    byte[][][] perSession = new byte[loggedIn][][];
    for (int s = 0; s < loggedIn; s++) {
      int n = payments / loggedIn + (s < payments % loggedIn ? 1 : 0);
      perSession[s] = new byte[n][];
      for (int k = 0; k < n; k++) {
        perSession[s][k] = flat[s + k * loggedIn];
      }
    }
    return perSession;
  }

  private static byte[] ascii(String line) {
    return line.getBytes(StandardCharsets.US_ASCII);
  }

  private void report(LoadResult r, int samples, String status) {
    System.out.printf(
        "run: %d sent, %d ok, %d failed, %d unknown, %d unanswered in %.2f s "
            + "(%d sessions, window %d, at most %d in flight)%n",
        r.sent(),
        r.ok(),
        r.failed(),
        r.unknown(),
        r.unanswered(),
        r.seconds(),
        Math.min(sessions, accounts == null ? sessions : accounts),
        window,
        r.peakInFlight());
    System.out.printf(
        "run: %,.0f payments/s (ok only), %,.0f replies/s%n",
        r.paymentsPerSecond(), (r.ok() + r.failed() + r.unknown()) / r.seconds());
    if (samples > 0) {
      System.out.printf(
          "latency ms: p50 %.2f, p99 %.2f, max %.2f (%d samples)%n",
          r.p50Nanos() / 1e6, r.p99Nanos() / 1e6, r.maxNanos() / 1e6, samples);
    }
    r.failures().forEach((prefix, n) -> System.out.printf("failures: %d %s%n", n, prefix));
    Double perFsync = r.transfersPerFsync();
    if (perFsync != null) {
      System.out.printf(
          "node: %d transfers in %d batches during the run, %.1f transfers per " + "fsync (%s)%n",
          r.after().transfers() - r.before().transfers(),
          r.after().batches() - r.before().batches(),
          perFsync,
          status);
    } else if (r.before() != null && r.after() != null) {
      System.out.printf("node: no batch written during the run (%s)%n", status);
    }
  }

  /** The node's counters from its status URL, or null (and a line saying why) if unreadable. */
  private static NodeStatus nodeStatus(String url) {
    if (url.equals(NO_STATUS)) {
      return null;
    }
    try {
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(STATUS_TIMEOUT_SECONDS))
              .build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(STATUS_TIMEOUT_SECONDS))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonObject body = ledgerStatus(new JsonObject(response.body()));
      Long transfers = body.getLong("transfers");
      Long batches = body.getLong("nextBatchSequence");
      if (transfers == null || batches == null) {
        System.out.printf(
            "node: status at %s has no transfers/nextBatchSequence; transfers per "
                + "fsync not measured%n",
            url);
        return null;
      }
      return new NodeStatus(transfers, batches);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      System.out.printf(
          "node: no status at %s (%s); transfers per fsync not measured%n",
          url,
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return null;
    }
  }

  /** The ledger's status in a health reply: the data of its "ledger" check. */
  private static JsonObject ledgerStatus(JsonObject health) {
    JsonArray checks = health.getJsonArray("checks");
    for (int i = 0; checks != null && i < checks.size(); i++) {
      JsonObject check = checks.getJsonObject(i);
      if ("ledger".equals(check.getString("id")) && check.getJsonObject("data") != null) {
        return check.getJsonObject("data");
      }
    }
    return new JsonObject();
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  // ---- idle ------------------------------------------------------------------------------------

  private int idle() throws Exception {
    System.out.printf(
        "idle: opening %d sessions%s%n",
        sessions, idleLogin ? ", each registering a keyless account and logging in" : "");
    long t0 = System.nanoTime();
    Session[] opened = new Session[sessions];
    Map<String, Integer> failures = new TreeMap<>();
    await(
        limited(
            sessions,
            i -> {
              Future<Session> session = connect(null);
              if (idleLogin) {
                String name = String.format("idle%05d-%s", i, suffix);
                session =
                    session.compose(
                        s ->
                            s.send("REGISTER#" + name + "#1")
                                .compose(r -> s.send(name + "#0"))
                                .compose(
                                    r ->
                                        isNumber(r.get(0))
                                            ? Future.succeededFuture(s)
                                            : Future.failedFuture("login: " + r.get(0))));
              }
              return session
                  .map(s -> opened[i] = s)
                  .otherwise(
                      e -> {
                        synchronized (failures) {
                          failures.merge(prefix(String.valueOf(e.getMessage())), 1, Integer::sum);
                        }
                        return null;
                      });
            }));
    long open = Arrays.stream(opened).filter(s -> s != null).count();
    System.out.printf(
        "idle: %d of %d sessions open after %.1f s%n",
        open, sessions, (System.nanoTime() - t0) / 1e9);
    failures.forEach((reason, n) -> System.out.printf("idle: %d failed: %s%n", n, reason));
    Thread.sleep(seconds * 1000L);
    long still = Arrays.stream(opened).filter(s -> s != null && !s.closed).count();
    System.out.printf("idle: %d of %d still open after holding %d s%n", still, open, seconds);
    Arrays.stream(opened).filter(s -> s != null).forEach(s -> s.socket.close());
    return 0;
  }

  // ---- connections -----------------------------------------------------------------------------

  private record Account(String name, KeyPair keys, PemKeyCertOptions pem) {
    static Account generate(String name, KeyType type) {
      KeyPair keys = type.generate();
      X509Certificate certificate = Certificates.selfSigned(keys, name, CERTIFICATE_VALIDITY);
      PemKeyCertOptions pem =
          new PemKeyCertOptions()
              .setCertValue(Buffer.buffer(Pem.toPem(certificate)))
              .setKeyValue(Buffer.buffer(Pem.toPem(keys.getPrivate())));
      return new Account(name, keys, pem);
    }
  }

  private Future<Session> connect(Account account) {
    ClientSSLOptions ssl =
        new ClientSSLOptions()
            .setHostnameVerificationAlgorithm("")
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
            .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS)
            .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    if (serverFingerprint == null) {
      ssl.setTrustAll(true);
    } else {
      ssl.setTrustOptions(
          TrustOptions.wrap(
              new SingleTrustManagerFactory(PinnedServerTrust.fingerprint(serverFingerprint))));
    }
    if (account != null) {
      ssl.setKeyCertOptions(account.pem);
    }
    return client
        .connect(new ConnectOptions().setHost(host).setPort(port).setSsl(true).setSslOptions(ssl))
        .compose(
            socket -> {
              Session session = new Session(socket, Vertx.currentContext());
              return session.greeting.future().map(session);
            });
  }

  /** Runs {@code count} tasks with at most {@link #setupConcurrency} in flight. */
  private Future<Void> limited(int count, IntFunction<Future<?>> task) {
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.min(setupConcurrency, count); w++) {
      Promise<Void> done = Promise.promise();
      worker(next, count, task, done);
      workers.add(done.future());
    }
    return Future.all(workers).mapEmpty();
  }

  private static void worker(
      AtomicInteger next, int count, IntFunction<Future<?>> task, Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= count) {
      done.tryComplete();
      return;
    }
    task.apply(i)
        .onComplete(
            r -> {
              if (r.failed()) {
                done.tryFail(r.cause());
              } else {
                worker(next, count, task, done);
              }
            });
  }

  /** Where a session's lines go during the timed run, on the session's event loop. */
  interface LineSink {
    void line(String line);

    /** All lines of one read are delivered: the moment to refill the window in one write. */
    void readDone();

    void closed();
  }

  /**
   * One connection. During setup its lines are assembled into replies, one command at a time
   * ({@link #send}); during the timed run they go to its {@link LineSink}. Every field is used on
   * the connection's own event loop only ({@link #send} and {@link #attach} hop there).
   */
  static final class Session {
    final NetSocket socket;
    final Context context;
    final Promise<Void> greeting = Promise.promise();
    private ReplyAssembler assembler;
    private Promise<List<String>> pending;
    private LineSink sink;
    volatile boolean closed;

    Session(NetSocket socket, Context context) {
      this.socket = socket;
      this.context = context;
      RecordParser parser = RecordParser.newDelimited("\n").maxRecordSize(MAX_LINE_BYTES);
      parser.handler(this::line);
      parser.exceptionHandler(e -> socket.close());
      socket.handler(
          buffer -> {
            parser.handle(buffer);
            if (sink != null) {
              sink.readDone();
            }
          });
      socket.closeHandler(
          v -> {
            closed = true;
            greeting.tryFail("connection closed before the greeting");
            if (pending != null) {
              Promise<List<String>> p = pending;
              pending = null;
              p.tryFail("connection closed");
            }
            if (sink != null) {
              sink.closed();
            }
          });
    }

    private void line(Buffer record) {
      String line = record.toString(StandardCharsets.UTF_8);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (!greeting.future().isComplete()) {
        if (line.equals(Replies.GREETING)) {
          greeting.complete();
        } else {
          greeting.fail("no greeting: " + line);
        }
        return;
      }
      if (sink != null) {
        sink.line(line);
        return;
      }
      if (pending == null) {
        return; // nothing asked: a stray line, ignored
      }
      try {
        List<String> reply = assembler.add(line);
        if (reply != null) {
          Promise<List<String>> p = pending;
          pending = null;
          p.complete(reply);
        }
      } catch (ProtocolException e) {
        Promise<List<String>> p = pending;
        pending = null;
        p.fail(e);
      }
    }

    Future<List<String>> send(String line) {
      Promise<List<String>> reply = Promise.promise();
      if (Vertx.currentContext() == context) {
        sendHere(line, reply);
      } else {
        context.runOnContext(v -> sendHere(line, reply));
      }
      return reply.future();
    }

    private void sendHere(String line, Promise<List<String>> reply) {
      if (closed) {
        reply.fail("connection closed");
        return;
      }
      assembler = new ReplyAssembler(line);
      pending = reply;
      socket.write(line + "\n");
    }

    /** From now on every line goes to {@code to}; then {@code start} runs, on the loop. */
    void attach(LineSink to, Runnable start) {
      context.runOnContext(
          v -> {
            sink = to;
            if (closed) {
              to.closed();
            } else {
              start.run();
            }
          });
    }
  }

  // ---- the timed run ---------------------------------------------------------------------------

  /**
   * Keeps up to {@code window} commands in flight on every session until its lines or the time run
   * out, then waits for the replies still due.
   */
  static final class Run {
    /**
     * @param peakInFlight the most commands one session had in flight at once
     */
    record Result(
        long sent,
        long ok,
        long failed,
        long unknown,
        long nanos,
        long[] latencies,
        int peakInFlight,
        Map<String, Long> failures) {}

    private final Session[] sessions;
    private final byte[][][] lines;
    private final int window;
    private final long durationNanos;
    private final long intervalNanos;
    private final int seconds;

    Run(Session[] sessions, byte[][][] lines, int window, int seconds, double ratePerSession) {
      this.sessions = sessions;
      this.lines = lines;
      this.window = window;
      this.seconds = seconds;
      this.durationNanos = seconds * 1_000_000_000L;
      this.intervalNanos = ratePerSession > 0 ? (long) (1e9 / ratePerSession) : 0;
    }

    private long startNanos;
    private final AtomicInteger running = new AtomicInteger();
    private final CompletableFuture<Void> allDone = new CompletableFuture<>();

    /**
     * Per-session state, touched on that session's event loop only until it is done. The commands
     * in flight are a FIFO (a ring of command index and send time): replies come in order, so each
     * answers the oldest.
     */
    private final class Worker implements LineSink {
      final Session session;
      final byte[][] commands;
      final long[] latencies;
      final Map<String, Long> failures = new HashMap<>();

      /** Paced sessions start spread over one interval, so they do not all send at once. */
      final long phaseNanos;

      final int[] inFlightIndex = new int[window];
      final long[] inFlightSentAt = new long[window];
      int head;
      int inFlight;
      int peakInFlight;
      int sent;
      int answered;
      long ok;
      long failed;
      long unknown;
      long lastReplyNanos;
      boolean stopped;
      boolean done;

      /** Set when the run is read out: later lines are not counted. */
      boolean frozen;

      boolean timerSet;

      Worker(Session session, byte[][] commands, long phaseNanos) {
        this.session = session;
        this.commands = commands;
        this.latencies = new long[commands.length];
        this.phaseNanos = phaseNanos;
      }

      @Override
      public void line(String line) {
        if (frozen) {
          return;
        }
        long now = System.nanoTime();
        if (inFlight == 0) {
          failed(prefix("reply to nothing: " + line));
          return;
        }
        int index = inFlightIndex[head];
        long sentAt = inFlightSentAt[head];
        head = (head + 1) % window;
        inFlight--;
        latencies[answered++] = now - sentAt;
        lastReplyNanos = now;
        Answer answer = classify(line);
        if (answer.kind() != Answer.Kind.OTHER && !namesId(commands[index], answer.id())) {
          failed("reply names another id than its command: " + answer.label());
        } else if (answer.kind() == Answer.Kind.OK) {
          ok++;
        } else if (answer.kind() == Answer.Kind.UNKNOWN) {
          unknown++;
        } else {
          failed(answer.label());
        }
      }

      private void failed(String label) {
        failed++;
        failures.merge(label, 1L, Long::sum);
      }

      @Override
      public void readDone() {
        refill();
      }

      @Override
      public void closed() {
        stopped = true;
        finish();
      }

      /** Sends as many lines as the window (and the pacing) allows, in one write. */
      void refill() {
        if (done) {
          return;
        }
        long now = System.nanoTime();
        if (!stopped
            && (sent >= commands.length || now - startNanos >= durationNanos || session.closed)) {
          stopped = true;
        }
        if (stopped) {
          if (inFlight == 0) {
            finish();
          }
          return;
        }
        int allowed = Math.min(window - inFlight, commands.length - sent);
        if (intervalNanos > 0) {
          long elapsed = now - startNanos - phaseNanos;
          long due = elapsed < 0 ? 0 : elapsed / intervalNanos + 1;
          allowed = (int) Math.min(allowed, Math.max(0, due - sent));
          if (allowed == 0 && inFlight < window && !timerSet) {
            long wait = startNanos + phaseNanos + sent * intervalNanos - now;
            timerSet = true;
            session
                .context
                .owner()
                .setTimer(
                    Math.max(1, wait / 1_000_000),
                    id -> {
                      timerSet = false;
                      refill();
                    });
          }
        }
        if (allowed <= 0) {
          return;
        }
        Buffer out = Buffer.buffer(allowed * (commands[sent].length + 1));
        long sentAt = System.nanoTime();
        for (int k = 0; k < allowed; k++) {
          int slot = (head + inFlight) % window;
          inFlightIndex[slot] = sent;
          inFlightSentAt[slot] = sentAt;
          inFlight++;
          out.appendBytes(commands[sent++]).appendByte((byte) '\n');
        }
        peakInFlight = Math.max(peakInFlight, inFlight);
        session.socket.write(out);
      }

      void finish() {
        if (!done) {
          done = true;
          if (running.decrementAndGet() == 0) {
            allDone.complete(null);
          }
        }
      }
    }

    Result execute() throws InterruptedException, ExecutionException {
      Worker[] workers = new Worker[sessions.length];
      for (int i = 0; i < sessions.length; i++) {
        workers[i] = new Worker(sessions[i], lines[i], intervalNanos * i / sessions.length);
      }
      running.set(workers.length);
      startNanos = System.nanoTime();
      for (Worker w : workers) {
        w.session.attach(w, w::refill);
      }
      try {
        allDone.get(seconds + GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        System.out.printf(
            "run: %d sessions still waiting for a reply %d s after the end%n",
            running.get(), GRACE_SECONDS);
      }
      long endNanos = System.nanoTime();
      CompletableFuture<Result> collected = new CompletableFuture<>();
      // Read the workers on their own loops: a late reply may still be arriving.
      Future.all(
              Arrays.stream(workers)
                  .map(
                      w -> {
                        Promise<Worker> read = Promise.promise();
                        w.session.context.runOnContext(
                            v -> {
                              w.done = true;
                              w.frozen = true;
                              read.complete(w);
                            });
                        return read.future();
                      })
                  .toList())
          .onComplete(v -> collected.complete(collect(workers, endNanos)));
      try {
        return collected.get(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("event loops did not answer", e);
      }
    }

    private Result collect(Worker[] workers, long endNanos) {
      long sent = 0;
      long ok = 0;
      long failed = 0;
      long unknown = 0;
      int samples = 0;
      int peak = 0;
      long lastReply = startNanos;
      Map<String, Long> failures = new TreeMap<>();
      for (Worker w : workers) {
        sent += w.sent;
        ok += w.ok;
        failed += w.failed;
        unknown += w.unknown;
        samples += w.answered;
        peak = Math.max(peak, w.peakInFlight);
        if (w.answered > 0 && w.lastReplyNanos - lastReply > 0) {
          lastReply = w.lastReplyNanos;
        }
        w.failures.forEach((k, n) -> failures.merge(k, n, Long::sum));
      }
      long[] latencies = new long[samples];
      int at = 0;
      for (Worker w : workers) {
        System.arraycopy(w.latencies, 0, latencies, at, w.answered);
        at += w.answered;
      }
      // Timed until the last reply; until the give-up if replies are missing.
      long end = sent == ok + failed + unknown ? lastReply : endNanos;
      return new Result(
          sent, ok, failed, unknown, Math.max(1, end - startNanos), latencies, peak, failures);
    }
  }

  // ---- replies ---------------------------------------------------------------------------------

  /**
   * A payment reply as the node words it (protocol/TextSession): {@code TRANS OK <id>[ <payer
   * balance>]}, {@code TRANS FAIL <CODE> <id>: <reason>}, {@code TRANS FAIL UNKNOWN <id>: ...}; any
   * other line (such as {@code 230 INVALID ...}) is {@link Kind#OTHER}, without id.
   *
   * @param label what failure counts group by: the reply without its id and reason
   */
  record Answer(Kind kind, String id, String label) {
    enum Kind {
      OK,
      FAIL,
      UNKNOWN,
      OTHER
    }
  }

  private static final String OK_PREFIX = Replies.TRANS_OK + " ";
  private static final String FAIL_PREFIX = Replies.TRANS_FAILED + " ";

  static Answer classify(String line) {
    if (line.startsWith(OK_PREFIX)) {
      return new Answer(Answer.Kind.OK, token(line, OK_PREFIX.length()), Replies.TRANS_OK);
    }
    if (line.startsWith(FAIL_PREFIX)) {
      String code = token(line, FAIL_PREFIX.length());
      int idAt = FAIL_PREFIX.length() + code.length() + 1;
      if (!code.isEmpty() && idAt < line.length()) {
        return new Answer(
            code.equals(Replies.UNKNOWN_OUTCOME) ? Answer.Kind.UNKNOWN : Answer.Kind.FAIL,
            token(line, idAt),
            FAIL_PREFIX + code);
      }
    }
    return new Answer(Answer.Kind.OTHER, null, prefix(line));
  }

  /** The characters from {@code from} up to the next space or ':' or the end. */
  private static String token(String line, int from) {
    int end = from;
    while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != ':') {
      end++;
    }
    return line.substring(from, end);
  }

  /**
   * True if {@code id} is the transfer id of the command: field 3 of {@code
   * PAY#<payee>#<amount>#<id>}, field 4 of {@code TRANS#<payer>#<amount>#<payee>#<id>#...}.
   */
  static boolean namesId(byte[] command, String id) {
    int field = command.length > 0 && command[0] == 'P' ? 3 : 4;
    int start = 0;
    for (int seen = 0; seen < field; start++) {
      if (start >= command.length) {
        return false;
      }
      if (command[start] == '#') {
        seen++;
      }
    }
    int end = start;
    while (end < command.length && command[end] != '#') {
      end++;
    }
    if (end - start != id.length()) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.toLowerCase((char) command[start + i]) != Character.toLowerCase(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The part of a reply that names the kind of failure: up to the first ':' (reason follows). */
  static String prefix(String line) {
    int colon = line.indexOf(':');
    String head = colon > 0 ? line.substring(0, colon) : line;
    return head.length() > FAILURE_PREFIX_CHARS ? head.substring(0, FAILURE_PREFIX_CHARS) : head;
  }

  private static boolean isNumber(String line) {
    return !line.isEmpty() && line.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("setup failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
