package io.paywire.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.paywire.crypto.LocalCertificates;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything tunable about a node, read from {@code conf/paywire.json}. Every key has a default
 * here, a unit in its name where it has one, and a row in docs/configuration.md. Unknown keys are
 * refused, so a typo cannot silently leave a limit at its default.
 */
public record PaywireConfig(
    Node node,
    Ledger ledger,
    Tls tls,
    Text text,
    Compat compat,
    Session session,
    Http http,
    Cluster cluster,
    List<Network> networks) {

  public PaywireConfig {
    networks = List.copyOf(networks);
  }

  /**
   * Most networks one node hosts. Each is a ledger of its own (journal, snapshots, a worker pool
   * for journal reads) and a listener; the bound keeps a configuration typo from starting hundreds.
   */
  public static final int MAX_NETWORKS = 16;

  /**
   * A network's name: lower case, so two names never differ only in case; it appears in event-bus
   * addresses and in the data directory ({@code networks/<name>/}), so it holds no dot or slash.
   */
  public static final Pattern NETWORK_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  /** The course client dialects a {@code course} network speaks (issue 25). */
  public static final List<String> COURSE_DIALECTS = List.of("2020", "2021");

  /**
   * The longest greeting a {@code course} network sends on connect: one line, read by a client's
   * first {@code recv()} (buffers of 1,000 bytes and more), well within it.
   */
  public static final int MAX_GREETING_BYTES = 256;

  /** A greeting: printable ASCII, so it is one line and the same bytes in every encoding. */
  private static final Pattern GREETING =
      Pattern.compile("[\\x20-\\x7e]{1," + MAX_GREETING_BYTES + "}");

  /**
   * A named network the node hosts beside its main ledger (issue 24): an isolated ledger of its
   * own, under {@code <data>/networks/<name>/}, served at its own event-bus addresses, with a
   * listener of its kind. Keys of the other kind are refused.
   *
   * @param host the address the network's listener binds to
   * @param port the network's listener's port (0 picks a free port)
   * @param gradecoinConfig {@code gradecoin} only: Gradecoin's {@code config.yaml}, resolved
   *     against the configuration file's directory; null for {@code course}
   * @param students {@code gradecoin} only: Gradecoin's {@code students.csv}, resolved likewise;
   *     null for {@code course}
   * @param dialect {@code course} only: {@code "2020"} or {@code "2021"}; null for {@code
   *     gradecoin}
   * @param openingBalance {@code course} only: a new account's balance in minor units, 1 to {@code
   *     ledger.maxDepositMinor}; 0 for {@code gradecoin}
   * @param maxTokenLifetimeSeconds {@code gradecoin} only: a JWT whose {@code exp} lies further
   *     ahead is refused (Gradecoin takes any); 0 for {@code course}
   * @param greeting {@code course} only: a line sent once on connect (the dialect's line end
   *     appended), 1 to {@link #MAX_GREETING_BYTES} printable ASCII characters; null for none (the
   *     default, as the TA servers)
   */
  public record Network(
      String name,
      Kind kind,
      String host,
      int port,
      Path gradecoinConfig,
      Path students,
      String dialect,
      long openingBalance,
      long maxTokenLifetimeSeconds,
      String greeting) {

    /** The default of {@code maxTokenLifetimeSeconds}: a day. */
    public static final long DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

    /** The same network listening on {@code port} (a free port picked for 0). */
    public Network withPort(int port) {
      return new Network(
          name,
          kind,
          host,
          port,
          gradecoinConfig,
          students,
          dialect,
          openingBalance,
          maxTokenLifetimeSeconds,
          greeting);
    }

    /** What a network speaks: its listener and the rules of its ledger. */
    public enum Kind {
      GRADECOIN,
      COURSE;

      /** As written in the configuration: {@code gradecoin}, {@code course}. */
      public String key() {
        return name().toLowerCase(Locale.ROOT);
      }
    }
  }

  /**
   * @param host the address every listener binds to
   * @param tlsPort the TLS text protocol's port (0 picks a free port)
   * @param httpPort the HTTPS API's port (0 picks a free port)
   * @param compatPort the compatibility listener's port (0 picks a free port, -1 turns it off)
   * @param managementPort a plain-HTTP port on 127.0.0.1 serving only {@code /health} and {@code
   *     /metrics}, for probes and scrapers (0 picks a free port, -1, the default, is off)
   * @param managementMaxConnections connections the management port holds at once, counted from
   *     accept; more are closed at once (its clients are all on this machine, so there is no
   *     per-address cap apart from this one)
   * @param reservedFileDescriptors descriptors kept for everything but client connections (journal,
   *     certificates, cluster links, the JVM's own): the listeners' caps plus this must fit the
   *     process's descriptor limit, or the node refuses to start
   * @param logSummaryIntervalSeconds log lines an outsider can cause at will (a refused connection,
   *     say) are logged once per kind and interval, with a count of the rest
   */
  public record Node(
      String host,
      int tlsPort,
      int httpPort,
      int compatPort,
      int managementPort,
      int managementMaxConnections,
      int reservedFileDescriptors,
      int logSummaryIntervalSeconds) {}

  /**
   * The HTTPS API (docs/api.md). Rates are per client address (IPv6 by /64) and per minute.
   *
   * @param maxBodyBytes a larger request body is refused with 413
   * @param challengesPerMinute {@code POST /auth/challenge} requests an address may make
   * @param loginsPerMinute {@code POST /auth/login} requests an address may make
   * @param sessionTokenSeconds lifetime of a session token (at most 900)
   * @param maxSessionTokens live session tokens per node; a login beyond it is refused (503)
   * @param clockSkewSeconds how far a signed request's {@code iat} may lie in the future
   * @param maxPageSize the largest {@code limit} of a paged read
   * @param idleTimeoutSeconds a connection with no traffic for this long is closed
   * @param allowedOrigins origins ({@code https://host:port}, lower case, no path) whose pages may
   *     open the live channel ({@code GET /ws}); empty means the node's own, {@code
   *     https://<node.host>:<port>} and {@code https://localhost:<port>}
   * @param webSocketAuthTimeoutSeconds a live-channel socket that has not authenticated by then is
   *     closed
   * @param maxWebSocketMessageBytes a larger message from a client closes its socket
   * @param maxWebSockets live-channel sockets open at once per node; more are refused (503)
   * @param maxWebSocketQueuedEvents events waiting to be written to one socket (before its ready
   *     message, or behind a balance read); past it, or when the socket's write queue is full, the
   *     client is not reading and its socket is closed
   * @param liveGraceSeconds a login that has followed the live channel ends this long after its
   *     last socket closed, unless a socket authenticates for it again (a page reload): a browser
   *     user is online while its console is connected
   * @param maxConnections connections the HTTPS port holds at once, live-channel sockets included,
   *     counted from accept (before the TLS handshake); more are closed at once
   * @param maxConnectionsPerAddress connections one client address (IPv6 by /64) holds on the HTTPS
   *     port; more are closed at once
   * @param requestHeadTimeoutSeconds a connection that has not delivered a complete request head
   *     this long after its handshake, or after its last response, is closed, however slowly it
   *     sends bytes
   * @param maxWebSocketsPerAddress live-channel sockets one client address holds; more are refused
   *     at the handshake (429)
   * @param maxWebSocketsPerLogin live-channel sockets one account holds; one more is closed (1008)
   *     when it authenticates
   * @param heapWarningPercent {@code GET /health}'s heap check warns (still 200) and the node logs
   *     {@code event=heap_warning} once the heap used after collection passes this share of the
   *     maximum heap; 0 warns always
   */
  public record Http(
      int maxBodyBytes,
      int challengesPerMinute,
      int loginsPerMinute,
      int sessionTokenSeconds,
      int maxSessionTokens,
      int clockSkewSeconds,
      int maxPageSize,
      int idleTimeoutSeconds,
      List<String> allowedOrigins,
      int webSocketAuthTimeoutSeconds,
      int maxWebSocketMessageBytes,
      int maxWebSockets,
      int maxWebSocketQueuedEvents,
      int liveGraceSeconds,
      int maxConnections,
      int maxConnectionsPerAddress,
      int requestHeadTimeoutSeconds,
      int maxWebSocketsPerAddress,
      int maxWebSocketsPerLogin,
      int heapWarningPercent) {

    public Http {
      allowedOrigins = List.copyOf(allowedOrigins);
    }
  }

  /**
   * The compatibility listener for the original C++ client (docs/protocol.md, compatibility).
   *
   * @param maxMessageBytes a message that outgrows this without completing is refused
   * @param maxListedUsers the most users one list shows (the original client reads them all)
   * @param partialMessageTimeoutMillis a payment forward whose bytes stop coming for this long is
   *     answered {@code TRANS FAIL} and dropped
   * @param forwardOncePerLogin false (compat.forwardReplay {@code "once"}, the default): the same
   *     forward bytes pay at most once, ever; true ({@code "perLogin"}, a classroom opt-in): once
   *     per login of the payer, so a repeated identical payment goes through in a new login and so
   *     does a captured forward replayed by its payee
   */
  public record Compat(
      int maxMessageBytes,
      int maxListedUsers,
      long partialMessageTimeoutMillis,
      boolean forwardOncePerLogin) {}

  /**
   * The session core, shared by every entry point.
   *
   * @param challengeTtlSeconds how long a login nonce (proof of key by signature) stays valid
   * @param maxOutstandingChallenges live nonces kept at most; beyond, new ones are refused (busy)
   *     until some expire or are used
   * @param maxCachedKeys registered public keys kept decoded in memory
   * @param maxThrottledAddresses client addresses (and address-name pairs) each rate limit
   *     remembers at once; beyond, new ones are refused until some budget is whole again
   * @param registrationsPerMinute registrations per client address, on every entry point
   * @param openingDeposit how an account's opening balance is chosen: {@code fixed}
   *     (ledger.defaultDepositMinor, whatever the client states) or {@code stated} (as the client
   *     states, up to ledger.maxDepositMinor)
   * @param signatureThreads worker threads that check payment and login signatures
   * @param maxQueuedSignatureChecks checks waiting or running at most; beyond, refused (busy)
   * @param registrationThreads worker threads that open registrations (RSA, AES, Argon2id)
   * @param maxQueuedRegistrations registrations waiting or running at most; beyond, refused
   */
  public record Session(
      int challengeTtlSeconds,
      int maxOutstandingChallenges,
      int maxCachedKeys,
      int maxThrottledAddresses,
      int registrationsPerMinute,
      String openingDeposit,
      int signatureThreads,
      int maxQueuedSignatureChecks,
      int registrationThreads,
      int maxQueuedRegistrations) {}

  /**
   * The server's TLS identity.
   *
   * @param certificateFile PEM certificate (chain) of the server, or null to use (and on first
   *     start generate) a local CA and server certificate in {@code certsDirectory}
   * @param privateKeyFile PEM private key of that certificate, or null likewise
   * @param certsDirectory where generated keys and certificates live
   * @param engine "jdk" (takes every client key type) or "openssl" (BoringSSL: less memory a
   *     session and faster handshakes, but it asks for no Ed25519 client certificates)
   * @param renewBeforeDays a generated server certificate with less than this left is renewed
   *     (never an operator's {@code certificateFile})
   * @param renewCheckMinutes how often a running node checks whether to renew it
   */
  public record Tls(
      String certificateFile,
      String privateKeyFile,
      String certsDirectory,
      String engine,
      int renewBeforeDays,
      int renewCheckMinutes) {}

  /**
   * Limits of the TLS text protocol listener; every one applies per node.
   *
   * @param maxLineBytes a longer line gets an error reply and the connection is closed
   * @param idleTimeoutSeconds a connection with no traffic for this long is closed
   * @param handshakeTimeoutSeconds a TLS handshake that takes longer is abandoned
   * @param maxConnections connections beyond this are refused at once
   * @param maxConnectionsPerAddress connections from one client address beyond this are refused at
   *     once (text and compatibility listeners together)
   * @param maxCommandsPerSecond per connection; a faster client is paced: reading stops until the
   *     rate allows the next command
   * @param commandBurst commands a connection may send at once before pacing starts
   * @param maxInFlightCommands commands of one connection running at once (pipelining)
   * @param maxListedUsers users shown by one LIST; LIST#offset pages through the rest
   * @param maxBufferedReplyBytes replies queued for a connection before reading from it stops
   * @param writeStallTimeoutSeconds a connection whose replies stay unread this long is closed
   * @param maxFailedLoginsPerMinute per client address and account name; further logins to that
   *     name from that address fail alike until old failures age out
   * @param maxFailedLoginsPerAddressPerMinute per client address, whatever the names; further
   *     logins from that address fail alike until old failures age out
   * @param maxHistoryLines the largest n of HISTORY#n
   */
  public record Text(
      int maxLineBytes,
      int idleTimeoutSeconds,
      int handshakeTimeoutSeconds,
      int maxConnections,
      int maxConnectionsPerAddress,
      int maxCommandsPerSecond,
      int commandBurst,
      int maxInFlightCommands,
      int maxListedUsers,
      int maxBufferedReplyBytes,
      int writeStallTimeoutSeconds,
      int maxFailedLoginsPerMinute,
      int maxFailedLoginsPerAddressPerMinute,
      int maxHistoryLines) {}

  /**
   * @param defaultDepositMinor the deposit of a registration that names none
   * @param maxPendingRequests requests queued at the ledger beyond this are refused as overloaded
   * @param requestTimeoutMillis how long an entry point waits for the ledger's answer; past it the
   *     outcome is reported unknown, with its id
   * @param enrollmentFile {@code id,one-time password} lines: when set, only listed pairs may
   *     register over the HTTPS API, each once; null lets anyone register
   */
  public record Ledger(
      LedgerOptions options,
      long defaultDepositMinor,
      int maxPendingRequests,
      long requestTimeoutMillis,
      String enrollmentFile) {}

  /**
   * How a cluster member runs its Raft replica (read only with {@code server --cluster}; the
   * defaults and why they are what they are: {@code cluster/RaftSettings}).
   *
   * @param electionTimeoutMinMillis a follower that hears no leader for a random time between this
   *     and {@code electionTimeoutMaxMillis} starts an election
   * @param electionTimeoutMaxMillis see {@code electionTimeoutMinMillis}
   * @param raftRequestTimeoutMillis one attempt of a member's own Raft request (confirming the lead
   *     for reads, handing the lead over, joining)
   * @param raftRequestAttempts attempts of such a request before it fails
   * @param snapshotEveryEntries a snapshot after this many applied Raft entries (each a batch)
   * @param logSegmentBytes the Raft log's segment size; the log is purged a segment at a time
   * @param maxEntriesInFlight entries the leader may have proposed and not yet seen applied
   */
  public record Cluster(
      long electionTimeoutMinMillis,
      long electionTimeoutMaxMillis,
      long raftRequestTimeoutMillis,
      int raftRequestAttempts,
      long snapshotEveryEntries,
      long logSegmentBytes,
      int maxEntriesInFlight) {}

  public static final long DEFAULT_DEPOSIT_MINOR = 10_000;

  public static PaywireConfig defaults() {
    try {
      return fromJson(new JsonObject(), WORKING_DIRECTORY);
    } catch (ConfigException e) {
      throw new IllegalStateException("defaults must be valid", e);
    }
  }

  /** Reads a file; a missing file means all defaults. */
  public static PaywireConfig load(Path file) throws ConfigException {
    if (!Files.exists(file)) {
      return defaults();
    }
    try {
      String text = Files.readString(file);
      refuseDuplicateKeys(text);
      return fromJson(new JsonObject(text), file.toAbsolutePath().getParent());
    } catch (DecodeException e) {
      throw new ConfigException(file + " is not valid JSON: " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException(file + " cannot be read: " + e.getMessage());
    }
  }

  /** Where the relative paths of a configuration with no file are resolved. */
  private static final Path WORKING_DIRECTORY = Path.of("");

  /** Configuration read from JSON with no file: relative paths are the working directory's. */
  public static PaywireConfig fromJson(JsonObject json) throws ConfigException {
    return fromJson(json, WORKING_DIRECTORY);
  }

  /**
   * A key given twice in one object is refused, not left to the parser's last-one-wins: a network
   * (or any setting) written twice would otherwise silently take the later of the two.
   */
  private static void refuseDuplicateKeys(String text) throws DecodeException {
    JsonFactory strict =
        JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    try (JsonParser parser = strict.createParser(text)) {
      while (parser.nextToken() != null) {
        // the parser throws at the second occurrence of a key
      }
    } catch (IOException e) {
      throw new DecodeException(e.getMessage());
    }
  }

  /**
   * @param base the configuration file's directory, against which relative paths of {@code
   *     networks} are resolved
   */
  public static PaywireConfig fromJson(JsonObject json, Path base) throws ConfigException {
    Section root = new Section("", json);
    Section node = root.section("node");
    Section ledger = root.section("ledger");
    Section tls = root.section("tls");
    Section text = root.section("text");
    Section compat = root.section("compat");
    Section session = root.section("session");
    Section http = root.section("http");
    Section cluster = root.section("cluster");
    Section networks = root.section("networks");
    root.finish();

    Node nodeConfig =
        new Node(
            node.string("host", "127.0.0.1"),
            (int) node.number("tlsPort", 16000, 0, 65535),
            (int) node.number("httpPort", 8443, 0, 65535),
            (int) node.number("compatPort", 16001, -1, 65535),
            (int) node.number("managementPort", -1, -1, 65535),
            (int) node.number("managementMaxConnections", 16, 1, 10_000),
            (int) node.number("reservedFileDescriptors", 1_024, 64, 1_000_000),
            (int) node.number("logSummaryIntervalSeconds", 60, 1, 86_400));
    node.finish();

    long maxDeposit = ledger.number("maxDepositMinor", 1_000_000_000L, 1, Long.MAX_VALUE);
    long defaultDeposit =
        ledger.number("defaultDepositMinor", DEFAULT_DEPOSIT_MINOR, 1, Long.MAX_VALUE);
    if (defaultDeposit > maxDeposit) {
      throw new ConfigException(
          "ledger.defaultDepositMinor must not exceed "
              + "ledger.maxDepositMinor ("
              + maxDeposit
              + ")");
    }
    LedgerRules rules =
        new LedgerRules(
            maxDeposit, ledger.number("maxTransferMinor", 1_000_000_000L, 1, Long.MAX_VALUE));
    int maxBatchBytes = (int) ledger.number("maxBatchBytes", 4 << 20, 64 << 10, 256 << 20);
    LedgerOptions options =
        new LedgerOptions(
            rules,
            (int) ledger.number("maxBatchCommands", 8_192, 1, 1_000_000),
            maxBatchBytes,
            ledger.number("segmentBytes", 64L << 20, maxBatchBytes + 1024L, 1L << 30),
            ledger.number("snapshotEveryTransfers", 1_000_000, 0, Long.MAX_VALUE),
            (int) ledger.number("snapshotsKept", 2, 1, 100));
    Ledger ledgerConfig =
        new Ledger(
            options,
            defaultDeposit,
            (int) ledger.number("maxPendingRequests", 100_000, 1, 10_000_000),
            ledger.number("requestTimeoutMillis", 5_000, 100, 600_000),
            ledger.string("enrollmentFile", null));
    ledger.finish();

    Tls tlsConfig =
        new Tls(
            tls.string("certificateFile", null),
            tls.string("privateKeyFile", null),
            tls.string("certsDirectory", "certs"),
            tls.string("engine", "jdk"),
            // Below the generated certificate's validity, so a renewed one is not due at once.
            (int)
                tls.number(
                    "renewBeforeDays", 30, 1, LocalCertificates.SERVER_VALIDITY.toDays() - 1),
            (int) tls.number("renewCheckMinutes", 720, 1, 10_080));
    if (!tlsConfig.engine().equals("jdk") && !tlsConfig.engine().equals("openssl")) {
      throw new ConfigException("tls.engine must be \"jdk\" or \"openssl\"");
    }
    if ((tlsConfig.certificateFile() == null) != (tlsConfig.privateKeyFile() == null)) {
      throw new ConfigException("tls.certificateFile and tls.privateKeyFile go together");
    }
    tls.finish();

    Text textConfig =
        new Text(
            (int) text.number("maxLineBytes", 8192, 256, 1 << 20),
            (int) text.number("idleTimeoutSeconds", 300, 1, 86_400),
            (int) text.number("handshakeTimeoutSeconds", 10, 1, 300),
            (int) text.number("maxConnections", 10_000, 1, 1_000_000),
            (int) text.number("maxConnectionsPerAddress", 200, 1, 1_000_000),
            (int) text.number("maxCommandsPerSecond", 5_000, 1, 1_000_000),
            (int) text.number("commandBurst", 500, 1, 1_000_000),
            (int) text.number("maxInFlightCommands", 64, 1, 4_096),
            (int) text.number("maxListedUsers", 100, 1, 100_000),
            (int) text.number("maxBufferedReplyBytes", 256 << 10, 4 << 10, 64 << 20),
            (int) text.number("writeStallTimeoutSeconds", 30, 1, 3_600),
            (int) text.number("maxFailedLoginsPerMinute", 10, 1, 10_000),
            (int) text.number("maxFailedLoginsPerAddressPerMinute", 100, 1, 1_000_000),
            (int) text.number("maxHistoryLines", 100, 1, 1_000));
    text.finish();

    compat.retired("replayWindowSeconds", "identical forwards pay once (compat.forwardReplay)");
    compat.retired("replayMemoryEntries", "identical forwards pay once (compat.forwardReplay)");
    Compat compatConfig =
        new Compat(
            (int) compat.number("maxMessageBytes", 4096, 1024, 1 << 20),
            (int) compat.number("maxListedUsers", 1_000, 1, 100_000),
            compat.number("partialMessageTimeoutMillis", 2_000, 100, 60_000),
            forwardReplay(compat.string("forwardReplay", "once")));
    compat.finish();

    String deposits = session.string("openingDeposit", "fixed");
    if (!deposits.equals("fixed") && !deposits.equals("stated")) {
      throw new ConfigException("session.openingDeposit must be \"fixed\" or \"stated\"");
    }
    int signatureThreads = (int) session.number("signatureThreads", 2, 1, 64);
    int registrationThreads = (int) session.number("registrationThreads", 1, 1, 64);
    Session sessionConfig =
        new Session(
            (int) session.number("challengeTtlSeconds", 60, 5, 3_600),
            (int) session.number("maxOutstandingChallenges", 100_000, 100, 10_000_000),
            (int) session.number("maxCachedKeys", 100_000, 100, 10_000_000),
            (int) session.number("maxThrottledAddresses", 100_000, 100, 10_000_000),
            (int) session.number("registrationsPerMinute", 30, 1, 1_000_000),
            deposits,
            signatureThreads,
            (int) session.number("maxQueuedSignatureChecks", 4_096, signatureThreads, 1_000_000),
            registrationThreads,
            (int) session.number("maxQueuedRegistrations", 32, registrationThreads, 100_000));
    session.finish();

    http.retired(
        "registrationsPerMinute",
        "moved to session.registrationsPerMinute, which " + "holds on every entry point");
    Http httpConfig =
        new Http(
            (int) http.number("maxBodyBytes", 16_384, 1_024, 1 << 20),
            (int) http.number("challengesPerMinute", 120, 1, 1_000_000),
            (int) http.number("loginsPerMinute", 60, 1, 1_000_000),
            (int) http.number("sessionTokenSeconds", 900, 5, 900),
            (int) http.number("maxSessionTokens", 100_000, 1, 10_000_000),
            (int) http.number("clockSkewSeconds", 60, 0, 600),
            (int) http.number("maxPageSize", 100, 1, 1_000),
            (int) http.number("idleTimeoutSeconds", 300, 1, 86_400),
            origins(http.strings("allowedOrigins", List.of()), "http.allowedOrigins"),
            (int) http.number("webSocketAuthTimeoutSeconds", 10, 1, 300),
            (int) http.number("maxWebSocketMessageBytes", 4_096, 256, 1 << 20),
            (int) http.number("maxWebSockets", 1_000, 1, 1_000_000),
            (int) http.number("maxWebSocketQueuedEvents", 256, 1, 100_000),
            (int) http.number("liveGraceSeconds", 10, 1, 3_600),
            (int) http.number("maxConnections", 5_000, 1, 1_000_000),
            (int) http.number("maxConnectionsPerAddress", 200, 1, 1_000_000),
            (int) http.number("requestHeadTimeoutSeconds", 15, 1, 300),
            (int) http.number("maxWebSocketsPerAddress", 100, 1, 1_000_000),
            (int) http.number("maxWebSocketsPerLogin", 10, 1, 1_000_000),
            (int) http.number("heapWarningPercent", 85, 0, 100));
    if (httpConfig.maxWebSockets() > httpConfig.maxConnections()) {
      throw new ConfigException(
          "http.maxWebSockets ("
              + httpConfig.maxWebSockets()
              + ") must not exceed http.maxConnections ("
              + httpConfig.maxConnections()
              + "): every live-channel socket is a connection of the HTTPS port");
    }
    http.finish();
    Cluster clusterConfig = cluster(cluster);
    return new PaywireConfig(
        nodeConfig,
        ledgerConfig,
        tlsConfig,
        textConfig,
        compatConfig,
        sessionConfig,
        httpConfig,
        clusterConfig,
        networks(networks, base, ledgerConfig));
  }

  /** The {@code networks} section: every network, in the order written. */
  private static List<Network> networks(Section networks, Path base, Ledger ledger)
      throws ConfigException {
    List<String> names = networks.names();
    if (names.size() > MAX_NETWORKS) {
      throw new ConfigException(
          "networks: at most " + MAX_NETWORKS + " networks, not " + names.size());
    }
    List<Network> list = new ArrayList<>(names.size());
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!NETWORK_NAME.matcher(name).matches()) {
        throw new ConfigException(
            networks.key(name)
                + ": a network's name is 1 to 32 of a-z, 0-9 and '-', starting with a letter or"
                + " digit");
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw new ConfigException(networks.key(name) + " is given twice");
      }
      Network network = network(name, networks.section(name), base, ledger);
      for (Network other : list) {
        if (network.port() != 0 && network.port() == other.port()) {
          throw new ConfigException(
              networks.key(name)
                  + ".port "
                  + network.port()
                  + " is also networks."
                  + other.name()
                  + "'s");
        }
      }
      list.add(network);
    }
    networks.finish();
    return list;
  }

  private static Network network(String name, Section section, Path base, Ledger ledger)
      throws ConfigException {
    String kindName = section.required("kind").string("kind", null);
    Network.Kind kind = null;
    for (Network.Kind k : Network.Kind.values()) {
      if (k.key().equals(kindName)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new ConfigException(
          section.key("kind") + " must be \"gradecoin\" or \"course\", not \"" + kindName + "\"");
    }
    String host = section.string("host", "127.0.0.1");
    int port = (int) section.required("port").number("port", 0, 0, 65535);
    // Each kind reads its own keys; the other kind's are left unread, so finish() refuses them.
    Path gradecoinConfig = null;
    Path students = null;
    String dialect = null;
    long openingBalance = 0;
    long maxTokenLifetimeSeconds = 0;
    String greeting = null;
    if (kind == Network.Kind.GRADECOIN) {
      gradecoinConfig = section.required("gradecoinConfig").file("gradecoinConfig", base);
      students = section.required("students").file("students", base);
      maxTokenLifetimeSeconds =
          section.number(
              "maxTokenLifetimeSeconds",
              Network.DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
              60,
              31L * 86_400);
    } else {
      dialect = section.required("dialect").string("dialect", null);
      if (!COURSE_DIALECTS.contains(dialect)) {
        throw new ConfigException(section.key("dialect") + " must be \"2020\" or \"2021\"");
      }
      long maxDeposit = ledger.options().rules().maxDepositMinor();
      openingBalance =
          section.number(
              "openingBalance", Math.min(ledger.defaultDepositMinor(), maxDeposit), 1, maxDeposit);
      greeting = section.string("greeting", null);
      if (greeting != null && !GREETING.matcher(greeting).matches()) {
        throw new ConfigException(
            section.key("greeting")
                + " must be 1 to "
                + MAX_GREETING_BYTES
                + " printable ASCII characters (one line)");
      }
    }
    Network network =
        new Network(
            name,
            kind,
            host,
            port,
            gradecoinConfig,
            students,
            dialect,
            openingBalance,
            maxTokenLifetimeSeconds,
            greeting);
    section.finish();
    return network;
  }

  /** The ranges are those {@code cluster/RaftSettings} accepts, checked here to name the key. */
  private static Cluster cluster(Section cluster) throws ConfigException {
    long electionMin = cluster.number("electionTimeoutMinMillis", 1_000, 100, 59_999);
    long electionMax = cluster.number("electionTimeoutMaxMillis", 2_000, 101, 60_000);
    if (electionMax <= electionMin) {
      throw new ConfigException(
          "cluster.electionTimeoutMaxMillis ("
              + electionMax
              + ") must exceed cluster.electionTimeoutMinMillis ("
              + electionMin
              + ")");
    }
    Cluster config =
        new Cluster(
            electionMin,
            electionMax,
            cluster.number("raftRequestTimeoutMillis", 2_000, 100, 60_000),
            (int) cluster.number("raftRequestAttempts", 3, 1, 10),
            cluster.number("snapshotEveryEntries", 10_000, 1, Long.MAX_VALUE),
            cluster.number("logSegmentBytes", 32L << 20, 16L << 10, 1L << 30),
            (int) cluster.number("maxEntriesInFlight", 8, 1, 16));
    cluster.finish();
    return config;
  }

  private static boolean forwardReplay(String value) throws ConfigException {
    if (!value.equals("once") && !value.equals("perLogin")) {
      throw new ConfigException("compat.forwardReplay must be \"once\" or \"perLogin\"");
    }
    return value.equals("perLogin");
  }

  /** What a browser sends as {@code Origin}: {@code http(s)://host[:port]}, no path. */
  private static final Pattern ORIGIN =
      Pattern.compile("https?://(\\[[0-9a-f:.]+\\]|[a-z0-9.-]+)(:[0-9]{1,5})?");

  private static List<String> origins(List<String> origins, String key) throws ConfigException {
    List<String> normalized = new ArrayList<>();
    for (String origin : origins) {
      String lower = origin.toLowerCase(Locale.ROOT);
      if (!ORIGIN.matcher(lower).matches()) {
        throw new ConfigException(
            key
                + " must hold origins such as \"https://example.com:8443\""
                + " (scheme, host, optional port, no path), not \""
                + origin
                + "\"");
      }
      normalized.add(lower);
    }
    return normalized;
  }

  public PaywireConfig withPorts(Integer tlsPort, Integer httpPort, Integer compatPort)
      throws ConfigException {
    checkPort("tls-port", tlsPort, 0);
    checkPort("http-port", httpPort, 0);
    checkPort("compat-port", compatPort, -1);
    return new PaywireConfig(
        new Node(
            node.host(),
            tlsPort != null ? tlsPort : node.tlsPort(),
            httpPort != null ? httpPort : node.httpPort(),
            compatPort != null ? compatPort : node.compatPort(),
            node.managementPort(),
            node.managementMaxConnections(),
            node.reservedFileDescriptors(),
            node.logSummaryIntervalSeconds()),
        ledger,
        tls,
        text,
        compat,
        session,
        http,
        cluster,
        networks);
  }

  private static void checkPort(String name, Integer port, int min) throws ConfigException {
    if (port != null && (port < min || port > 65535)) {
      throw new ConfigException(name + " must be " + min + " to 65535, not " + port);
    }
  }

  /** One JSON object of the configuration; remembers which keys were read. */
  private static final class Section {
    private final String path;
    private final JsonObject json;
    private final Set<String> read = new HashSet<>();

    Section(String path, JsonObject json) {
      this.path = path;
      this.json = json;
    }

    private String key(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    Section section(String name) throws ConfigException {
      read.add(name);
      Object value = json.getValue(name);
      if (value == null) {
        return new Section(key(name), new JsonObject());
      }
      if (!(value instanceof JsonObject object)) {
        throw new ConfigException(key(name) + " must be an object");
      }
      return new Section(key(name), object);
    }

    String string(String name, String fallback) throws ConfigException {
      read.add(name);
      Object value = json.getValue(name);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof String s) || s.isBlank()) {
        throw new ConfigException(key(name) + " must be a non-empty string");
      }
      return s;
    }

    List<String> strings(String name, List<String> fallback) throws ConfigException {
      read.add(name);
      Object value = json.getValue(name);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof JsonArray array)
          || !array.stream().allMatch(item -> item instanceof String s && !s.isBlank())) {
        throw new ConfigException(key(name) + " must be a list of non-empty strings");
      }
      return array.stream().map(String.class::cast).toList();
    }

    /**
     * A setting that no longer does anything: accepted, with a warning, so old files still load.
     */
    void retired(String name, String why) {
      read.add(name);
      if (json.containsKey(name)) {
        System.getLogger(PaywireConfig.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "event=config_setting_retired key={0} reason={1}",
                key(name),
                why);
      }
    }

    long number(String name, long fallback, long min, long max) throws ConfigException {
      read.add(name);
      Object value = json.getValue(name);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof Integer || value instanceof Long)) {
        throw new ConfigException(key(name) + " must be an integer from " + min + " to " + max);
      }
      long number = ((Number) value).longValue();
      if (number < min || number > max) {
        throw new ConfigException(
            key(name) + " must be from " + min + " to " + max + ", not " + number);
      }
      return number;
    }

    /** The keys of this object, in the order written; {@code _} keys left out. */
    List<String> names() {
      List<String> names = new ArrayList<>();
      for (String name : json.fieldNames()) {
        if (!name.startsWith("_")) {
          read.add(name);
          names.add(name);
        }
      }
      return names;
    }

    /** This section, once {@code name} is known to be given. */
    Section required(String name) throws ConfigException {
      if (json.getValue(name) == null) {
        throw new ConfigException(key(name) + " is required");
      }
      return this;
    }

    /**
     * A file's path, resolved against {@code base} (the configuration file's directory); the file
     * must be there and readable, so a wrong path stops the node at start.
     */
    Path file(String name, Path base) throws ConfigException {
      Path path = base.resolve(string(name, null)).toAbsolutePath().normalize();
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw new ConfigException(key(name) + ": no readable file at " + path);
      }
      return path;
    }

    void finish() throws ConfigException {
      for (String name : json.fieldNames()) {
        if (!read.contains(name) && !name.startsWith("_")) {
          throw new ConfigException(key(name) + " is not a known setting");
        }
      }
    }
  }
}
