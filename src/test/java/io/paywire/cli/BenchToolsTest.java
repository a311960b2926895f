package io.paywire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerStatus;
import io.paywire.bus.LedgerViews;
import io.paywire.config.PaywireConfig;
import io.paywire.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The benchmark tools over real TLS sockets, in short runs: bench-client pipelining against
 * bench-server and against a real node, and how it reads the node's payment replies.
 */
class BenchToolsTest {

  private static final String ID = "0123456789abcdef0123456789abcdef";

  @TempDir Path directory;

  @Test
  void countsEveryPaymentReplyOfTheNodeByKindAndId() {
    assertThat(BenchClientCommand.classify("TRANS OK " + ID + " 999"))
        .isEqualTo(
            new BenchClientCommand.Answer(BenchClientCommand.Answer.Kind.OK, ID, "TRANS OK"));
    assertThat(BenchClientCommand.classify("TRANS OK " + ID).id()).isEqualTo(ID);
    assertThat(
            BenchClientCommand.classify(
                "TRANS FAIL INSUFFICIENT_FUNDS " + ID + ": balance 0 is less than 1"))
        .isEqualTo(
            new BenchClientCommand.Answer(
                BenchClientCommand.Answer.Kind.FAIL, ID, "TRANS FAIL INSUFFICIENT_FUNDS"));
    assertThat(BenchClientCommand.classify("TRANS FAIL UNKNOWN " + ID + ": retry with the same id"))
        .isEqualTo(
            new BenchClientCommand.Answer(
                BenchClientCommand.Answer.Kind.UNKNOWN, ID, "TRANS FAIL UNKNOWN"));
    assertThat(BenchClientCommand.classify("230 INVALID usage: PAY#<payee>#<amount>[#<id>]"))
        .isEqualTo(
            new BenchClientCommand.Answer(
                BenchClientCommand.Answer.Kind.OTHER, null, "230 INVALID usage"));

    byte[] pay = ("PAY#bob#1#" + ID).getBytes(StandardCharsets.US_ASCII);
    byte[] trans = ("TRANS#alice#1#bob#" + ID + "#c2ln#c2ln").getBytes(StandardCharsets.US_ASCII);
    assertThat(BenchClientCommand.namesId(pay, ID)).isTrue();
    assertThat(BenchClientCommand.namesId(trans, ID.toUpperCase(Locale.ROOT))).isTrue();
    assertThat(BenchClientCommand.namesId(pay, ID.substring(1) + "0")).isFalse();
    assertThat(BenchClientCommand.namesId(trans, "alice")).isFalse();
  }

  @Test
  void pipelinedSessionsAgainstTheBenchServerGetEveryPaymentAcknowledged() throws Exception {
    PaywireConfig config =
        PaywireConfig.fromJson(
            new JsonObject()
                .put(
                    "tls",
                    new JsonObject().put("certsDirectory", directory.resolve("certs").toString())));
    try (BenchServerCommand.Running server =
        BenchServerCommand.start(config, "127.0.0.1", 0, 2)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)) {
      BenchClientCommand.LoadResult result =
          client(
                  "--port",
                  Integer.toString(server.port()),
                  "--server-fingerprint",
                  server.fingerprint(),
                  "--sessions",
                  "4",
                  "--window",
                  "16",
                  "--seconds",
                  "2",
                  "--payments",
                  "400000",
                  "--status-url",
                  "none")
              .runLoad();

      assertThat(result.ok()).isPositive();
      assertThat(result.peakInFlight()).as("commands in flight on one session").isEqualTo(16);
      assertThat(result.failed()).as("failures %s", result.failures()).isZero();
      assertThat(result.unknown()).isZero();
      assertThat(result.unanswered()).isZero();
      assertThat(result.transfersPerFsync()).isNull();
    }
  }

  @Test
  void benchApiSendsSignedTransactionsThatTheNodeAppliesEach() throws Exception {
    try (TestNode node = TestNode.start(directory)) {
      LedgerClient ledger = new LedgerClient(node.node().vertx().eventBus(), 5_000);
      long before = transfers(ledger);
      for (String keyType : List.of("ec", "rsa")) {
        int exit =
            new CommandLine(new BenchApiCommand())
                .execute(
                    "--port",
                    Integer.toString(node.port("http")),
                    "--ca",
                    directory.resolve("certs").resolve("ca.crt").toString(),
                    "--key-type",
                    keyType,
                    "--accounts",
                    "3",
                    "--connections",
                    "4",
                    "--payments",
                    "60",
                    "--seconds",
                    "60");
        assertThat(exit).as(keyType).isZero();
      }
      // Two runs: three registrations (deposits) and 60 payments each.
      assertThat(transfers(ledger) - before).isEqualTo(2 * (3 + 60));
    }
  }

  private static long transfers(LedgerClient ledger) throws Exception {
    LedgerReply<LedgerStatus> status =
        ledger.status().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return ((LedgerReply.Ok<LedgerStatus>) status).value().transfers();
  }

  @Test
  void pipelinedPaymentsThroughARealNodeAreAllAppliedOnceAndKeepTheSum() throws Exception {
    JsonObject text =
        new JsonObject().put("maxCommandsPerSecond", 1_000_000).put("commandBurst", 100_000);
    try (TestNode node = TestNode.start(directory, text)) {
      BenchClientCommand.LoadResult result =
          client(
                  "--port",
                  Integer.toString(node.tlsPort()),
                  "--server-fingerprint",
                  node.fingerprint(),
                  "--sessions",
                  "4",
                  "--window",
                  "8",
                  "--seconds",
                  "2",
                  "--payments",
                  "100000",
                  "--status-url",
                  "http://127.0.0.1:" + node.port("management") + "/health")
              .runLoad();

      assertThat(result.ok()).isPositive();
      assertThat(result.peakInFlight()).isEqualTo(8);
      assertThat(result.ok()).as("failures %s", result.failures()).isEqualTo(result.sent());
      assertThat(result.failed()).isZero();
      assertThat(result.unknown()).isZero();
      assertThat(result.after().transfers() - result.before().transfers())
          .as("transfers applied by the ledger during the run")
          .isEqualTo(result.ok());
      assertThat(result.transfersPerFsync()).isNotNull().isGreaterThanOrEqualTo(1.0);

      LedgerClient ledger = new LedgerClient(node.node().vertx().eventBus(), 5_000);
      List<Future<LedgerReply<LedgerViews.Account>>> lookups = new ArrayList<>();
      result.accounts().forEach(name -> lookups.add(ledger.account(name)));
      Future.all(lookups).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      long sum = 0;
      long transfers = 0;
      for (Future<LedgerReply<LedgerViews.Account>> lookup : lookups) {
        LedgerViews.Account account =
            ((LedgerReply.Ok<LedgerViews.Account>) lookup.result()).value();
        sum = Math.addExact(sum, account.balance());
        transfers += account.transferCount();
      }
      assertThat(sum).isEqualTo(BenchClientCommand.DEPOSIT * result.accounts().size());
      // Every payment touches two bench accounts; the deposit is one more each.
      assertThat(transfers).isEqualTo(2 * result.ok() + result.accounts().size());
    }
  }

  private static BenchClientCommand client(String... args) {
    BenchClientCommand command = new BenchClientCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
