package io.paywire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.TransferId;
import io.paywire.protocol.Replies;
import io.paywire.protocol.SignedText;
import io.paywire.testing.FreePorts;
import io.paywire.testing.TestNode;
import java.io.BufferedInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payee's listener faced with bad peer messages: each gets {@code TRANS FAIL <reason>} and
 * nothing reaches the server.
 */
class PeerListenerTest {

  @TempDir Path dir;

  private TestNode node;
  private PaywireClient joanne;
  private PaywireClient lily;
  private ClientIdentity joanneKeys;
  private ClientIdentity lilyKeys;
  private int lilyPort;
  private final List<PeerListener.Event> events = new CopyOnWriteArrayList<>();
  private final SecureRandom random = new SecureRandom();

  @BeforeEach
  void twoUsersOnline() throws Exception {
    node = TestNode.start(dir);
    joanneKeys = KeyFiles.create(dir, "Joanne", KeyType.ED25519).identity();
    lilyKeys = KeyFiles.create(dir, "Lily", KeyType.RSA).identity();
    ServerTrust trust = ServerTrust.fingerprint(node.fingerprint());
    joanne =
        PaywireClient.connect("127.0.0.1", node.tlsPort(), trust, joanneKeys, "127.0.0.1", e -> {});
    lily =
        PaywireClient.connect(
            "127.0.0.1", node.tlsPort(), trust, lilyKeys, "127.0.0.1", events::add);
    joanne.register("Joanne", 2000);
    lily.register("Lily", 500);
    joanne.login("Joanne", 0);
    lilyPort = FreePorts.one();
    lily.login("Lily", lilyPort);
  }

  @AfterEach
  void stop() throws Exception {
    if (joanne != null) {
      joanne.close();
    }
    if (lily != null) {
      lily.close();
    }
    node.close();
  }

  @Test
  void acceptsAPaymentSignedWithAnEd25519Key() throws Exception {
    assertThat(send(signed(250, "Lily"))).startsWith(Replies.TRANS_OK);
    assertThat(lily.list().balance()).isEqualTo(750);
  }

  @Test
  void refusesAMalformedMessage() throws Exception {
    assertThat(send("hello")).isEqualTo("TRANS FAIL malformed peer message");
    assertNothingSubmitted();
  }

  @Test
  void refusesAPaymentForSomeoneElse() throws Exception {
    assertThat(send(signed(10, "Mallory")))
        .startsWith("TRANS FAIL this listener takes payments " + "to Lily");
    assertNothingSubmitted();
  }

  @Test
  void refusesAPaymentWhoseAmountWasChangedAfterSigning() throws Exception {
    String message = signed(10, "Lily").replaceFirst("#10#", "#1000#");
    assertThat(send(message)).startsWith("TRANS FAIL BAD_SIGNATURE");
    assertNothingSubmitted();
  }

  @Test
  void refusesAPaymentFromAnUnknownPayer() throws Exception {
    String message = signed(10, "Lily").replaceFirst("^Joanne#", "Ghost#");
    assertThat(send(message)).startsWith("TRANS FAIL no key for payer Ghost");
    assertNothingSubmitted();
  }

  private void assertNothingSubmitted() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
    assertThat(events).allSatisfy(e -> assertThat(e.submitted()).isFalse());
    assertThat(lily.command("HISTORY").get(0)).as("only the deposit").isEqualTo("1");
    assertThat(lily.list().balance()).isEqualTo(500);
  }

  private String signed(long amount, String payee) {
    TransferId id = TransferId.random(random);
    String signature =
        Base64.getEncoder()
            .encodeToString(
                Signatures.sign(
                    joanneKeys.privateKey(),
                    SignedText.signedByPayer("Joanne", amount, payee, id)));
    return SignedText.peerMessage("Joanne", amount, payee, id, signature);
  }

  /** Sends one line to Lily's listener, trusting only Lily's key, and reads its answer. */
  private String send(String line) throws Exception {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", lilyPort), 10_000);
      plain.setSoTimeout(30_000);
      SSLSocket socket =
          (SSLSocket)
              ClientTls.context(null, new PeerKeyTrust("Lily", lilyKeys.publicKeyInfo()))
                  .getSocketFactory()
                  .createSocket(plain, "127.0.0.1", lilyPort, true);
      LineIo.writeLine(socket.getOutputStream(), line);
      return LineIo.readLine(new BufferedInputStream(socket.getInputStream()), 65_536);
    }
  }
}
