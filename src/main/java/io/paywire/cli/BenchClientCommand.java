package io.paywire.cli;

import io.paywire.protocol.SignedText;
import io.paywire.client.ReplyAssembler;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PinnedServerTrust;
import io.paywire.crypto.Signatures;
import io.paywire.crypto.SingleTrustManagerFactory;
import io.paywire.ledger.TransferId;
import io.paywire.protocol.Replies;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.parsetools.RecordParser;
import java.net.ProtocolException;
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
 * A load generator for the TLS text protocol: many concurrent sessions, each with one command in
 * flight (the protocol is strictly request and reply per connection), measuring payments per
 * second and per-request latency. Setup (keys, registrations, logins, signatures) is untimed.
 */
@Command(name = "bench-client", mixinStandardHelpOptions = true,
    description = {"Load a running node over its TLS text protocol and measure payments/s and "
        + "latency (p50, p99, max).",
        "Setup, untimed: one key and self-signed certificate per account (in memory), each "
            + "account registered over its own TLS connection with a deposit of "
            + BenchClientCommand.DEPOSIT + " under a fresh name benchNNNN-<random> (runs never "
            + "collide), then logged in on that same connection with port 0.",
        "An account can be online once, so each logged-in session is one account. --accounts "
            + "defaults to --sessions: every session is logged in. With fewer accounts than "
            + "sessions, the extra sessions stay connected, not logged in, and idle; with more, "
            + "the extra accounts only receive payments.",
        "pay mode: each logged-in session sends PAY#<other>#1#<id> (ids made in advance). "
            + "trans mode: every payment is signed in advance by payer and payee, and the "
            + "payee's session sends TRANS#....",
        "The run ends after --payments payments or --seconds seconds, whichever comes first. "
            + "Mind the node's text.maxCommandsPerSecond (per connection, default 50): faster "
            + "sessions get '230 INVALID more than N commands a second'; use --rate-per-session "
            + "to stay below it, or raise it in the node's configuration.",
        "--idle: open --sessions connections (with --idle-login each registers a keyless "
            + "account and logs in), hold them --seconds, and count how many stayed open."})
public final class BenchClientCommand implements Callable<Integer> {

  static final long DEPOSIT = 1_000_000_000L;
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(1);
  static final int CONNECT_TIMEOUT_MILLIS = 30_000;
  static final int HANDSHAKE_TIMEOUT_SECONDS = 30;
  /** Replies still missing this long after the run's end are counted as lost. */
  static final int GRACE_SECONDS = 30;
  static final int MAX_LINE_BYTES = 64 * 1024;
  static final int FAILURE_PREFIX_CHARS = 80;
  static final String PKCS12_ITERATIONS_PROPERTY = "keystore.pkcs12.keyPbeIterationCount";

  enum Mode { pay, trans }

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--port", defaultValue = "16000", description = "Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--sessions", defaultValue = "1000",
      description = "Concurrent TLS sessions. Default: ${DEFAULT-VALUE}")
  int sessions;

  @Option(names = "--accounts",
      description = "Accounts to create. Default: the number of sessions.")
  Integer accounts;

  @Option(names = "--payments", defaultValue = "50000",
      description = "Payments in the timed run (at most). Default: ${DEFAULT-VALUE}")
  int payments;

  @Option(names = "--mode", defaultValue = "pay",
      description = "pay or trans. Default: ${DEFAULT-VALUE}")
  Mode mode;

  @Option(names = "--seconds", defaultValue = "60",
      description = "Longest timed run (or idle hold). Default: ${DEFAULT-VALUE}")
  int seconds;

  @Option(names = "--key-type", defaultValue = "ec",
      description = "ec (P-256) or rsa (2048). Default: ${DEFAULT-VALUE}")
  String keyType;

  @Option(names = "--server-fingerprint", paramLabel = "HEX",
      description = "Pin the server certificate. Default: trust any server certificate.")
  String serverFingerprint;

  @Option(names = "--rate-per-session", defaultValue = "0",
      description = "Commands a second per session at most, 0 for no pacing. "
          + "Default: ${DEFAULT-VALUE}")
  double ratePerSession;

  @Option(names = "--setup-concurrency", defaultValue = "64",
      description = "Connections set up at once. Default: ${DEFAULT-VALUE}")
  int setupConcurrency;

  @Option(names = "--ssl-engine", defaultValue = "openssl",
      description = "openssl (BoringSSL, when it loads here; else jdk) or jdk. "
          + "Default: ${DEFAULT-VALUE}")
  String sslEngine;

  @Option(names = "--idle", description = "Measure idle-session capacity instead.")
  boolean idle;

  @Option(names = "--idle-login",
      description = "With --idle: each session registers a keyless account and logs in.")
  boolean idleLogin;

  @Spec CommandSpec spec;

  private Vertx vertx;
  private NetClient client;
  private final String suffix = HexFormat.of().toHexDigits(new SecureRandom().nextInt())
      .substring(0, 6);

  @Override
  public Integer call() throws Exception {
    int accountCount = accounts == null ? sessions : accounts;
    if (sessions < 1 || accountCount < 2 && !idle || payments < 1 || seconds < 1
        || setupConcurrency < 1 || ratePerSession < 0) {
      throw new ParameterException(spec.commandLine(), "need --sessions >= 1, --accounts >= 2, "
          + "--payments >= 1, --seconds >= 1, --setup-concurrency >= 1, --rate-per-session >= 0");
    }
    KeyType type = KeyType.parse(keyType);
    if (type == KeyType.ED25519) {
      throw new ParameterException(spec.commandLine(), "--key-type is ec or rsa");
    }
    // Vert.x turns each account's PEM key into an in-memory PKCS#12 key store, protected by a
    // throwaway password with the JDK's default 10,000 PBKDF2 rounds: about 70 ms of CPU per
    // account, most of the setup. The store never leaves this process, so one round will do.
    System.setProperty(PKCS12_ITERATIONS_PROPERTY, "1");
    vertx = Vertx.vertx();
    client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setTcpNoDelay(true)
        .setSslEngineOptions(sslEngine.equals("openssl") && OpenSSLEngineOptions.isAvailable()
            ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions()));
    System.out.printf("bench-client: %s:%d, machine %d cores, java %s%n", host, port,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try {
      return idle ? idle() : load(type, accountCount);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  // ---- load ------------------------------------------------------------------------------------

  private int load(KeyType type, int accountCount) throws Exception {
    int loggedIn = Math.min(sessions, accountCount);
    System.out.printf("setup: mode %s, %d sessions (%d logged in), %d accounts, %s keys%n",
        mode, sessions, loggedIn, accountCount, type.name().toLowerCase(Locale.ROOT));

    long t0 = System.nanoTime();
    Account[] all = IntStream.range(0, accountCount).parallel()
        .mapToObj(i -> Account.generate(String.format("bench%04d-%s", i, suffix), type))
        .toArray(Account[]::new);
    long t1 = System.nanoTime();
    System.out.printf("setup: %d keys in %.1f s%n", accountCount, (t1 - t0) / 1e9);

    Session[] logged = new Session[loggedIn];
    await(limited(accountCount, i -> setUpAccount(all[i], i < loggedIn)
        .map(session -> {
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
    System.out.printf("setup: %d accounts registered, %d logged in, %d idle sessions in %.1f s%n",
        accountCount, loggedIn, extra.size(), (t2 - t1) / 1e9);

    String[][] lines = payments(all, loggedIn);
    long t3 = System.nanoTime();
    System.out.printf("setup: %d %s commands prepared in %.1f s%n", payments,
        mode == Mode.pay ? "PAY" : "signed TRANS", (t3 - t2) / 1e9);

    Run run = new Run(logged, lines, seconds, ratePerSession);
    Run.Result result = run.execute();
    report(result);
    for (Session s : logged) {
      s.socket.close();
    }
    extra.forEach(s -> s.socket.close());
    return 0;
  }

  /** Registers the account on its own connection and logs in there, or closes it. */
  private Future<Session> setUpAccount(Account account, boolean stayLoggedIn) {
    return connect(account).compose(session -> session.send(
            "REGISTER#" + account.name + "#" + DEPOSIT)
        .compose(reply -> {
          if (!reply.get(0).equals(Replies.REGISTERED)) {
            return Future.failedFuture("REGISTER " + account.name + ": " + reply.get(0));
          }
          if (!stayLoggedIn) {
            session.socket.close();
            return Future.succeededFuture(null);
          }
          return session.send(account.name + "#0").compose(login -> isNumber(login.get(0))
              ? Future.succeededFuture(session)
              : Future.failedFuture("login " + account.name + ": " + login.get(0)));
        }));
  }

  /** Pre-built command lines, one array per logged-in session. */
  private String[][] payments(Account[] all, int loggedIn) {
    int count = all.length;
    String[] flat = IntStream.range(0, payments).parallel().mapToObj(j -> {
      SplittableRandom random = new SplittableRandom(j * 0x9E3779B97F4A7C15L + 1);
      int session = j % loggedIn;
      int other = (session + 1 + random.nextInt(count - 1)) % count;
      TransferId id = new TransferId(random.nextLong() ^ System.nanoTime(), random.nextLong());
      if (mode == Mode.pay) {
        return "PAY#" + all[other].name + "#1#" + id;
      }
      Account payer = all[other];
      Account payee = all[session];
      String sigPayer = Base64.getEncoder().encodeToString(Signatures.sign(
          payer.keys.getPrivate(), SignedText.signedByPayer(payer.name, 1, payee.name, id)));
      String sigPayee = Base64.getEncoder().encodeToString(Signatures.sign(
          payee.keys.getPrivate(),
          SignedText.signedByPayee(payer.name, 1, payee.name, id, sigPayer)));
      return SignedText.transLine(payer.name, 1, payee.name, id, sigPayer, sigPayee);
    }).toArray(String[]::new);
    String[][] perSession = new String[loggedIn][];
    for (int s = 0; s < loggedIn; s++) {
      int n = payments / loggedIn + (s < payments % loggedIn ? 1 : 0);
      perSession[s] = new String[n];
      for (int k = 0; k < n; k++) {
        perSession[s][k] = flat[s + k * loggedIn];
      }
    }
    return perSession;
  }

  private void report(Run.Result r) {
    double secondsTaken = r.nanos() / 1e9;
    long[] latencies = r.latencies();
    Arrays.sort(latencies);
    System.out.printf("run: %d sent, %d ok, %d failed, %d unanswered in %.2f s%n",
        r.sent(), r.ok(), r.failed(), r.sent() - r.ok() - r.failed(), secondsTaken);
    System.out.printf("run: %,.0f payments/s (ok only), %,.0f replies/s%n",
        r.ok() / secondsTaken, (r.ok() + r.failed()) / secondsTaken);
    if (latencies.length > 0) {
      System.out.printf("latency ms: p50 %.2f, p99 %.2f, max %.2f (%d samples)%n",
          percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
          latencies[latencies.length - 1] / 1e6, latencies.length);
    }
    r.failures().forEach((prefix, n) -> System.out.printf("failures: %d %s%n", n, prefix));
    if (r.failures().keySet().stream().anyMatch(p -> p.contains("commands a second"))) {
      System.out.println("hint: the node's text.maxCommandsPerSecond throttled sessions; pace "
          + "them with --rate-per-session or raise the limit in the node's configuration");
    }
  }

  private static long percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  // ---- idle ------------------------------------------------------------------------------------

  private int idle() throws Exception {
    System.out.printf("idle: opening %d sessions%s%n", sessions,
        idleLogin ? ", each registering a keyless account and logging in" : "");
    long t0 = System.nanoTime();
    Session[] opened = new Session[sessions];
    Map<String, Integer> failures = new TreeMap<>();
    await(limited(sessions, i -> {
      Future<Session> session = connect(null);
      if (idleLogin) {
        String name = String.format("idle%05d-%s", i, suffix);
        session = session.compose(s -> s.send("REGISTER#" + name + "#1")
            .compose(r -> s.send(name + "#0"))
            .compose(r -> isNumber(r.get(0)) ? Future.succeededFuture(s)
                : Future.failedFuture("login: " + r.get(0))));
      }
      return session.map(s -> opened[i] = s).otherwise(e -> {
        synchronized (failures) {
          failures.merge(prefix(String.valueOf(e.getMessage())), 1, Integer::sum);
        }
        return null;
      });
    }));
    long open = Arrays.stream(opened).filter(s -> s != null).count();
    System.out.printf("idle: %d of %d sessions open after %.1f s%n", open, sessions,
        (System.nanoTime() - t0) / 1e9);
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
      PemKeyCertOptions pem = new PemKeyCertOptions()
          .setCertValue(Buffer.buffer(Pem.toPem(certificate)))
          .setKeyValue(Buffer.buffer(Pem.toPem(keys.getPrivate())));
      return new Account(name, keys, pem);
    }
  }

  private Future<Session> connect(Account account) {
    ClientSSLOptions ssl = new ClientSSLOptions()
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    if (serverFingerprint == null) {
      ssl.setTrustAll(true);
    } else {
      ssl.setTrustOptions(TrustOptions.wrap(
          new SingleTrustManagerFactory(PinnedServerTrust.fingerprint(serverFingerprint))));
    }
    if (account != null) {
      ssl.setKeyCertOptions(account.pem);
    }
    return client.connect(new ConnectOptions().setHost(host).setPort(port).setSsl(true)
            .setSslOptions(ssl))
        .compose(socket -> {
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

  private static void worker(AtomicInteger next, int count, IntFunction<Future<?>> task,
      Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= count) {
      done.tryComplete();
      return;
    }
    task.apply(i).onComplete(r -> {
      if (r.failed()) {
        done.tryFail(r.cause());
      } else {
        worker(next, count, task, done);
      }
    });
  }

  /**
   * One connection: its lines are assembled into replies; one command at a time. Every field is
   * used on the connection's own event loop only ({@link #send} hops there).
   */
  static final class Session {
    final NetSocket socket;
    final Context context;
    final Promise<Void> greeting = Promise.promise();
    private ReplyAssembler assembler;
    private Promise<List<String>> pending;
    volatile boolean closed;

    Session(NetSocket socket, Context context) {
      this.socket = socket;
      this.context = context;
      RecordParser parser = RecordParser.newDelimited("\n", socket).maxRecordSize(MAX_LINE_BYTES);
      parser.handler(this::line);
      parser.exceptionHandler(e -> socket.close());
      socket.closeHandler(v -> {
        closed = true;
        greeting.tryFail("connection closed before the greeting");
        if (pending != null) {
          Promise<List<String>> p = pending;
          pending = null;
          p.tryFail("connection closed");
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
  }

  // ---- the timed run ---------------------------------------------------------------------------

  /** Keeps one command in flight on every session until its lines or the time run out. */
  static final class Run {
    record Result(long sent, long ok, long failed, long nanos, long[] latencies,
        Map<String, Long> failures) {}

    private final Session[] sessions;
    private final String[][] lines;
    private final long durationNanos;
    private final long intervalNanos;
    private final int seconds;

    Run(Session[] sessions, String[][] lines, int seconds, double ratePerSession) {
      this.sessions = sessions;
      this.lines = lines;
      this.seconds = seconds;
      this.durationNanos = seconds * 1_000_000_000L;
      this.intervalNanos = ratePerSession > 0 ? (long) (1e9 / ratePerSession) : 0;
    }

    /** Per-session state, touched on that session's event loop only until it is done. */
    private final class Worker {
      final Session session;
      final String[] commands;
      final long[] latencies;
      final Map<String, Long> failures = new HashMap<>();
      /** Paced sessions start spread over one interval, so they do not all send at once. */
      final long phaseNanos;
      int sent;
      int answered;
      long ok;
      long failed;

      Worker(Session session, String[] commands, long phaseNanos) {
        this.session = session;
        this.commands = commands;
        this.latencies = new long[commands.length];
        this.phaseNanos = phaseNanos;
      }
    }

    private long startNanos;
    private final AtomicInteger running = new AtomicInteger();
    private final CompletableFuture<Void> allDone = new CompletableFuture<>();

    Result execute() throws InterruptedException, ExecutionException {
      Worker[] workers = new Worker[sessions.length];
      for (int i = 0; i < sessions.length; i++) {
        workers[i] = new Worker(sessions[i], lines[i], intervalNanos * i / sessions.length);
      }
      running.set(workers.length);
      startNanos = System.nanoTime();
      for (Worker w : workers) {
        w.session.context.runOnContext(v -> next(w));
      }
      try {
        allDone.get(seconds + GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        System.out.printf("run: %d sessions still waiting for a reply %d s after the end%n",
            running.get(), GRACE_SECONDS);
      }
      long nanos = System.nanoTime() - startNanos;
      long sent = 0;
      long ok = 0;
      long failed = 0;
      int samples = 0;
      Map<String, Long> failures = new TreeMap<>();
      for (Worker w : workers) {
        sent += w.sent;
        ok += w.ok;
        failed += w.failed;
        samples += w.answered;
        w.failures.forEach((k, n) -> failures.merge(k, n, Long::sum));
      }
      long[] latencies = new long[samples];
      int at = 0;
      for (Worker w : workers) {
        System.arraycopy(w.latencies, 0, latencies, at, w.answered);
        at += w.answered;
      }
      return new Result(sent, ok, failed, nanos, latencies, failures);
    }

    private void next(Worker w) {
      long now = System.nanoTime();
      if (w.sent >= w.commands.length || now - startNanos >= durationNanos || w.session.closed) {
        if (running.decrementAndGet() == 0) {
          allDone.complete(null);
        }
        return;
      }
      if (intervalNanos > 0) {
        long due = startNanos + w.phaseNanos + w.sent * intervalNanos;
        if (due - now >= 1_000_000) {
          w.session.context.owner()
              .setTimer((due - now) / 1_000_000, id -> next(w));
          return;
        }
      }
      String command = w.commands[w.sent++];
      long sentAt = System.nanoTime();
      w.session.send(command).onComplete(reply -> {
        if (reply.succeeded()) {
          w.latencies[w.answered++] = System.nanoTime() - sentAt;
          String line = reply.result().get(0);
          if (line.startsWith(Replies.TRANS_OK)) {
            w.ok++;
          } else {
            w.failed++;
            w.failures.merge(prefix(line), 1L, Long::sum);
          }
        } else {
          w.failed++;
          w.failures.merge("error: " + prefix(String.valueOf(reply.cause().getMessage())), 1L,
              Long::sum);
        }
        next(w);
      });
    }
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
