package io.paywire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paywire.crypto.KeyType;
import io.paywire.protocol.Replies;
import io.paywire.testing.FreePorts;
import io.paywire.testing.TestNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The course program's walk-through, end to end over real TLS: Joanne and Lily register, log in
 * with their peer ports, and Joanne pays Lily through Lily's peer listener.
 */
class OriginalScenarioTest {

  @TempDir Path dir;

  private TestNode node;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<PeerListener.Event> lilyEvents = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startNode() throws Exception {
    node = TestNode.start(dir);
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    node.close();
  }

  @Test
  void joanneRegistersLogsInAndPaysLilyPeerToPeerAsInTheOriginalProgram() throws Exception {
    PaywireClient joanne = client("Joanne", KeyType.RSA, e -> {});
    assertThat(joanne.register("Joanne", 2000)).containsExactly(Replies.REGISTERED);
    assertThat(joanne.register("Joanne", 2000).get(0)).startsWith(Replies.REGISTER_FAILED);

    PaywireClient lily = client("Lily", KeyType.EC, lilyEvents::add);
    assertThat(lily.register("Lily", 500)).containsExactly(Replies.REGISTERED);

    int portA = FreePorts.one();
    int portB = FreePorts.one();
    assertThat(Listing.parse(joanne.login("Joanne", portA)))
        .get()
        .extracting(Listing::balance)
        .isEqualTo(2000L);
    assertThat(Listing.parse(lily.login("Lily", portB))).isPresent();
    assertThat(joanne.listener()).get().extracting(PeerListener::port).isEqualTo(portA);

    Listing listing = joanne.list();
    assertThat(listing.online())
        .contains(
            new Listing.Online("Joanne", "127.0.0.1", portA),
            new Listing.Online("Lily", "127.0.0.1", portB));

    String reply = joanne.payPeer("Lily", 1000);
    assertThat(reply).startsWith(Replies.TRANS_OK);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(lilyEvents)
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.submitted()).isTrue();
                          assertThat(e.payment().payer()).isEqualTo("Joanne");
                          assertThat(e.payment().amount()).isEqualTo(1000);
                          assertThat(e.reply()).isEqualTo(reply);
                        }));

    assertThat(joanne.list().balance()).isEqualTo(1000);
    assertThat(lily.list().balance()).isEqualTo(500 + 1000);

    assertThat(joanne.payPeer("Lily", 1001)).startsWith(Replies.TRANS_FAILED);
    assertThat(joanne.list().balance()).isEqualTo(1000);
    assertThat(lily.list().balance()).isEqualTo(1500);

    assertThat(joanne.command("EXIT")).containsExactly(Replies.BYE);
    assertThat(joanne.listener()).isEmpty();
    assertThat(lily.list().online()).extracting(Listing.Online::name).containsExactly("Lily");
  }

  @Test
  void loginErrorsAreOneLineAndLeaveNoListenerRunning() throws Exception {
    PaywireClient joanne = client("Joanne", KeyType.EC, e -> {});
    assertThat(joanne.command("LIST")).containsExactly(Replies.LOGIN_FIRST);
    int port = FreePorts.one();
    assertThat(joanne.login("Nobody", port)).containsExactly(Replies.AUTH_FAILED);
    assertThat(joanne.listener()).isEmpty();
    // The port is free again: the listener started for the login was stopped.
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }

    assertThat(joanne.register("Joanne", 100)).containsExactly(Replies.REGISTERED);
    assertThat(Listing.parse(joanne.login("Joanne", 0))).isPresent();
    assertThat(joanne.login("Joanne", 0)).containsExactly(Replies.ONE_LOGIN_PER_CONNECTION);

    PaywireClient secondWindow = client("Joanne", KeyType.EC, e -> {});
    assertThat(secondWindow.login("Joanne", 0)).containsExactly(Replies.ALREADY_ONLINE);
    PaywireClient impostor = client("Mallory", KeyType.EC, e -> {});
    assertThat(impostor.login("Joanne", 0)).containsExactly(Replies.AUTH_FAILED);
  }

  @Test
  void peerPaymentIsRefusedUnlessThePayeeIsListening() throws Exception {
    PaywireClient joanne = client("Joanne", KeyType.EC, e -> {});
    PaywireClient lily = client("Lily", KeyType.EC, e -> {});
    joanne.register("Joanne", 100);
    lily.register("Lily", 100);
    joanne.login("Joanne", 0);

    assertThatThrownBy(() -> joanne.payPeer("Lily", 10))
        .isInstanceOf(ClientException.class)
        .hasMessage("Lily is not online");
    lily.login("Lily", 0);
    assertThatThrownBy(() -> joanne.payPeer("Lily", 10))
        .isInstanceOf(ClientException.class)
        .hasMessageContaining("takes no peer payments");
    // The menu's fallback: a direct payment, proven by Joanne's key at login.
    assertThat(joanne.pay("Lily", 10)).startsWith(Replies.TRANS_OK);
    assertThat(lily.list().balance()).isEqualTo(110);
  }

  @Test
  void payerRefusesAListenerThatDoesNotHoldThePayeesRegisteredKey() throws Exception {
    PaywireClient joanne = client("Joanne", KeyType.EC, e -> {});
    PaywireClient lily = client("Lily", KeyType.EC, e -> {});
    PaywireClient mallory = client("Mallory", KeyType.EC, e -> {});
    joanne.register("Joanne", 100);
    lily.register("Lily", 100);
    mallory.register("Mallory", 100);
    joanne.login("Joanne", 0);
    mallory.login("Mallory", 0);
    int port = FreePorts.one();
    lily.login("Lily", port);

    // Mallory takes over Lily's port, presenting her own certificate.
    lily.listener().orElseThrow().close();
    ClientIdentity malloryKeys = KeyFiles.of(dir, "Mallory").load();
    List<PeerListener.Event> malloryEvents = new CopyOnWriteArrayList<>();
    opened.add(
        PeerListener.start(
            "127.0.0.1", port, "Lily", malloryKeys, mallory.connection(), malloryEvents::add));

    assertThatThrownBy(() -> joanne.payPeer("Lily", 10))
        .isInstanceOf(ClientException.class)
        .hasMessageContaining("does not hold Lily's registered key");
    assertThat(malloryEvents).allSatisfy(e -> assertThat(e.payment()).isNull());
    assertThat(joanne.list().balance()).isEqualTo(100);
  }

  private PaywireClient client(String name, KeyType type, Consumer<PeerListener.Event> events)
      throws IOException, ClientException {
    KeyFiles files = KeyFiles.of(dir, name);
    ClientIdentity identity =
        Files.exists(files.privateKey())
            ? files.load()
            : KeyFiles.create(dir, name, type).files().load();
    PaywireClient client =
        PaywireClient.connect(
            "127.0.0.1",
            node.tlsPort(),
            ServerTrust.fingerprint(node.fingerprint()),
            identity,
            "127.0.0.1",
            events);
    opened.add(client);
    return client;
  }
}
