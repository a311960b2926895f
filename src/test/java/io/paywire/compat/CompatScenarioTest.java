package io.paywire.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.cli.KeygenCommand;
import io.paywire.compat.OriginalClient.Forward;
import io.paywire.compat.OriginalClient.Identity;
import io.paywire.compat.OriginalClient.Listing;
import io.paywire.compat.OriginalClient.PeerServer;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The course program's walk-through (shared/seeds/000_19e51043dfa45b5a.txt) played by a
 * byte-for-byte re-enactment of the original C++ client against the compatibility listener: exact
 * reply bytes, no trailing newline where the original sent none, one TLS record per reply.
 */
class CompatScenarioTest {

  private static final Duration PEER_WAIT = Duration.ofSeconds(10);

  /** Long enough for a stray reply to arrive, short enough to keep the test quick. */
  private static final Duration QUIET = Duration.ofMillis(500);

  @TempDir Path directory;
  private TestNode node;

  @BeforeEach
  void startNode() throws Exception {
    node = TestNode.start(directory, new JsonObject(), new JsonObject());
  }

  @AfterEach
  void stopNode() throws Exception {
    node.close();
  }

  private OriginalClient connect(Identity identity) throws Exception {
    return OriginalClient.connect(node.port("compat"), node.fingerprint(), identity);
  }

  /**
   * Credentials as a course hands them out: {@code paywire keygen --original-client}, run by the
   * operator against the node's certificate directory, one directory per user.
   */
  private Identity credentials(String name) throws Exception {
    Path out = directory.resolve("users").resolve(name);
    int exit =
        new CommandLine(new KeygenCommand())
            .execute(
                "--original-client",
                "--name",
                name,
                "--out",
                out.toString(),
                "--certs",
                directory.resolve("certs").toString());
    assertThat(exit).isZero();
    return Identity.fromFiles(out);
  }

  @Test
  void usersWithHandMadeSelfSignedCertificatesCannotPayEachOtherPeerToPeer() throws Exception {
    try (OriginalClient joanne = connect(Identity.fresh("Selfie"));
        OriginalClient lily = connect(Identity.fresh("Other"));
        PeerServer lilyPeer = lily.peerServer()) {
      assertThat(joanne.register("Selfie", 100)).isEqualTo("100 OK");
      assertThat(lily.register("Other", 100)).isEqualTo("100 OK");
      Listing.parse(joanne.login("Selfie", 0));
      Listing.parse(lily.login("Other", lilyPeer.port()));
      // Lily's client trusts only her own certificate: the payer's is from an unknown CA.
      try {
        joanne.payPeer("127.0.0.1", lilyPeer.port(), "Other", 10);
      } catch (IOException refused) {
        // TLS 1.2 fails the payer's handshake; in TLS 1.3 the payer may finish writing first.
      }
      assertThat(lilyPeer.nextFailure(PEER_WAIT)).isInstanceOf(SSLHandshakeException.class);
      assertThat(Listing.parse(lily.list()).balance()).isEqualTo(100);
    }
  }

  @Test
  void joanneRegistersLogsInAndPaysLilyPeerToPeerExactlyAsTheOriginal() throws Exception {
    try (OriginalClient joanne = connect(credentials("Joanne"));
        OriginalClient lily = connect(credentials("Lily"));
        PeerServer joannePeer = joanne.peerServer();
        PeerServer lilyPeer = lily.peerServer()) {
      assertThat(joanne.register("Joanne", 2000)).isEqualTo("100 OK");
      try (OriginalClient second = connect(Identity.fresh("Joanne"))) {
        assertThat(second.register("Joanne", 2000)).isEqualTo("210 FAIL");
      }
      assertThat(lily.register("Lily", 500)).isEqualTo("100 OK");

      assertThat(joanne.login("Joanne", joannePeer.port()))
          .isEqualTo("2000\n1\nJoanne#127.0.0.1#" + joannePeer.port() + "\n");
      Listing lilyLogin = Listing.parse(lily.login("Lily", lilyPeer.port()));
      assertThat(lilyLogin.balance()).isEqualTo(500);
      assertThat(lilyLogin.users())
          .containsExactlyInAnyOrder(
              "Joanne#127.0.0.1#" + joannePeer.port(), "Lily#127.0.0.1#" + lilyPeer.port());

      Listing list = Listing.parse(joanne.list());
      assertThat(list.balance()).isEqualTo(2000);
      assertThat(list.users())
          .containsExactlyInAnyOrder(
              "Joanne#127.0.0.1#" + joannePeer.port(), "Lily#127.0.0.1#" + lilyPeer.port());

      // Joanne finds Lily's address in the list and pays her through Lily's own client.
      String[] lilyAddress = list.address("Lily");
      joanne.payPeer(lilyAddress[0], Integer.parseInt(lilyAddress[1]), "Lily", 1000);
      Forward payment = lilyPeer.nextForward(PEER_WAIT);
      assertThat(payment.paymentText()).isEqualTo("Joanne#1000#Lily");
      assertThat(payment.reply()).isEqualTo("TRANS OK");
      assertThatThrownBy(() -> joanne.readReply(QUIET))
          .as("the payer's connection gets no reply to the payee's TRANS")
          .isInstanceOf(SocketTimeoutException.class);

      assertThat(Listing.parse(joanne.list()).balance()).isEqualTo(1000);
      assertThat(Listing.parse(lily.list()).balance()).isEqualTo(500 + 1000);

      joanne.payPeer(lilyAddress[0], Integer.parseInt(lilyAddress[1]), "Lily", 1001);
      Forward tooMuch = lilyPeer.nextForward(PEER_WAIT);
      assertThat(tooMuch.paymentText()).isEqualTo("Joanne#1001#Lily");
      assertThat(tooMuch.reply()).isEqualTo("TRANS FAIL");
      assertThat(Listing.parse(joanne.list()).balance()).isEqualTo(1000);
      assertThat(Listing.parse(lily.list()).balance()).isEqualTo(1500);

      assertThat(joanne.exit()).isEqualTo("Bye");
      Listing afterJoanneLeft = Listing.parse(lily.list());
      assertThat(afterJoanneLeft.users()).containsExactly("Lily#127.0.0.1#" + lilyPeer.port());
      assertThat(lily.exit()).isEqualTo("Bye");
    }
  }

  @Test
  void anExpiredClientCertificateRegistersLogsInAndLists() throws Exception {
    Identity expired = Identity.expired("Old");
    assertThat(expired.certificate().getNotAfter()).isInThePast();
    try (OriginalClient old = connect(expired)) {
      assertThat(old.register("Old", 300)).isEqualTo("100 OK");
      assertThat(old.login("Old", 4000)).isEqualTo("300\n1\nOld#127.0.0.1#4000\n");
      assertThat(old.list()).isEqualTo("300\n1\nOld#127.0.0.1#4000\n");
      assertThat(old.exit()).isEqualTo("Bye");
    }
  }

  @Test
  void aPeerPortBelow1024LogsInAsOnTheOriginalServer() throws Exception {
    try (OriginalClient low = connect(Identity.fresh("Low"))) {
      assertThat(low.register("Low", 5)).isEqualTo("100 OK");
      assertThat(low.login("Low", 80)).isEqualTo("5\n1\nLow#127.0.0.1#80\n");
    }
  }

  @Test
  void aKeyThatCannotMakeTheRsaForwardCannotRegisterHere() throws Exception {
    KeyPair ec = KeyType.EC.generate();
    Identity ecIdentity =
        new Identity(ec, Certificates.selfSigned(ec, "Curvy", Duration.ofDays(1)));
    try (OriginalClient curvy = connect(ecIdentity)) {
      assertThat(curvy.register("Curvy", 5)).isEqualTo("210 FAIL");
      assertThat(curvy.login("Curvy", 0)).isEqualTo("220 AUTH_FAIL");
    }
  }

  @Test
  void loginRepliesAreTheOriginalStrings() throws Exception {
    Identity owner = Identity.fresh("Owner");
    try (OriginalClient first = connect(owner)) {
      assertThat(first.list()).isEqualTo("Please login to access the list!");
      assertThat(first.login("Nobody", 2000)).isEqualTo("220 AUTH_FAIL");
      assertThat(first.register("Owner", 100)).isEqualTo("100 OK");
      assertThat(first.login("Owner", 2000)).isEqualTo("100\n1\nOwner#127.0.0.1#2000\n");
      // On the same connection, the original's own answer for a second login.
      assertThat(first.login("Owner", 2000)).isEqualTo("Only one account can log in once!");
      try (OriginalClient second = connect(owner)) {
        assertThat(second.login("Owner", 3000)).isEqualTo("User already logged in!");
      }
      assertThat(first.exit()).isEqualTo("Bye");
    }
    // REGISTER bound Owner's key: another key cannot log in to the account.
    try (OriginalClient stranger = connect(Identity.fresh("Owner"))) {
      assertThat(stranger.login("Owner", 2000)).isEqualTo("220 AUTH_FAIL");
    }
    try (OriginalClient again = connect(owner)) {
      assertThat(again.login("Owner", 2000)).isEqualTo("100\n1\nOwner#127.0.0.1#2000\n");
    }
  }

  @Test
  void theGreetingComesAsTwoRecordsOverTls12AndTls13() throws Exception {
    for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
      // connect() itself asserts the two reads.
      try (OriginalClient client =
          OriginalClient.connect(
              node.port("compat"), node.fingerprint(), Identity.fresh("Greeted"), protocol)) {
        assertThat(client.list()).as(protocol).isEqualTo("Please login to access the list!");
      }
    }
  }

  @Test
  void commandsMayEndInCarriageReturnsAndNulBytes() throws Exception {
    try (OriginalClient client = connect(Identity.fresh("Padded"))) {
      assertThat(client.ask("REGISTER#Padded#70\r\n\0\0\0")).isEqualTo("100 OK");
      assertThat(client.ask("Padded#5000\r\n")).isEqualTo("70\n1\nPadded#127.0.0.1#5000\n");
      assertThat(client.ask("LIST\0\0\0\0\0\0\0\0")).isEqualTo("70\n1\nPadded#127.0.0.1#5000\n");
      assertThat(client.ask("EXIT\r\n\0")).isEqualTo("Bye");
    }
  }
}
