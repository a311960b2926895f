package io.paywire.session;

import io.paywire.crypto.RegistrationCipher;
import io.paywire.gradecoin.GradecoinConfig;
import io.paywire.gradecoin.GradecoinHashes;
import io.paywire.gradecoin.GradecoinJwt;
import io.paywire.gradecoin.GradecoinPem;
import io.paywire.gradecoin.GradecoinTexts;
import io.paywire.gradecoin.GradecoinTime;
import io.paywire.gradecoin.StudentList;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every rule of who may do what on a Gradecoin network: who may register (the enrollment list, each
 * pair once), who may propose a transaction or a block (the source's or proposer's registered key
 * signed the request's JWT, and the JWT names this very transaction or block), and how long a token
 * may be valid. The checks run in Gradecoin's order with its texts; the ledger then applies its own
 * rules (balances, the pool, blocks) and has the last word. Each entry point (the network's HTTPS
 * listener) only decodes requests and encodes these replies.
 *
 * <p>Differences from Gradecoin (docs/gradecoin.md): one reply for every refused registration,
 * after the same work; a signed request is accepted once, ever; a token may not be valid for longer
 * than {@link Limits#maxTokenLifetimeSeconds}.
 */
public final class GradecoinSessions {

  /** What a handler answers: Gradecoin's {@code {"res", "message"}} with its status. */
  public record Reply(int status, boolean success, String message) {
    static Reply ok(String message) {
      return new Reply(201, true, message);
    }

    static Reply error(String message) {
      return new Reply(400, false, message);
    }

    static Reply unavailable(String message) {
      return new Reply(503, false, message);
    }

    public JsonObject json() {
      return new JsonObject()
          .put("res", success ? GradecoinTexts.RES_SUCCESS : GradecoinTexts.RES_ERROR)
          .put("message", message);
    }
  }

  /** A transaction as its body states it, the timestamp already re-written. */
  public record Transaction(String source, String target, long amount, String timestamp) {}

  /** A block as its body states it, the timestamp already re-written. */
  public record ProposedBlock(List<String> txIds, long nonce, String timestamp, String hash) {}

  /**
   * The network's limits, beyond Gradecoin's own configuration.
   *
   * @param maxTokenLifetimeSeconds a token whose {@code exp} lies further ahead is refused
   * @param maxPoolRead most pool entries GET /transaction shows
   * @param maxUsersListed most accounts GET /user shows
   */
  public record Limits(long maxTokenLifetimeSeconds, int maxPoolRead, int maxUsersListed) {
    /** Most pending transactions GET /transaction shows. */
    public static final int MAX_POOL_READ = 100_000;

    /** Most accounts GET /user shows. */
    public static final int MAX_USERS_LISTED = 10_000;

    /** The limits with {@code maxTokenLifetimeSeconds} (networks.NAME.maxTokenLifetimeSeconds). */
    public static Limits of(long maxTokenLifetimeSeconds) {
      return new Limits(maxTokenLifetimeSeconds, MAX_POOL_READ, MAX_USERS_LISTED);
    }
  }

  /** The one reply of every refused registration, whatever was wrong. */
  public static final String REGISTRATION_REFUSED =
      "The registration was refused: it could not be decrypted or read, or its credentials cannot"
          + " hold a Gradecoin account, or they already do";

  static final String REPLAYED =
      "This signed request was already received: a token is accepted once";

  private static final byte[] NO_KEY_BLOCK = new byte[256];
  private static final byte[] NO_CIPHERTEXT = new byte[32];

  private final Vertx vertx;
  private final String network;
  private final GradecoinConfig config;
  private final StudentList students;
  private final PrivateKey serverKey;
  private final GradecoinLedger ledger;
  private final WorkerPool workers;
  private final WorkerExecutor executor;
  private final Limits limits;
  private final Clock clock;
  private final RateLimiter registrations;

  public GradecoinSessions(
      Vertx vertx,
      String network,
      GradecoinConfig config,
      StudentList students,
      PrivateKey serverKey,
      GradecoinLedger ledger,
      WorkerPool workers,
      Limits limits,
      RateLimiter registrations,
      Clock clock) {
    this.vertx = vertx;
    this.network = network;
    this.config = config;
    this.students = students;
    this.serverKey = serverKey;
    this.ledger = ledger;
    this.workers = workers;
    this.executor = workers.executor(vertx);
    this.limits = limits;
    this.registrations = registrations;
    this.clock = clock;
  }

  public GradecoinConfig config() {
    return config;
  }

  public GradecoinLedger ledger() {
    return ledger;
  }

  public Limits limits() {
    return limits;
  }

  // ---- registration ----------------------------------------------------------------------------

  /** What an admitted registration opens. */
  private record Admitted(String studentId, String fingerprint, byte[] publicKey) {}

  /**
   * {@code POST /register}: the three base64 fields of the envelope. Every refusal is {@link
   * #REGISTRATION_REFUSED}, after one RSA decryption, one AES decryption and one password hash,
   * whatever was wrong. A client address registers at most {@code session.registrationsPerMinute}
   * times a minute (429 beyond, before any work).
   */
  public Future<Reply> register(String c, String iv, String key, String clientAddress) {
    if (registrations.tryAcquire(clientAddress) != RateLimiter.Admission.ADMITTED) {
      return done(
          new Reply(429, false, "Too many registrations from this address: try again in a minute"));
    }
    return workers
        .run(executor, () -> open(c, iv, key))
        .transform(
            opened -> {
              if (opened.failed()) {
                return Future.succeededFuture(busy(opened.cause()));
              }
              Admitted admitted = opened.result();
              if (admitted == null) {
                return Future.succeededFuture(Reply.error(REGISTRATION_REFUSED));
              }
              return ledger
                  .register(
                      id("register", admitted.studentId()),
                      admitted.fingerprint(),
                      admitted.publicKey(),
                      config.registerBonus())
                  .map(
                      written ->
                          written instanceof GradecoinLedger.Applied applied && !applied.replay()
                              ? Reply.ok(GradecoinTexts.registered(admitted.fingerprint()))
                              : registrationNotApplied(written));
            });
  }

  private static Reply registrationNotApplied(GradecoinLedger.Written written) {
    if (written instanceof GradecoinLedger.Unknown unknown) {
      return Reply.unavailable(
          "The outcome of this registration is unknown (id " + unknown.id() + "): try again");
    }
    if (written instanceof GradecoinLedger.Unavailable unavailable) {
      return Reply.unavailable(unavailable.reason());
    }
    return Reply.error(REGISTRATION_REFUSED);
  }

  /** On a worker: the admitted registration, or null; the same work whatever fails. */
  private Admitted open(String c, String iv, String key) {
    byte[] cBytes = RegistrationCipher.base64OrNull(c);
    byte[] ivBytes = RegistrationCipher.base64OrNull(iv);
    byte[] keyBytes = RegistrationCipher.base64OrNull(key);
    boolean good = cBytes != null && ivBytes != null && keyBytes != null;
    byte[] plain = null;
    try {
      plain =
          RegistrationCipher.open(
              serverKey,
              new RegistrationCipher.Envelope(
                  RegistrationCipher.Mode.CBC,
                  cBytes == null ? NO_CIPHERTEXT : cBytes,
                  ivBytes == null ? new byte[16] : ivBytes,
                  keyBytes == null ? NO_KEY_BLOCK : keyBytes));
    } catch (RegistrationCipher.Refused refused) {
      good = false;
    }
    JsonObject fields = good ? RegistrationCipher.jsonOrNull(plain) : null;
    String studentId = text(fields, "student_id");
    String password = text(fields, "passwd");
    String pem = text(fields, "public_key");
    byte[] publicKey = spki(pem);
    // The password is hashed whatever came before: a refusal takes the same time at every step.
    boolean admitted =
        students.admits(studentId == null ? "" : studentId, password == null ? "" : password);
    if (!good || studentId == null || password == null || publicKey == null || !admitted) {
      return null;
    }
    return new Admitted(studentId, GradecoinHashes.fingerprint(pem), publicKey);
  }

  private static byte[] spki(String pem) {
    if (pem == null) {
      return null;
    }
    try {
      return GradecoinPem.parse(pem).getEncoded();
    } catch (IllegalArgumentException notPem) {
      return null;
    }
  }

  // ---- transactions ----------------------------------------------------------------------------

  /** {@code POST /transaction}: the checks of Gradecoin's propose_transaction, in its order. */
  public Future<Reply> proposeTransaction(String authorization, Transaction tx) {
    String token = GradecoinJwt.stripBearer(authorization);
    return ledger
        .account(tx.source())
        .compose(
            found -> {
              if (found.isEmpty()) {
                return done(Reply.error(GradecoinTexts.TX_SOURCE_UNKNOWN));
              }
              if (found.get().bot()) {
                return done(Reply.error(GradecoinTexts.TX_FROM_BOT));
              }
              return verify(token, found.get().publicKey())
                  .compose(
                      claims -> {
                        if (claims instanceof Busy) {
                          return done(Reply.unavailable("The server is busy: try again"));
                        }
                        if (claims instanceof Busy) {
                          return done(Reply.unavailable("The server is busy: try again"));
                        }
                        if (claims instanceof Refusal refusal) {
                          return done(Reply.error(refusal.message()));
                        }
                        GradecoinJwt.Claims valid = (GradecoinJwt.Claims) claims;
                        String hash =
                            GradecoinHashes.transactionHash(
                                tx.source(), tx.target(), tx.amount(), tx.timestamp());
                        if (!hash.equals(valid.tha())) {
                          return done(Reply.error(GradecoinTexts.TX_HASH_MISMATCH));
                        }
                        return submit(token, tx);
                      });
            },
            failure -> done(busy(failure)));
  }

  private Future<Reply> submit(String token, Transaction tx) {
    String txId =
        GradecoinHashes.transactionId(
            tx.source(), tx.target(), GradecoinTime.txIdClock(clock.instant()));
    return ledger
        .proposeTransaction(
            id("token", token),
            tx.source(),
            tx.target(),
            tx.amount(),
            config.txGasFee(),
            txId,
            tx.timestamp())
        .map(
            written -> {
              if (written instanceof GradecoinLedger.Applied applied) {
                return applied.replay()
                    ? Reply.error(REPLAYED)
                    : Reply.ok(GradecoinTexts.TX_ACCEPTED);
              }
              return notApplied(written, tx);
            });
  }

  private Reply notApplied(GradecoinLedger.Written written, Transaction tx) {
    if (written instanceof GradecoinLedger.Refused refused) {
      return Reply.error(transactionText(refused, tx));
    }
    return failedWrite(written);
  }

  /** Gradecoin's text for each refusal of the ledger's transaction rules. */
  private String transactionText(GradecoinLedger.Refused refused, Transaction tx) {
    return switch (refused.code()) {
      case "UNKNOWN_ACCOUNT" -> GradecoinTexts.TX_SOURCE_UNKNOWN;
      case "BOT_SOURCE" -> GradecoinTexts.TX_FROM_BOT;
      case "GAS_UNAFFORDABLE" -> GradecoinTexts.TX_GAS_FEE;
      case "UNKNOWN_TARGET" -> GradecoinTexts.txTargetUnknown(tx.target());
      case "PENDING_PAIR" -> GradecoinTexts.TX_PENDING_TWICE;
      case "SELF_TRANSFER" -> GradecoinTexts.TX_TO_SELF;
      case "AMOUNT_OUT_OF_BOUNDS" ->
          GradecoinTexts.txAmountBounds(config.txLowerLimit(), config.txUpperLimit());
      case "INSUFFICIENT_FUNDS" -> GradecoinTexts.TX_BALANCE;
      case "ID_REUSED" -> REPLAYED;
      default -> refused.message();
    };
  }

  // ---- blocks ----------------------------------------------------------------------------------

  /** {@code POST /block}: the checks of Gradecoin's propose_block, in its order. */
  public Future<Reply> proposeBlock(String authorization, ProposedBlock block) {
    String token = GradecoinJwt.stripBearer(authorization);
    int minimum = config.blockTransactionCount();
    if (block.txIds().size() < minimum) {
      return done(Reply.error(GradecoinTexts.blockTooFew(minimum)));
    }
    return ledger
        .pending(block.txIds())
        .compose(
            pool -> {
              Map<String, GradecoinLedger.PoolEntry> pending = new HashMap<>();
              for (GradecoinLedger.PoolEntry entry : pool) {
                pending.put(entry.txId(), entry);
              }
              GradecoinLedger.PoolEntry first = pending.get(block.txIds().get(0));
              if (first == null) {
                return done(Reply.error(GradecoinTexts.BLOCK_FIRST_UNKNOWN));
              }
              return ledger
                  .account(first.source())
                  .compose(
                      proposer -> {
                        if (proposer.isEmpty()) {
                          return done(Reply.error(GradecoinTexts.BLOCK_PROPOSER_UNKNOWN));
                        }
                        return verify(token, proposer.get().publicKey())
                            .compose(claims -> checkBlock(claims, block, pending.keySet()));
                      });
            },
            failure -> done(busy(failure)));
  }

  private Future<Reply> checkBlock(Object claims, ProposedBlock block, Set<String> pending) {
    if (claims instanceof Busy) {
      return done(Reply.unavailable("The server is busy: try again"));
    }
    if (claims instanceof Refusal refusal) {
      return done(Reply.error(refusal.message()));
    }
    GradecoinJwt.Claims valid = (GradecoinJwt.Claims) claims;
    if (!block.hash().equals(valid.tha())) {
      return done(Reply.error(GradecoinTexts.BLOCK_HASH_MISMATCH_JWT));
    }
    if (new HashSet<>(block.txIds()).size() != block.txIds().size()) {
      return done(Reply.error(GradecoinTexts.BLOCK_DUPLICATES));
    }
    if (!pending.containsAll(block.txIds())) {
      return done(Reply.error(GradecoinTexts.BLOCK_UNKNOWN_TX));
    }
    String actual = GradecoinHashes.blockHash(block.txIds(), block.nonce(), block.timestamp());
    if (!actual.equals(block.hash())) {
      return done(Reply.error(GradecoinTexts.BLOCK_HASH_WRONG));
    }
    if (!GradecoinHashes.startsWithZeros(block.hash(), config.hashZeros())) {
      return done(Reply.error(GradecoinTexts.blockZeros(config.hashZeros())));
    }
    return ledger
        .proposeBlock(
            id("block", block.hash()),
            block.txIds(),
            block.nonce(),
            block.timestamp(),
            block.hash())
        .map(
            written -> {
              if (written instanceof GradecoinLedger.Applied applied) {
                // A racing proposal of the same block finds its transactions gone, as a later one
                // would: exactly one proposal is accepted.
                return applied.replay()
                    ? Reply.error(GradecoinTexts.BLOCK_FIRST_UNKNOWN)
                    : Reply.ok(GradecoinTexts.BLOCK_ACCEPTED);
              }
              if (written instanceof GradecoinLedger.Refused refused) {
                return Reply.error(blockText(refused));
              }
              return failedWrite(written);
            });
  }

  private String blockText(GradecoinLedger.Refused refused) {
    return switch (refused.code()) {
      case "BLOCK_TOO_SMALL" -> GradecoinTexts.blockTooFew(config.blockTransactionCount());
      case "FIRST_NOT_PENDING", "ID_REUSED" -> GradecoinTexts.BLOCK_FIRST_UNKNOWN;
      case "DUPLICATE_TRANSACTION" -> GradecoinTexts.BLOCK_DUPLICATES;
      case "UNKNOWN_TRANSACTION" -> GradecoinTexts.BLOCK_UNKNOWN_TX;
      default -> refused.message();
    };
  }

  // ---- shared ----------------------------------------------------------------------------------

  /** A JWT refused: Gradecoin's text. */
  private record Refusal(String message) {}

  /** No worker could check the token now: answered 503, the request may be sent again. */
  private record Busy() {}

  /**
   * On a signature worker: the token's claims, or a {@link Refusal} with Gradecoin's text (also for
   * a token that would stay valid too long).
   */
  private Future<Object> verify(String token, byte[] publicKey) {
    return workers
        .run(
            executor,
            () -> {
              PublicKey key;
              try {
                key =
                    KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKey));
              } catch (GeneralSecurityException | RuntimeException unusable) {
                return (Object) new Refusal(GradecoinTexts.JWT_INVALID_RSA_KEY);
              }
              long now = clock.instant().getEpochSecond();
              try {
                GradecoinJwt.Claims claims = GradecoinJwt.verify(token, key, now);
                if (claims.exp() - now > limits.maxTokenLifetimeSeconds()) {
                  return new Refusal(
                      "This token is valid for too long: its exp may be at most "
                          + limits.maxTokenLifetimeSeconds()
                          + " seconds ahead");
                }
                return claims;
              } catch (GradecoinJwt.Refused refused) {
                return new Refusal(refused.getMessage());
              }
            })
        .recover(busy -> Future.succeededFuture(new Busy()));
  }

  private static Reply failedWrite(GradecoinLedger.Written written) {
    if (written instanceof GradecoinLedger.Unknown unknown) {
      return Reply.unavailable(
          "The outcome is unknown (id " + unknown.id() + "): read GET /transaction or GET /block");
    }
    if (written instanceof GradecoinLedger.Unavailable unavailable) {
      return Reply.unavailable(unavailable.reason());
    }
    return Reply.error(String.valueOf(written));
  }

  private static Reply busy(Throwable cause) {
    return cause instanceof WorkerPool.Busy
        ? Reply.unavailable("The server is busy: try again")
        : Reply.unavailable("The network's ledger is unavailable: try again");
  }

  private static Future<Reply> done(Reply reply) {
    return Future.succeededFuture(reply);
  }

  private TransferId id(String kind, String value) {
    return ledgerId(network, kind, value);
  }

  /**
   * The ledger id of what a network keeps once: the first 16 bytes of SHA-256 over the network's
   * name, a kind ("register": a student id; "token": a signed request; "block": a block's hash;
   * "bot": a bot's name) and the value.
   */
  public static TransferId ledgerId(String network, String kind, String value) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(("gradecoin\0" + network + "\0" + kind + "\0").getBytes(StandardCharsets.UTF_8));
      ByteBuffer digest = ByteBuffer.wrap(sha.digest(value.getBytes(StandardCharsets.UTF_8)));
      return new TransferId(digest.getLong(), digest.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String text(JsonObject fields, String name) {
    return fields != null && fields.getValue(name) instanceof String s ? s : null;
  }

  /** The vertx this core runs on (the listener shares it). */
  Vertx vertx() {
    return vertx;
  }
}
