package io.paywire.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.cli.VerifyCommand;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A course network's listener over real TCP on 127.0.0.1, with the exact bytes of the TA server's
 * 2021/2024 dialect (docs/dialects.md), and the ledger rules Paywire keeps where it has none. One
 * node, one network per test, so each test's list shows its own users only.
 */
class CourseNetworkTest {

  private static final long PROCESS_TIMEOUT_SECONDS = 60;

  @TempDir static Path work;

  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.startWith(work, networks("scenario", "moves", "edges", "students"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  /** Course networks of dialect 2021 on free ports, with the TA's opening balance. */
  static JsonObject networks(String... names) {
    JsonObject networks = new JsonObject();
    for (String name : names) {
      networks.put(name, course("2021"));
    }
    return new JsonObject().put("networks", networks);
  }

  /** A course network of {@code dialect} on a free port, with the TA's opening balance. */
  static JsonObject course(String dialect) {
    return new JsonObject()
        .put("kind", "course")
        .put("port", 0)
        .put("dialect", dialect)
        .put("openingBalance", 10_000);
  }

  static int port(TestNode node, String network) {
    return node.port("network:" + network);
  }

  @Test
  void servesTheTaServersScenarioByteForByte() throws Exception {
    int port = port(node, "scenario");
    try (CourseClient alice = new CourseClient(port);
        CourseClient bob = new CourseClient(port)) {
      assertThat(alice.ask("REGISTER#alice", "100 OK\n")).isEqualTo("100 OK\n");
      assertThat(alice.ask("REGISTER#alice", "210 FAIL\n")).isEqualTo("210 FAIL\n");
      assertThat(bob.ask("REGISTER#bob", "100 OK\n")).isEqualTo("100 OK\n");
      assertThat(bob.ask("ghost#5000", "220 AUTH_FAIL\n")).isEqualTo("220 AUTH_FAIL\n");
      assertThat(bob.ask("List", "Please login first\n")).isEqualTo("Please login first\n");

      String aliceAlone = "10000\npublic key\n1\nalice#127.0.0.1#5001\n";
      assertThat(alice.ask("alice#5001", aliceAlone)).isEqualTo(aliceAlone);
      String both = "public key\n2\nalice#127.0.0.1#5001\nbob#127.0.0.1#5002\n";
      assertThat(bob.ask("bob#5002", "10000\n" + both)).isEqualTo("10000\n" + both);
      // With the terminating NUL, as some clients send it; a newline is not the dialect's.
      assertThat(alice.ask("List\0", "10000\n" + both)).isEqualTo("10000\n" + both);
      assertThat(alice.ask("List\n", "230 Input format error\n"))
          .isEqualTo("230 Input format error\n");

      // The payee forwards the payment in a 1,000-byte NUL-padded buffer; the payer hears.
      bob.send(CourseClient.padded("alice#100#bob"));
      assertThat(alice.read("Transfer OK!\n")).isEqualTo("Transfer OK!\n");
      assertThat(bob.ask("List", "10100\n" + both)).isEqualTo("10100\n" + both);
      assertThat(alice.ask("List", "9900\n" + both)).isEqualTo("9900\n" + both);

      // Only the payee may forward it.
      assertThat(alice.ask("alice#5#bob", "Transfer Fail!\n")).isEqualTo("Transfer Fail!\n");

      // An overdraft: refused, and both the sender and the payer are told.
      assertThat(bob.ask("alice#9901#bob", "Transfer Fail!\n")).isEqualTo("Transfer Fail!\n");
      assertThat(alice.read("Transfer Fail!\n")).isEqualTo("Transfer Fail!\n");
      // Not a positive whole number: refused alike.
      assertThat(bob.ask("alice#12.5#bob\0", "Transfer Fail!\n")).isEqualTo("Transfer Fail!\n");
      assertThat(alice.read("Transfer Fail!\n")).isEqualTo("Transfer Fail!\n");

      // The forward and a List written back to back, read as one chunk: two commands.
      bob.send("alice#1#bobList");
      assertThat(alice.read("Transfer OK!\n")).isEqualTo("Transfer OK!\n");
      assertThat(bob.read("10101\n" + both)).isEqualTo("10101\n" + both);

      // Exit: closed without a reply, and offline.
      alice.send("Exit");
      assertThat(alice.closedByServer()).isTrue();
      String bobAlone = "10101\npublic key\n1\nbob#127.0.0.1#5002\n";
      assertThat(bob.ask("List", bobAlone)).isEqualTo(bobAlone);
      // A payer offline: refused, nothing credited from nothing.
      assertThat(bob.ask("alice#1#bob", "Transfer Fail!\n")).isEqualTo("Transfer Fail!\n");
      assertThat(bob.ask("List", bobAlone)).isEqualTo(bobAlone);
    }
    assertUnknownToTheMainLedger(node, "alice");
  }

  /** The main ledger never heard of {@code name}. */
  static void assertUnknownToTheMainLedger(TestNode node, String name) throws Exception {
    LedgerClient main = new LedgerClient(node.node().vertx().eventBus(), 10_000);
    LedgerReply<?> account =
        main.account(name).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(account).isInstanceOf(LedgerReply.Rejected.class);
  }

  @Test
  void aLoginByNameMovesTheNameAndALoginAgainChangesThePort() throws Exception {
    int port = port(node, "moves");
    try (CourseClient first = new CourseClient(port);
        CourseClient second = new CourseClient(port)) {
      assertThat(first.ask("REGISTER#carol", "100 OK\n")).isEqualTo("100 OK\n");
      String at6000 = "10000\npublic key\n1\ncarol#127.0.0.1#6000\n";
      assertThat(first.ask("carol#6000", at6000)).isEqualTo(at6000);
      String at6001 = "10000\npublic key\n1\ncarol#127.0.0.1#6001\n";
      assertThat(second.ask("carol#6001", at6001)).isEqualTo(at6001);
      assertThat(first.ask("List", "Please login first\n")).isEqualTo("Please login first\n");
      String at6002 = "10000\npublic key\n1\ncarol#127.0.0.1#6002\n";
      assertThat(second.ask("carol#6002", at6002)).isEqualTo(at6002);
    }
  }

  @Test
  void aStudentsCClientWorksAsIs(@TempDir Path build) throws Exception {
    assertThat(buildAndRun(build, "student_client", port(node, "students")))
        .isEqualTo("exit=0 OK\n");
  }

  /**
   * Builds the C client {@code <name>.c} (a test resource of this package) with gcc in {@code
   * build} and runs it against {@code port}: "exit=<status> <output>".
   */
  static String buildAndRun(Path build, String name, int port) throws Exception {
    Path source = build.resolve(name + ".c");
    try (InputStream in = CourseNetworkTest.class.getResourceAsStream(name + ".c")) {
      Files.copy(in, source);
    }
    Path binary = build.resolve(name);
    assertThat(run(build, "gcc", "-O0", "-o", binary.toString(), source.toString()))
        .startsWith("exit=0");
    return run(build, binary.toString(), Integer.toString(port));
  }

  /** Runs a process to its end (bounded in time): "exit=<status> <output>". */
  private static String run(Path directory, String... command) throws Exception {
    Path output = Files.createTempFile(directory, "output", ".txt");
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
      return "exit=" + process.exitValue() + " " + Files.readString(output);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aRestartKeepsBalancesAndVerifyChecksTheNetworksJournal(@TempDir Path own) throws Exception {
    String both = "public key\n2\nhana#127.0.0.1#8001\nivan#127.0.0.1#8002\n";
    TestNode first = TestNode.startWith(own, networks("sandbox"));
    try (CourseClient hana = new CourseClient(port(first, "sandbox"));
        CourseClient ivan = new CourseClient(port(first, "sandbox"))) {
      assertThat(hana.ask("REGISTER#hana", "100 OK\n")).isEqualTo("100 OK\n");
      assertThat(ivan.ask("REGISTER#ivan", "100 OK\n")).isEqualTo("100 OK\n");
      hana.ask("hana#8001", "10000\npublic key\n1\nhana#127.0.0.1#8001\n");
      assertThat(ivan.ask("ivan#8002", "10000\n" + both)).isEqualTo("10000\n" + both);
      ivan.send("hana#42#ivan");
      assertThat(hana.read("Transfer OK!\n")).isEqualTo("Transfer OK!\n");
    } finally {
      first.close();
    }
    TestNode second = TestNode.startWith(own, networks("sandbox"));
    try (CourseClient hana = new CourseClient(port(second, "sandbox"));
        CourseClient ivan = new CourseClient(port(second, "sandbox"))) {
      hana.ask("hana#8001", "9958\npublic key\n1\nhana#127.0.0.1#8001\n");
      assertThat(ivan.ask("ivan#8002", "10042\n" + both)).isEqualTo("10042\n" + both);
    } finally {
      second.close();
    }
    StringWriter out = new StringWriter();
    int verified =
        new CommandLine(new VerifyCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(out, true))
            .execute("--data-dir", own.resolve("data").toString());
    assertThat(verified).as(out.toString()).isZero();
    assertThat(out.toString()).contains("networks/sandbox").contains("2 of 2 ledgers OK");
  }

  @Test
  void nulPaddingInAReadOfItsOwnIsNoCommand() throws Exception {
    int port = port(node, "edges");
    try (CourseClient dave = new CourseClient(port)) {
      assertThat(dave.ask("REGISTER#dave\0\0\0", "100 OK\n")).isEqualTo("100 OK\n");
      dave.send(new byte[500]); // the rest of a padded command: no reply
      assertThat(dave.ask("REGISTER#dave", "210 FAIL\n")).isEqualTo("210 FAIL\n");
      // Names by the session core's rules: the TA would register these.
      assertThat(dave.ask("REGISTER#", "210 FAIL\n")).isEqualTo("210 FAIL\n");
      assertThat(dave.ask("REGISTER#a#b", "210 FAIL\n")).isEqualTo("210 FAIL\n");
      // A name that holds another, or is part of one: a client's strstr() would find the wrong
      // row of the list. The TA would register both.
      assertThat(dave.ask("REGISTER#davey", "210 FAIL\n")).isEqualTo("210 FAIL\n");
      assertThat(dave.ask("REGISTER#Av", "210 FAIL\n")).isEqualTo("210 FAIL\n");
      assertThat(dave.ask("REGISTER#erin", "100 OK\n")).isEqualTo("100 OK\n");
      assertThat(dave.ask("hello", "230 Input format error\n"))
          .isEqualTo("230 Input format error\n");
      byte[] tooLong = "x".repeat(9_000).getBytes(StandardCharsets.US_ASCII);
      dave.send(tooLong);
      assertThat(dave.read("230 Input format error\n")).isEqualTo("230 Input format error\n");
    }
  }
}
