package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerApi;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.ledger.TransferId;
import io.paywire.testing.BusDelay;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelined connections over real TLS: order, backpressure, unknown outcomes, presence. */
class PipeliningTest {

  @TempDir Path directory;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger NAMES = new AtomicInteger();

  private record User(String name, KeyPair keys, X509Certificate certificate) {
    static User create(String prefix) {
      KeyPair keys = KeyType.EC.generate();
      String name = prefix + NAMES.incrementAndGet();
      return new User(name, keys, Certificates.selfSigned(keys, name, Duration.ofDays(1)));
    }

    TlsLineClient loggedIn(TestNode node, long deposit) throws Exception {
      TlsLineClient client =
          TlsLineClient.connect(node.tlsPort(), node.fingerprint(), keys, certificate);
      assertThat(client.ask("REGISTER#" + name + "#" + deposit)).isEqualTo("100 OK");
      assertThat(client.askList(name + "#0").get(0)).isEqualTo(Long.toString(deposit));
      return client;
    }
  }

  private static String id() {
    return TransferId.random(RANDOM).toString();
  }

  @Test
  void thousandPaymentsSentInOneWriteGetThousandRepliesInOrder() throws Exception {
    try (TestNode node = TestNode.start(directory)) {
      User payer = User.create("payer");
      User payee = User.create("payee");
      try (TlsLineClient p = payer.loggedIn(node, 5_000);
          TlsLineClient q = payee.loggedIn(node, 1)) {
        List<String> ids = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
          String id = id();
          ids.add(id);
          all.append("PAY#").append(payee.name()).append("#2#").append(id).append('\n');
        }
        p.sendRaw(all.toString().getBytes(StandardCharsets.US_ASCII)); // about 60 KB, one write
        for (int i = 0; i < 1_000; i++) {
          // Balances fall by 2 each time: the replies come in the order of the commands.
          assertThat(p.readLine())
              .isEqualTo("TRANS OK " + ids.get(i) + " " + (5_000 - 2 * (i + 1)));
        }
        assertThat(q.askList("LIST").get(0)).isEqualTo("2001");
      }
    }
  }

  @Test
  void thousandShortLinesInOneWriteAreEachMeasuredAlone() throws Exception {
    try (TestNode node = TestNode.start(directory, new JsonObject().put("maxLineBytes", 256));
        TlsLineClient c = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
      c.sendRaw("EXIT#again\n".repeat(1_000).getBytes(StandardCharsets.US_ASCII)); // 11 bytes
      for (int i = 0; i < 1_000; i++) {
        assertThat(c.readLine()).isEqualTo("230 INVALID EXIT takes no fields");
      }
      assertThat(c.ask("LIST")).isEqualTo("Please login to access the list!");
    }
  }

  @Test
  void aMixOfLoginPaymentsAndReadsInOneWriteKeepsItsOrder() throws Exception {
    try (TestNode node = TestNode.start(directory)) {
      User payer = User.create("mix");
      User payee = User.create("other");
      try (TlsLineClient q = payee.loggedIn(node, 1);
          TlsLineClient p =
              TlsLineClient.connect(
                  node.tlsPort(), node.fingerprint(), payer.keys(), payer.certificate())) {
        String first = id();
        String second = id();
        String script =
            "LIST\n"
                + "REGISTER#"
                + payer.name()
                + "#100\n"
                + "PAY#"
                + payee.name()
                + "#5#"
                + first
                + "\n" // before the login: refused
                + payer.name()
                + "#0\n"
                + "PAY#"
                + payee.name()
                + "#10#"
                + second
                + "\n"
                + "HISTORY#1\n"
                + "LIST\n";
        p.sendRaw(script.getBytes(StandardCharsets.US_ASCII));
        assertThat(p.readLine()).isEqualTo("Please login to access the list!");
        assertThat(p.readLine()).isEqualTo("100 OK");
        assertThat(p.readLine()).isEqualTo("TRANS FAIL LOGIN_FIRST " + first + ": log in first");
        assertThat(p.readLine()).isEqualTo("100"); // the login's list: balance, count, users
        int online = Integer.parseInt(p.readLine());
        for (int i = 0; i < online; i++) {
          p.readLine();
        }
        assertThat(p.readLine()).isEqualTo("TRANS OK " + second + " 90");
        assertThat(p.readLine()).isEqualTo("1");
        assertThat(p.readLine()).contains("#" + second + "#" + payer.name() + "#");
        assertThat(p.readLine()).isEqualTo("90");
      }
    }
  }

  @Test
  void aClientThatNeverReadsIsCutOffAndTheNodeServesOthers() throws Exception {
    try (TestNode node =
            TestNode.start(
                directory,
                new JsonObject()
                    .put("maxBufferedReplyBytes", 4096)
                    .put("writeStallTimeoutSeconds", 1));
        TlsLineClient hog = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
      AtomicReference<IOException> writeFailure = new AtomicReference<>();
      AtomicBoolean stop = new AtomicBoolean();
      byte[] helps = "HELP\n".repeat(1_000).getBytes(StandardCharsets.US_ASCII);
      Thread writer =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    hog.sendRaw(helps); // about 800 KB of replies a round, never read
                  }
                } catch (IOException e) {
                  writeFailure.set(e);
                }
              });
      writer.setDaemon(true);
      writer.start();
      try {
        // The server stops reading from the hog, then cuts it off; its writes fail.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writeFailure.get() != null);
        try (TlsLineClient other = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
          assertThat(other.ask("LIST")).isEqualTo("Please login to access the list!");
        }
      } finally {
        stop.set(true);
      }
    }
  }

  @Test
  void anUnknownOutcomeNamesItsIdAndTheRetryIsAppliedOnce() throws Exception {
    try (TestNode node =
        TestNode.start(
            directory, new JsonObject(), null, new JsonObject().put("requestTimeoutMillis", 300))) {
      User payer = User.create("unsure");
      User payee = User.create("sure");
      try (TlsLineClient p = payer.loggedIn(node, 1_000);
          TlsLineClient q = payee.loggedIn(node, 1)) {
        // The first transfer request reaches the ledger only after the entry point gave up.
        BusDelay.first(node.node().vertx(), LedgerApi.TRANSFER, 1_000);
        String id = id();
        String pay = "PAY#" + payee.name() + "#100#" + id;
        assertThat(p.ask(pay)).isEqualTo("TRANS FAIL UNKNOWN " + id + ": retry with the same id");
        // It was applied after all; the retry says so and moves nothing more.
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> q.askList("LIST").get(0).equals("101"));
        assertThat(p.ask(pay)).isEqualTo("TRANS OK " + id + " 900");
        assertThat(p.askList("LIST").get(0)).isEqualTo("900");
        assertThat(q.askList("LIST").get(0)).isEqualTo("101");
        assertThat(p.askCounted("HISTORY#10")).filteredOn(line -> line.contains(id)).hasSize(1);
      }
    }
  }

  @Test
  void sessionsClosedWhileTheirLoginIsInFlightLeaveNoPresence() throws Exception {
    try (TestNode node = TestNode.start(directory)) {
      String keyless = "open" + NAMES.incrementAndGet();
      try (TlsLineClient c = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
        assertThat(c.ask("REGISTER#" + keyless + "#10")).isEqualTo("100 OK");
      }
      for (int i = 0; i < 40; i++) {
        TlsLineClient c = TlsLineClient.connect(node.tlsPort(), node.fingerprint());
        c.sendRaw((keyless + "#0\n").getBytes(StandardCharsets.US_ASCII));
        c.close(); // at once, while the login is in flight
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                try (TlsLineClient c = TlsLineClient.connect(node.tlsPort(), node.fingerprint())) {
                  assertThat(c.askList(keyless + "#0").get(0)).isEqualTo("10");
                }
              });
    }
  }

  @Test
  void listShowsAPageAndListWithAnOffsetShowsTheRest() throws Exception {
    try (TestNode node = TestNode.start(directory, new JsonObject().put("maxListedUsers", 2))) {
      List<TlsLineClient> clients = new ArrayList<>();
      List<String> names = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          User u = User.create("paged");
          names.add(u.name());
          clients.add(u.loggedIn(node, 1));
        }
        TlsLineClient me = clients.get(0);
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 6; offset += 2) {
          List<String> page = me.askList(offset == 0 ? "LIST" : "LIST#" + offset);
          assertThat(Integer.parseInt(page.get(1)))
              .isEqualTo(page.size() - 2)
              .isLessThanOrEqualTo(2);
          page.subList(2, page.size()).forEach(line -> seen.add(line.split("#")[0]));
        }
        assertThat(seen).containsExactlyElementsOf(names);
      } finally {
        for (TlsLineClient c : clients) {
          c.close();
        }
      }
    }
  }
}
