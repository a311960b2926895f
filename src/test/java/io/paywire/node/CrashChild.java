package io.paywire.node;

import io.paywire.bus.LedgerApi;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.RejectCode;
import io.paywire.ledger.TransferId;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A ledger node under constant transfer load, started and SIGKILLed by {@link CrashRecoveryTest}.
 *
 * <p>Usage: {@code CrashChild DATA_DIR}. Opens {@link #ACCOUNTS} accounts (already open after a
 * restart is fine), prints {@code READY}, then keeps {@link #IN_FLIGHT} transfers in flight until
 * it is killed. Every transfer the ledger accepts is printed as {@code ACK <id> <payer> <payee>
 * <amount>}, one line each, flushed as it is written: a reply leaves the ledger only after its
 * batch is fsynced, so every printed line is a promise that the transfer survives the kill.
 */
public final class CrashChild {

  static final int ACCOUNTS = 10;
  static final int IN_FLIGHT = 200;
  static final long DEPOSIT_MINOR = 1_000_000_000L;
  static final int MAX_AMOUNT_MINOR = 1_000;
  static final int MAX_PENDING_REQUESTS = 10_000;

  /** Snapshots every 2,000 transfers, so kills also land during and between snapshot writes. */
  static final LedgerOptions OPTIONS =
      new LedgerOptions(LedgerRules.DEFAULTS, 8192, 4 << 20, 64L << 20, 2000, 2);

  private final Vertx vertx;
  private final Context context;
  private final PrintStream out;
  private final Random random = new Random(new SecureRandom().nextLong());

  private CrashChild(Vertx vertx, PrintStream out) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.out = out;
  }

  static String accountName(int index) {
    return "crash-" + index;
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: CrashChild DATA_DIR");
      System.exit(2);
    }
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n");
    exitWhenParentCloses();
    // Autoflush on println: one write per acknowledgement, so the parent sees it before the kill.
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            true,
            StandardCharsets.UTF_8);
    Vertx vertx = Vertx.vertx();
    LedgerVerticle ledger =
        new LedgerVerticle(
            new LedgerVerticle.Settings(
                Path.of(args[0]), OPTIONS, DEPOSIT_MINOR, MAX_PENDING_REQUESTS),
            Clock.systemUTC());
    CrashChild child = new CrashChild(vertx, out);
    child.context.runOnContext(
        v ->
            vertx
                .deployVerticle(ledger)
                .compose(id -> child.openAccounts())
                .onSuccess(x -> child.load())
                .onFailure(
                    e -> {
                      e.printStackTrace();
                      System.exit(1);
                    }));
  }

  /**
   * The parent holds this process's stdin open until it is done with it; end of input means the
   * parent is gone (even killed itself), and a node left running would write transfers forever.
   */
  private static void exitWhenParentCloses() {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // Nothing is expected on stdin; only its end matters.
                }
              } catch (IOException e) {
                // Same meaning as end of input.
              }
              Runtime.getRuntime().halt(3);
            },
            "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  private Future<?> openAccounts() {
    List<Future<JsonObject>> opened = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      String name = accountName(i);
      opened.add(
          vertx
              .eventBus()
              .<JsonObject>request(
                  LedgerApi.OPEN_ACCOUNT,
                  new JsonObject().put("name", name).put("deposit", DEPOSIT_MINOR))
              .map(Message::body)
              .map(
                  body -> {
                    // After a restart the accounts are there already.
                    if (!body.getBoolean("ok")
                        && !RejectCode.NAME_TAKEN.name().equals(body.getString("code"))) {
                      throw new IllegalStateException("cannot open " + name + ": " + body.encode());
                    }
                    return body;
                  }));
    }
    return Future.all(opened);
  }

  private void load() {
    out.println("READY");
    for (int i = 0; i < IN_FLIGHT; i++) {
      sendTransfer();
    }
  }

  private void sendTransfer() {
    TransferId id = TransferId.random(random);
    int payer = random.nextInt(ACCOUNTS);
    int payee = (payer + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
    long amount = 1L + random.nextInt(MAX_AMOUNT_MINOR);
    JsonObject request =
        new JsonObject()
            .put("id", id.toString())
            .put("payer", accountName(payer))
            .put("payee", accountName(payee))
            .put("amount", amount);
    vertx
        .eventBus()
        .<JsonObject>request(LedgerApi.TRANSFER, request)
        .onComplete(
            reply -> {
              if (reply.succeeded() && reply.result().body().getBoolean("ok")) {
                out.println(
                    "ACK "
                        + id
                        + " "
                        + accountName(payer)
                        + " "
                        + accountName(payee)
                        + " "
                        + amount);
              }
              // Through the context, so a failure that completes at once cannot recurse.
              context.runOnContext(v -> sendTransfer());
            });
  }
}
