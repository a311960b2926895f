package io.paywire.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A course network of dialect 2020 (the 2018/2020 specifications: CRLF, {@code
 * REGISTER#<name>#<deposit>}, {@code Bye}, no key line) over real TCP on 127.0.0.1, with exact
 * bytes (docs/dialects.md). One node, one network per test.
 */
class Course2020NetworkTest {

  private static final String GREETING = "Welcome to the phase-1 sandbox";
  private static final int MAX_LINE_BYTES = 256;

  @TempDir static Path work;

  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    JsonObject networks =
        new JsonObject()
            .put("y2020", CourseNetworkTest.course("2020"))
            .put("edges2020", CourseNetworkTest.course("2020"))
            .put("greeted", CourseNetworkTest.course("2020").put("greeting", GREETING))
            .put("students2020", CourseNetworkTest.course("2020").put("greeting", GREETING));
    // A short line limit, so a line over it is over it in every read it arrives in.
    node =
        TestNode.startWith(
            work,
            new JsonObject()
                .put("networks", networks)
                .put("text", new JsonObject().put("maxLineBytes", MAX_LINE_BYTES)));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void servesThe2020SpecificationsWithCrlf() throws Exception {
    int port = CourseNetworkTest.port(node, "y2020");
    try (CourseClient alice = new CourseClient(port);
        CourseClient bob = new CourseClient(port)) {
      // The stated deposit is read but not minted: every account opens with openingBalance.
      assertThat(alice.ask("REGISTER#alice#50000\r\n", "100 OK\r\n")).isEqualTo("100 OK\r\n");
      assertThat(alice.ask("REGISTER#alice#100\r\n", "210 FAIL\r\n")).isEqualTo("210 FAIL\r\n");
      assertThat(bob.ask("REGISTER#bob#lots\r\n", "210 FAIL\r\n")).isEqualTo("210 FAIL\r\n");
      assertThat(bob.ask("REGISTER#bob#12.5\r\n", "210 FAIL\r\n")).isEqualTo("210 FAIL\r\n");
      assertThat(bob.ask("REGISTER#bob#100\r\n", "100 OK\r\n")).isEqualTo("100 OK\r\n");
      assertThat(bob.ask("ghost#5000\r\n", "220 AUTH_FAIL\r\n")).isEqualTo("220 AUTH_FAIL\r\n");
      assertThat(bob.ask("List\r\n", "Please login first\r\n")).isEqualTo("Please login first\r\n");

      String aliceAlone = "10000\r\n1\r\nalice#127.0.0.1#5001\r\n";
      assertThat(alice.ask("alice#5001\r\n", aliceAlone)).isEqualTo(aliceAlone);
      String both = "2\r\nalice#127.0.0.1#5001\r\nbob#127.0.0.1#5002\r\n";
      assertThat(bob.ask("bob#5002\r\n", "10000\r\n" + both)).isEqualTo("10000\r\n" + both);
      assertThat(alice.ask("List\r\n", "10000\r\n" + both)).isEqualTo("10000\r\n" + both);
      // Without CRLF, as clients that send one command per write do.
      assertThat(alice.ask("List", "10000\r\n" + both)).isEqualTo("10000\r\n" + both);
      // Two commands in one write: two replies.
      String twice = "10000\r\n" + both + "10000\r\n" + both;
      assertThat(alice.ask("List\r\nList\r\n", twice)).isEqualTo(twice);

      // The payee forwards the payment in a 1,000-byte NUL-padded buffer; the payer hears.
      bob.send(CourseClient.padded("alice#100#bob\r\n"));
      assertThat(alice.read("Transfer OK!\r\n")).isEqualTo("Transfer OK!\r\n");
      assertThat(bob.ask("List\r\n", "10100\r\n" + both)).isEqualTo("10100\r\n" + both);
      assertThat(alice.ask("List\r\n", "9900\r\n" + both)).isEqualTo("9900\r\n" + both);

      // Only the payee may forward it.
      assertThat(alice.ask("alice#5#bob\r\n", "Transfer Fail!\r\n"))
          .isEqualTo("Transfer Fail!\r\n");
      // An overdraft: refused, and both the sender and the payer are told.
      assertThat(bob.ask("alice#9901#bob\r\n", "Transfer Fail!\r\n"))
          .isEqualTo("Transfer Fail!\r\n");
      assertThat(alice.read("Transfer Fail!\r\n")).isEqualTo("Transfer Fail!\r\n");
      assertThat(bob.ask("List\r\n", "10100\r\n" + both)).isEqualTo("10100\r\n" + both);

      // Exit: Bye, then the connection closes; the user is offline.
      assertThat(alice.ask("Exit\r\n", "Bye\r\n")).isEqualTo("Bye\r\n");
      assertThat(alice.closedByServer()).isTrue();
      String bobAlone = "10100\r\n1\r\nbob#127.0.0.1#5002\r\n";
      assertThat(bob.ask("List\r\n", bobAlone)).isEqualTo(bobAlone);
    }
    CourseNetworkTest.assertUnknownToTheMainLedger(node, "alice");
    CourseNetworkTest.assertUnknownToTheMainLedger(node, "bob");
  }

  @Test
  void aRegisterWithoutADepositIsThe2018FormAndBadLinesAreFormatErrors() throws Exception {
    try (CourseClient erin = new CourseClient(CourseNetworkTest.port(node, "edges2020"))) {
      assertThat(erin.ask("REGISTER#erin\r\n", "100 OK\r\n")).isEqualTo("100 OK\r\n");
      assertThat(erin.ask("REGISTER#erin#\r\n", "210 FAIL\r\n")).isEqualTo("210 FAIL\r\n");
      assertThat(erin.ask("hello\r\n", "230 Input format error\r\n"))
          .isEqualTo("230 Input format error\r\n");
      erin.send("x".repeat(8 * MAX_LINE_BYTES) + "\r\n");
      assertThat(erin.read("230 Input format error\r\n")).isEqualTo("230 Input format error\r\n");
      String alone = "10000\r\n1\r\nerin#127.0.0.1#6000\r\n";
      assertThat(erin.ask("erin#6000\r\n", alone)).isEqualTo(alone);
      // Exit without CRLF, with its NUL: Bye all the same.
      assertThat(erin.ask("Exit\0", "Bye\r\n")).isEqualTo("Bye\r\n");
      assertThat(erin.closedByServer()).isTrue();
    }
  }

  @Test
  void aConfiguredGreetingComesFirstAndOnlyThere() throws Exception {
    try (CourseClient greeted = new CourseClient(CourseNetworkTest.port(node, "greeted"));
        CourseClient plain = new CourseClient(CourseNetworkTest.port(node, "edges2020"))) {
      assertThat(greeted.read(GREETING + "\r\n")).isEqualTo(GREETING + "\r\n");
      assertThat(greeted.ask("REGISTER#gina#1\r\n", "100 OK\r\n")).isEqualTo("100 OK\r\n");
      // No greeting where none is configured: the first bytes are the first reply.
      assertThat(plain.ask("REGISTER#hank#1\r\n", "100 OK\r\n")).isEqualTo("100 OK\r\n");
    }
  }

  @Test
  void aStudentsCClientFromThe2020SpecificationWorksAsIs(@TempDir Path build) throws Exception {
    assertThat(
            CourseNetworkTest.buildAndRun(
                build, "student_client_2020", CourseNetworkTest.port(node, "students2020")))
        .isEqualTo("exit=0 OK\n");
  }
}
