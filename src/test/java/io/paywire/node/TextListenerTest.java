package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.TransferId;
import io.paywire.protocol.SignedText;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS text protocol over real sockets against a real node: identity, payments and their
 * signatures, and what happens to bad input. Every test uses accounts of its own.
 */
class TextListenerTest {

  @TempDir static Path directory;
  private static TestNode node;
  private static final AtomicInteger names = new AtomicInteger();
  private static final SecureRandom random = new SecureRandom();

  /** An account holder with a key pair and a self-signed certificate for it. */
  record User(String name, KeyPair keys, X509Certificate certificate) {
    static User create(String prefix, KeyType type) {
      KeyPair keys = type.generate();
      String name = prefix + names.incrementAndGet();
      return new User(name, keys, Certificates.selfSigned(keys, name, Duration.ofDays(1)));
    }

    TlsLineClient connect() throws Exception {
      return TlsLineClient.connect(node.tlsPort(), node.fingerprint(), keys, certificate);
    }

    String sign(byte[] text) {
      return Base64.getEncoder().encodeToString(Signatures.sign(keys.getPrivate(), text));
    }
  }

  @BeforeAll
  static void startNode() throws Exception {
    node =
        TestNode.start(
            directory,
            new JsonObject()
                .put("maxLineBytes", 1024)
                .put("handshakeTimeoutSeconds", 2)
                .put("idleTimeoutSeconds", 3)
                .put("maxFailedLoginsPerMinute", 5));
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private static TlsLineClient anonymous() throws Exception {
    return TlsLineClient.connect(node.tlsPort(), node.fingerprint());
  }

  /** Registers and logs in over one connection, which stays open. */
  private static TlsLineClient registeredAndLoggedIn(User user, long deposit) throws Exception {
    TlsLineClient client = user.connect();
    assertThat(client.ask("REGISTER#" + user.name() + "#" + deposit)).isEqualTo("100 OK");
    assertThat(client.askList(user.name() + "#0").get(0)).isEqualTo(Long.toString(deposit));
    return client;
  }

  private static long balance(TlsLineClient loggedIn) throws Exception {
    return Long.parseLong(loggedIn.askList("LIST").get(0));
  }

  private static String id() {
    return TransferId.random(random).toString();
  }

  private static String trans(User payer, long amount, User payee, String id) {
    TransferId transferId = TransferId.parseOrNull(id);
    String payerSignature =
        payer.sign(SignedText.signedByPayer(payer.name(), amount, payee.name(), transferId));
    String payeeSignature =
        payee.sign(
            SignedText.signedByPayee(
                payer.name(), amount, payee.name(), transferId, payerSignature));
    return SignedText.transLine(
        payer.name(), amount, payee.name(), transferId, payerSignature, payeeSignature);
  }

  // ---- identity --------------------------------------------------------------------------------

  @Test
  void loginToAKeyBoundAccountNeedsItsKeyAndFailsAlikeForUnknownUsers() throws Exception {
    User owner = User.create("owner", KeyType.EC);
    User stranger = User.create("stranger", KeyType.EC);
    try (TlsLineClient ownerClient = registeredAndLoggedIn(owner, 100);
        TlsLineClient noCertificate = anonymous();
        TlsLineClient otherKey = stranger.connect()) {
      assertThat(noCertificate.askList(owner.name() + "#0")).containsExactly("220 AUTH_FAIL");
      assertThat(otherKey.askList(owner.name() + "#0")).containsExactly("220 AUTH_FAIL");
      assertThat(otherKey.askList("nobody" + names.incrementAndGet() + "#0"))
          .containsExactly("220 AUTH_FAIL");
      assertThat(ownerClient.askList(owner.name() + "#0"))
          .containsExactly("Only one account can log in once!");
    }
  }

  @Test
  void secondLoginOfAnOnlineAccountIsRefusedAndListShowsOnlineUsers() throws Exception {
    User joanne = User.create("Joanne", KeyType.RSA);
    User lily = User.create("Lily", KeyType.ED25519);
    try (TlsLineClient j = registeredAndLoggedIn(joanne, 2000);
        TlsLineClient l = registeredAndLoggedIn(lily, 500);
        TlsLineClient again = joanne.connect()) {
      assertThat(again.askList(joanne.name() + "#3000")).containsExactly("User already logged in!");
      List<String> list = j.askList("list");
      assertThat(list.get(0)).isEqualTo("2000");
      assertThat(list.subList(2, list.size()))
          .contains(joanne.name() + "#127.0.0.1#0", lily.name() + "#127.0.0.1#0");
      assertThat(Integer.parseInt(list.get(1))).isEqualTo(list.size() - 2);
    }
  }

  @Test
  void listNeedsALogin() throws Exception {
    try (TlsLineClient client = anonymous()) {
      assertThat(client.askList("LIST")).containsExactly("Please login to access the list!");
    }
  }

  @Test
  void repeatedFailedLoginsFromOneAddressAreThrottled() throws Exception {
    User victim = User.create("victim", KeyType.EC);
    try (TlsLineClient owner = registeredAndLoggedIn(victim, 100)) {
      owner.ask("EXIT");
    }
    try (TlsLineClient attacker = anonymous()) {
      for (int i = 0; i < 6; i++) {
        assertThat(attacker.askList(victim.name() + "#0")).containsExactly("220 AUTH_FAIL");
      }
    }
    // Even the right key fails from this address until the failures age out.
    try (TlsLineClient owner = victim.connect()) {
      assertThat(owner.askList(victim.name() + "#0")).containsExactly("220 AUTH_FAIL");
    }
  }

  @Test
  void oneUsersFailedLoginsDoNotLockOutAnotherUserAtTheSameAddress() throws Exception {
    User careless = User.create("careless", KeyType.EC);
    User classmate = User.create("classmate", KeyType.EC);
    try (TlsLineClient a = registeredAndLoggedIn(careless, 10);
        TlsLineClient b = registeredAndLoggedIn(classmate, 20)) {
      a.ask("EXIT");
      b.ask("EXIT");
    }
    try (TlsLineClient typo = anonymous()) {
      for (int i = 0; i < 6; i++) {
        assertThat(typo.askList(careless.name() + "#0")).containsExactly("220 AUTH_FAIL");
      }
    }
    try (TlsLineClient c = classmate.connect()) {
      assertThat(c.askList(classmate.name() + "#0").get(0)).isEqualTo("20");
    }
  }

  // ---- payments --------------------------------------------------------------------------------

  @Test
  void directPayMovesMoneyOnceAndAReplayedIdIsNotAppliedTwice() throws Exception {
    User payer = User.create("payer", KeyType.EC);
    User payee = User.create("payee", KeyType.EC);
    try (TlsLineClient p = registeredAndLoggedIn(payer, 1000);
        TlsLineClient q = registeredAndLoggedIn(payee, 10)) {
      String id = id();
      assertThat(p.ask("PAY#" + payee.name() + "#300#" + id)).isEqualTo("TRANS OK " + id + " 700");
      assertThat(p.ask("PAY#" + payee.name() + "#300#" + id)).startsWith("TRANS OK " + id);
      assertThat(p.ask("PAY#" + payee.name() + "#301#" + id)).startsWith("TRANS FAIL ID_REUSED");
      assertThat(balance(p)).isEqualTo(700);
      assertThat(balance(q)).isEqualTo(310);
      assertThat(p.ask("PAY#" + payee.name() + "#701")).startsWith("TRANS FAIL INSUFFICIENT_FUNDS");
      assertThat(p.askCounted("HISTORY#5")).hasSize(2);
    }
  }

  @Test
  void keylessAccountsLogInByNameAndReceiveButNeverPay() throws Exception {
    String keyless = "keyless" + names.incrementAndGet();
    User payer = User.create("payer", KeyType.ED25519);
    try (TlsLineClient k = anonymous();
        TlsLineClient p = registeredAndLoggedIn(payer, 100)) {
      assertThat(k.ask("REGISTER#" + keyless + "#50")).isEqualTo("100 OK");
      assertThat(k.askList(keyless + "#0").get(0)).isEqualTo("50");
      assertThat(k.ask("PAY#" + payer.name() + "#10")).startsWith("TRANS FAIL");
      assertThat(p.ask("PAY#" + keyless + "#10")).startsWith("TRANS OK");
      assertThat(balance(k)).isEqualTo(60);
      assertThat(k.ask("KEY#" + keyless)).startsWith("230 INVALID");
    }
  }

  @Test
  void keyNeedsALoginAndAnswersNoSuchAccountAndNoKeyAlike() throws Exception {
    String keyless = "nokey" + names.incrementAndGet();
    User asker = User.create("asker", KeyType.EC);
    try (TlsLineClient k = anonymous()) {
      assertThat(k.ask("REGISTER#" + keyless + "#5")).isEqualTo("100 OK");
      assertThat(k.ask("KEY#" + asker.name())).isEqualTo("230 INVALID LOGIN_FIRST: log in first");
    }
    try (TlsLineClient a = registeredAndLoggedIn(asker, 5)) {
      String noKey = a.ask("KEY#" + keyless);
      String noAccount = a.ask("KEY#nobody" + names.incrementAndGet());
      assertThat(noKey).startsWith("230 INVALID NO_KEY").isEqualTo(noAccount);
      assertThat(a.ask("KEY#" + asker.name())).startsWith("KEY " + asker.name() + " ");
    }
  }

  @Test
  void signedTransFromThePayeeIsAppliedOnceWithEveryKeyType() throws Exception {
    for (KeyType type : KeyType.values()) {
      User payer = User.create("payer", type);
      User payee = User.create("payee", type);
      try (TlsLineClient p = registeredAndLoggedIn(payer, 1000);
          TlsLineClient q = registeredAndLoggedIn(payee, 0 + 1)) {
        String id = id();
        String line = trans(payer, 250, payee, id);
        assertThat(q.ask(line)).as(type.name()).isEqualTo("TRANS OK " + id);
        assertThat(q.ask(line)).as("replay").isEqualTo("TRANS OK " + id);
        assertThat(balance(p)).isEqualTo(750);
        assertThat(balance(q)).isEqualTo(251);
        assertThat(q.ask("KEY#" + payer.name())).startsWith("KEY " + payer.name() + " ");
      }
    }
  }

  @Test
  void forgedSwappedAndTruncatedSignaturesMoveNothing() throws Exception {
    User payer = User.create("payer", KeyType.RSA);
    User payee = User.create("payee", KeyType.RSA);
    User mallory = User.create("mallory", KeyType.RSA);
    try (TlsLineClient p = registeredAndLoggedIn(payer, 1000);
        TlsLineClient q = registeredAndLoggedIn(payee, 1);
        TlsLineClient m = registeredAndLoggedIn(mallory, 1)) {
      String id = id();
      String[] f = trans(payer, 100, payee, id).split("#");
      // Forged: mallory signs as the payer.
      String forged = trans(mallory, 100, payee, id).split("#")[5];
      List<String> bad =
          List.of(
              String.join("#", f[0], f[1], f[2], f[3], f[4], forged, f[6]),
              String.join("#", f[0], f[1], f[2], f[3], f[4], f[6], f[5]),
              String.join("#", f[0], f[1], f[2], f[3], f[4], f[5].substring(0, 40), f[6]),
              String.join("#", f[0], f[1], "200", f[3], f[4], f[5], f[6]),
              String.join("#", f[0], f[1], f[2], f[3], id(), f[5], f[6]));
      for (String line : bad) {
        assertThat(q.ask(line)).as(line).startsWith("TRANS FAIL");
      }
      // The right message, but sent by a session that is not the payee.
      assertThat(m.ask(String.join("#", f))).startsWith("TRANS FAIL");
      assertThat(p.ask(String.join("#", f))).startsWith("TRANS FAIL");
      assertThat(balance(p)).isEqualTo(1000);
      assertThat(balance(q)).isEqualTo(1);
      assertThat(q.ask(String.join("#", f))).isEqualTo("TRANS OK " + id);
    }
  }

  // ---- bad input -------------------------------------------------------------------------------

  @Test
  void malformedCommandsGetAReplyAndChangeNothing() throws Exception {
    User user = User.create("careful", KeyType.EC);
    try (TlsLineClient c = registeredAndLoggedIn(user, 100)) {
      String payee = user.name();
      for (String line :
          List.of(
              "",
              "#",
              "PAY##5",
              "PAY#" + payee + "#5#x#y",
              "PAY#x#-5",
              "PAY#x#0",
              "PAY#x#99999999999999999999",
              "PAY#x#ten",
              "REGISTER#Jöanne#5",
              "REGISTER#a b#5",
              "REGISTER#" + "x".repeat(40) + "#5",
              "REGISTER#list#5",
              "FROBNICATE",
              "TRANS#a#1#b",
              "Joanne#99999")) {
        String reply = c.ask(line);
        assertThat(reply)
            .as(line)
            .matches("(230 INVALID|210 FAIL|TRANS FAIL|220 AUTH_FAIL|Only one).*");
      }
      assertThat(balance(c)).isEqualTo(100);
    }
  }

  @Test
  void binaryGarbageAndInvalidUtf8GetRepliesOrACloseWhileOthersKeepWorking() throws Exception {
    User bystander = User.create("bystander", KeyType.EC);
    try (TlsLineClient b = registeredAndLoggedIn(bystander, 100);
        TlsLineClient garbage = anonymous()) {
      garbage.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});
      assertThat(garbage.readLine()).isEqualTo("230 INVALID line is not UTF-8");
      byte[] noise = new byte[4096];
      new SecureRandom().nextBytes(noise);
      garbage.sendRaw(noise);
      // Random bytes hold newlines: each piece gets a reply, or the connection is closed for a
      // line longer than 1024 bytes. Either way the server keeps serving everyone else.
      assertThat(balance(b)).isEqualTo(100);
    }
  }

  @Test
  void anOverlongLineIsAnsweredAndTheConnectionClosed() throws Exception {
    try (TlsLineClient c = anonymous()) {
      c.sendRaw(("LIST" + "x".repeat(2000) + "\n").getBytes(StandardCharsets.UTF_8));
      assertThat(c.readLine()).isEqualTo("230 INVALID line longer than 1024 bytes");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aClientThatNeverFinishesItsLineIsClosedByTheIdleTimeout() throws Exception {
    User bystander = User.create("bystander", KeyType.EC);
    try (TlsLineClient slow = anonymous();
        TlsLineClient b = registeredAndLoggedIn(bystander, 5)) {
      slow.sendRaw("LIS".getBytes(StandardCharsets.US_ASCII));
      assertThat(balance(b)).isEqualTo(5);
      assertThat(slow.closedByServer()).isTrue(); // idle timeout is 3 s, read timeout 10 s
    }
  }

  @Test
  void exitSaysByeAndClosesAndTheUserGoesOffline() throws Exception {
    User leaving = User.create("leaving", KeyType.EC);
    User watcher = User.create("watcher", KeyType.EC);
    try (TlsLineClient l = registeredAndLoggedIn(leaving, 5);
        TlsLineClient w = registeredAndLoggedIn(watcher, 5)) {
      assertThat(l.ask("EXIT")).isEqualTo("Bye");
      assertThat(l.closedByServer()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(w.askList("LIST"))
                      .noneMatch(line -> line.startsWith(leaving.name() + "#")));
    }
  }
}
