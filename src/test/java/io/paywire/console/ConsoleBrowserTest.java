package io.paywire.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerApi;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.testing.Browser;
import io.paywire.testing.BusDelay;
import io.paywire.testing.ChildJvm;
import io.paywire.testing.OpenSsl;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The browser console in a real headless Chromium against a real node: registration with keys made
 * by WebCrypto, login through the API's challenge, live presence and payments between two browsers
 * and with the text protocol, a key made by openssl imported into the browser, refusals shown in
 * words. Screenshots of each screen, wide and narrow, go to target/screenshots/.
 */
class ConsoleBrowserTest {

  /** Short, so that a closed console's user leaves LIST within the test's patience. */
  private static final int GRACE_SECONDS = 2;

  @TempDir static Path dir;
  private static TestNode node;
  private static String url;
  private static Path certificate;

  @BeforeAll
  static void start() throws Exception {
    node =
        TestNode.startWith(
            dir,
            new JsonObject().put("http", new JsonObject().put("liveGraceSeconds", GRACE_SECONDS)));
    url = "https://127.0.0.1:" + node.port("http") + "/";
    certificate = node.node().identity().certificate();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static Browser browser(String name) throws Exception {
    return Browser.open(Files.createDirectories(dir.resolve("browser-" + name)), certificate);
  }

  /**
   * Registers {@code name} in the browser with a key made there, which logs it in; answers the
   * backup, if kept.
   */
  private static void register(Browser b, String name, long deposit, boolean backup) {
    b.type("register-name", name);
    b.type("register-deposit", Long.toString(deposit));
    b.click("register-submit");
    b.until("the backup offer", () -> b.visible("backup"));
    loggedInByRegistering(b, name, deposit);
    b.click(backup ? "backup-download" : "backup-skip");
    b.until("the backup offer is gone", () -> !b.visible("backup"));
  }

  /** Registering logged the account in: no click on Log in. */
  private static void loggedInByRegistering(Browser b, String name, long deposit) {
    b.untilText(
        "status", "Registered " + name + " with a balance of " + deposit + ", and logged in.");
    b.untilText("live-state", "Live");
    b.untilText("who-name", name);
    assertThat(b.visible("signed-out")).isFalse();
  }

  /** Every per-transfer request the page made: the history must not need any. */
  private static List<String> transferRequests(Browser b) {
    List<?> names =
        (List<?>)
            b.driver()
                .executeScript(
                    "return performance" + ".getEntriesByType('resource').map((e) => e.name)");
    return names.stream()
        .map(String::valueOf)
        .filter(n -> n.matches(".*/transfers/[0-9a-f]{32}.*"))
        .toList();
  }

  private static void login(Browser b, String name) {
    b.type("login-name", name);
    b.click("login-submit");
    b.untilText("live-state", "Live");
    b.untilText("who-name", name);
  }

  private static void pay(Browser b, String to, long amount) {
    b.type("pay-to", to);
    b.type("pay-amount", Long.toString(amount));
    b.click("pay-submit");
  }

  private static List<String> historyRows(Browser b) {
    return b.driver().findElements(By.cssSelector("#history-rows tr")).stream()
        .map(row -> row.getText().replace('\n', ' '))
        .toList();
  }

  @Test
  void twoBrowserUsersRegisterSeeEachOtherPayAndBothUpdateWithoutAReload() throws Exception {
    try (Browser alice = browser("alice");
        Browser bob = browser("bob")) {
      alice.open(url);
      alice.screenshots("01-signed-out");
      alice.type("register-name", "alice");
      alice.type("register-deposit", "500");
      alice.click("register-submit");
      alice.until("the backup offer", () -> alice.visible("backup"));
      loggedInByRegistering(alice, "alice", 500);
      alice.screenshots("02-backup");
      alice.click("backup-download");
      Path backup = alice.downloads().resolve("alice.key");
      Awaitility.await().atMost(Browser.TIMEOUT).until(() -> Files.exists(backup));
      // The backup is a PKCS#8 PEM that openssl reads, and its public key is the account's.
      OpenSsl.run(alice.downloads(), "pkey", "-in", "alice.key", "-pubout", "-out", "alice.pub");
      String address =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(
                          Pem.readPublicKey(alice.downloads().resolve("alice.pub")).getEncoded()));
      assertThat(alice.text("address")).isEqualTo(address);
      assertThat(alice.text("balance")).isEqualTo("500");

      bob.open(url);
      register(bob, "bob", 300, false);

      // Each sees the other come online, live.
      alice.untilText("online", "bob");
      bob.untilText("online", "alice");
      alice.screenshots("03-signed-in");

      pay(alice, "bob", 120);
      alice.untilText("status", "Paid 120 to bob");
      alice.untilText("balance", "380");
      bob.untilText("balance", "420");
      bob.untilText("status", "Received 120 from alice");
      // Both histories: the transfer with its id and its block, in and out.
      bob.until(
          "bob's history shows the payment with its block",
          () ->
              historyRows(bob).stream()
                  .anyMatch(
                      r ->
                          r.contains("from alice")
                              && r.contains("+120")
                              && r.matches(".*[0-9a-f]{32} \\d+$")));
      alice.until(
          "alice's history shows it too",
          () ->
              historyRows(alice).stream()
                  .anyMatch(
                      r ->
                          r.contains("to bob")
                              && r.contains("−120")
                              && r.matches(".*[0-9a-f]{32} \\d+$")));
      // The blocks came with the history page: no request per row.
      assertThat(transferRequests(alice)).isEmpty();
      assertThat(transferRequests(bob)).isEmpty();
      alice.screenshots("04-paid");
      bob.screenshots("05-received");

      // Logging out takes the account offline for everyone, live.
      bob.click("logout");
      alice.until("bob leaves alice's online list", () -> !alice.text("online").contains("bob"));
      bob.until("bob is signed out", () -> bob.visible("signed-out"));
    }
  }

  @Test
  void aTextUserPaysABrowserUserLiveAndListShowsTheBrowserUserWithPortZeroWhileConnected()
      throws Exception {
    KeyPair keys = KeyType.EC.generate();
    try (Browser carol = browser("carol");
        TlsLineClient text =
            TlsLineClient.connect(
                node.tlsPort(),
                node.fingerprint(),
                keys,
                Certificates.selfSigned(keys, "texter", Duration.ofDays(1)))) {
      carol.open(url);
      register(carol, "carol", 100, false);

      assertThat(text.ask("REGISTER#texter#900")).isEqualTo("100 OK");
      List<String> list = text.askList("texter#0");
      assertThat(list).contains("carol#127.0.0.1#0");
      carol.untilText("online", "texter");

      assertThat(text.ask("PAY#carol#250#" + "ab".repeat(16))).startsWith("TRANS OK");
      carol.untilText("balance", "350");
      carol.untilText("status", "Received 250 from texter");
      carol.until(
          "the history shows the text user's payment",
          () ->
              historyRows(carol).stream()
                  .anyMatch(
                      r ->
                          r.contains("from texter")
                              && r.contains("+250")
                              && r.contains("ab".repeat(16))));

      // The console closes: carol stays online for the grace period only, then leaves LIST.
      carol.close();
      Awaitility.await()
          .atMost(Duration.ofSeconds(GRACE_SECONDS + 20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !text.askList("LIST").contains("carol#127.0.0.1#0"));
    }
  }

  @Test
  void aKeyMadeByOpensslAndImportedLogsInToAnAccountRegisteredFromTheCli() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("cli"));
    OpenSsl.run(
        keys,
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "dora.key");
    OpenSsl.run(
        keys,
        "req",
        "-x509",
        "-new",
        "-key",
        "dora.key",
        "-subj",
        "/CN=dora",
        "-days",
        "1",
        "-out",
        "dora.crt");
    try (ChildJvm cli =
        ChildJvm.start(
            keys,
            "io.paywire.Paywire",
            "client",
            "--port",
            Integer.toString(node.tlsPort()),
            "--server-fingerprint",
            node.fingerprint(),
            "--key",
            "dora.key",
            "--cert",
            "dora.crt",
            "--exec",
            "REGISTER#dora#700")) {
      assertThat(cli.awaitExit(60_000)).as("stderr %s", cli.stderr()).isEqualTo(0);
      assertThat(cli.remainingStdout()).contains("100 OK");
    }
    try (Browser dora = browser("dora")) {
      dora.open(url);
      dora.driver().findElement(By.cssSelector("#import summary")).click();
      dora.type("import-name", "dora");
      dora.byId("import-file").sendKeys(keys.resolve("dora.key").toAbsolutePath().toString());
      dora.screenshots("06-import");
      dora.click("import-submit");
      dora.untilText("status", "Imported the EC P-256 key of dora");
      dora.untilText("keys", "dora");
      login(dora, "dora");
      assertThat(dora.text("balance")).isEqualTo("700");

      // A wrong kind of file is refused in words, and changes nothing.
      dora.click("logout");
      dora.driver().findElement(By.cssSelector("#import summary")).click();
      dora.type("import-name", "dora2");
      dora.byId("import-file").sendKeys(keys.resolve("dora.crt").toAbsolutePath().toString());
      dora.click("import-submit");
      dora.untilText("alert", "a certificate holds no private key");
      assertThat(dora.text("keys")).doesNotContain("dora2");
    }
  }

  @Test
  void refusedPaymentsAndLoginsShowWhyInWords() throws Exception {
    try (Browser erin = browser("erin")) {
      erin.open(url);
      // No key here for that name: the page says so before asking the server.
      erin.type("login-name", "nobody");
      erin.click("login-submit");
      erin.untilText("alert", "keeps no key for nobody");

      register(erin, "erin", 50, false);
      pay(erin, "erin-friend", 10);
      erin.untilText("alert", "There is no account named “erin-friend”");
      assertThat(erin.alertText()).contains("UNKNOWN_ACCOUNT");

      pay(erin, "carol-does-not-matter", 0);
      erin.untilText("alert", "whole number of minor units above zero");

      try (Browser frank = browser("frank")) {
        frank.open(url);
        register(frank, "frank", 10, false);
      }
      pay(erin, "frank", 51);
      erin.untilText("alert", "Not enough funds");
      assertThat(erin.alertText()).contains("INSUFFICIENT_FUNDS");
      erin.screenshots("07-refused");
      assertThat(erin.text("balance")).isEqualTo("50");
    }
  }

  @Test
  void anUnknownOutcomeSaysSoAndIsSettledByARetryWithTheSameIdOrByTheLedgersAnnouncement()
      throws Exception {
    Path own = Files.createDirectories(dir.resolve("unknown-node"));
    try (TestNode slow =
            TestNode.startWith(
                own,
                new JsonObject()
                    .put("ledger", new JsonObject().put("requestTimeoutMillis", 2_000)));
        Browser gina =
            Browser.open(
                Files.createDirectories(own.resolve("browser")),
                slow.node().identity().certificate())) {
      String slowUrl = "https://127.0.0.1:" + slow.port("http") + "/";
      gina.open(slowUrl);
      register(gina, "hank", 1, false);
      gina.click("logout");
      gina.until("hank is signed out", () -> gina.visible("signed-out"));
      register(gina, "gina", 400, false);

      // A payment the ledger never received: unknown, and its retry with the same id pays.
      BusDelay.dropFirst(slow.node().vertx(), LedgerApi.TRANSFER);
      String lost = gina.text("pay-id");
      pay(gina, "hank", 100);
      gina.untilText("alert", "We do not know whether payment " + lost + " went through");
      assertThat(gina.visible("pay-retry")).isTrue();
      gina.screenshots("08-unknown-outcome");
      assertThat(gina.text("balance")).isEqualTo("400");
      gina.click("pay-retry");
      gina.untilText("status", "Paid 100 to hank. Transfer " + lost);
      gina.untilText("balance", "300");

      // A payment the ledger applied after the node stopped waiting: unknown at first, then
      // the ledger's announcement settles it, without a retry.
      BusDelay.first(slow.node().vertx(), LedgerApi.TRANSFER, 3_000);
      String late = gina.text("pay-id");
      pay(gina, "hank", 50);
      gina.untilText("alert", "We do not know whether payment " + late + " went through");
      gina.untilText("status", "Payment " + late + " went through after all");
      assertThat(gina.alertText()).isEmpty();
      gina.untilText("balance", "250");
      // Each payment is in the ledger once.
      gina.until(
          "both payments in the history once each",
          () -> {
            List<String> rows = historyRows(gina);
            return rows.stream().filter(r -> r.contains(lost)).count() == 1
                && rows.stream().filter(r -> r.contains(late)).count() == 1;
          });
    }
  }
}
