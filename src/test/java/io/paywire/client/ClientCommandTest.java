package io.paywire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paywire.crypto.Pem;
import io.paywire.crypto.RegistrationCipher;
import io.paywire.ledger.Fingerprint;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.ChildJvm;
import io.paywire.testing.FreePorts;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keygen and client subcommands as users run them: child JVMs against a real node. */
class ClientCommandTest {

  private static final long EXIT_TIMEOUT_MILLIS = 60_000;
  private static final String MAIN = "io.paywire.Paywire";

  @TempDir Path dir;

  private TestNode node;

  @BeforeEach
  void startNode() throws Exception {
    node = TestNode.start(dir.resolve("node"));
  }

  @AfterEach
  void stopNode() throws Exception {
    node.close();
  }

  @Test
  void keygenWritesAPrivateKeyOnlyItsOwnerCanReadAndRefusesToOverwriteIt() throws Exception {
    try (ChildJvm keygen =
        ChildJvm.start(dir, MAIN, "keygen", "--name", "Joanne", "--type", "ec", "--out", "keys")) {
      assertThat(keygen.awaitExit(EXIT_TIMEOUT_MILLIS))
          .as("stderr %s", keygen.stderr())
          .isEqualTo(0);
      Path key = dir.resolve("keys/Joanne.key");
      assertThat(Files.getPosixFilePermissions(key))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
      String fingerprint =
          Fingerprint.of(
              Pem.readCertificate(dir.resolve("keys/Joanne.crt")).getPublicKey().getEncoded());
      List<String> out = keygen.remainingStdout();
      assertThat(out).contains("fingerprint sha256 " + fingerprint);
      assertThat(String.join("\n", out))
          .doesNotContain(Files.readString(key).lines().skip(1).findFirst().orElseThrow());
    }
    String before = Files.readString(dir.resolve("keys/Joanne.key"));
    try (ChildJvm again =
        ChildJvm.start(dir, MAIN, "keygen", "--name", "Joanne", "--out", "keys")) {
      assertThat(again.awaitExit(EXIT_TIMEOUT_MILLIS)).isEqualTo(1);
      assertThat(String.join("\n", again.stderr())).contains("Joanne.key already exists");
    }
    assertThat(Files.readString(dir.resolve("keys/Joanne.key"))).isEqualTo(before);
  }

  @Test
  void clientPinnedByFingerprintRegistersLogsInAndLists() throws Exception {
    keygen("Joanne");
    try (ChildJvm client =
        client(
            "Joanne",
            "--exec",
            "REGISTER#Joanne#2000",
            "--exec",
            "Joanne#0",
            "--exec",
            "LIST",
            "--exec",
            "KEY#Joanne")) {
      assertThat(client.awaitExit(EXIT_TIMEOUT_MILLIS))
          .as("stderr %s", client.stderr())
          .isEqualTo(0);
      List<String> out = client.remainingStdout();
      assertThat(out)
          .containsSubsequence(
              "100 OK", "2000", "1", "Joanne#127.0.0.1#0", "2000", "1", "Joanne#127.0.0.1#0");
      assertThat(out).anyMatch(line -> line.startsWith("KEY Joanne "));
    }
  }

  @Test
  void clientTrustingTheNodesCaChecksTheHostName() throws Exception {
    String ca = node.node().identity().caCertificate().toString();
    try (ChildJvm byName =
        ChildJvm.start(
            dir,
            MAIN,
            "client",
            "--host",
            "localhost",
            "--port",
            Integer.toString(node.tlsPort()),
            "--ca",
            ca,
            "--exec",
            "LIST")) {
      assertThat(byName.awaitExit(EXIT_TIMEOUT_MILLIS))
          .as("stderr %s", byName.stderr())
          .isEqualTo(0);
      assertThat(byName.remainingStdout()).containsExactly("Please login to access the list!");
    }
    // A CA that did not sign the node's certificate: no connection.
    keygen("Stranger");
    try (ChildJvm wrongCa =
        ChildJvm.start(
            dir,
            MAIN,
            "client",
            "--port",
            Integer.toString(node.tlsPort()),
            "--ca",
            "Stranger.crt",
            "--exec",
            "LIST")) {
      assertThat(wrongCa.awaitExit(EXIT_TIMEOUT_MILLIS)).isEqualTo(1);
      assertThat(String.join("\n", wrongCa.stderr()))
          .contains("cannot connect")
          .contains("not issued by the CA Stranger.crt");
    }
  }

  @Test
  void wrongServerFingerprintFailsToConnectWithAClearErrorAndExitCode1() throws Exception {
    String wrong =
        node.fingerprint().startsWith("0")
            ? "1" + node.fingerprint().substring(1)
            : "0" + node.fingerprint().substring(1);
    try (ChildJvm client =
        ChildJvm.start(
            dir,
            MAIN,
            "client",
            "--port",
            Integer.toString(node.tlsPort()),
            "--server-fingerprint",
            wrong,
            "--exec",
            "LIST")) {
      assertThat(client.awaitExit(EXIT_TIMEOUT_MILLIS)).isEqualTo(1);
      assertThat(String.join("\n", client.stderr()))
          .contains("cannot connect to 127.0.0.1:" + node.tlsPort())
          .contains("is not the pinned one");
      assertThat(client.remainingStdout()).isEmpty();
    }
  }

  @Test
  void twoClientProcessesMakeAPeerPayment() throws Exception {
    keygen("Joanne");
    keygen("Lily");
    int lilyPort = FreePorts.one();
    try (ChildJvm lily =
        client(
            "Lily",
            "--exec",
            "REGISTER#Lily#500",
            "--exec",
            "Lily#" + lilyPort,
            "--exec",
            "wait 60")) {
      List<String> lilyOut = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                lilyOut.addAll(lily.remainingStdout());
                return lilyOut.contains("Lily#127.0.0.1#" + lilyPort);
              });

      try (ChildJvm joanne =
          client(
              "Joanne",
              "--exec",
              "REGISTER#Joanne#2000",
              "--exec",
              "Joanne#0",
              "--exec",
              "peerpay Lily 100",
              "--exec",
              "HISTORY#1")) {
        assertThat(joanne.awaitExit(EXIT_TIMEOUT_MILLIS))
            .as("stderr %s", joanne.stderr())
            .isEqualTo(0);
        List<String> out = joanne.remainingStdout();
        assertThat(out).anyMatch(line -> line.startsWith("TRANS OK "));
        assertThat(out).anyMatch(line -> line.endsWith("#Joanne#Lily#100"));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                lilyOut.addAll(lily.remainingStdout());
                return lilyOut.stream().anyMatch(line -> line.startsWith("TRANS OK "));
              });
      assertThat(lilyOut)
          .containsSubsequence(
              "Transaction message:",
              "Joanne#100#Lily",
              "Message sent to server..",
              "Server response:");
    }
  }

  /**
   * What the console's backup card says: the key downloaded after registering in a browser logs in
   * with {@code paywire client --key NAME.key} alone. The key is made by the console's own keys.js
   * under Node's WebCrypto and registered over HTTPS with its public key, as the console does; the
   * client then pays with it, which the server accepts only from that key.
   */
  @Test
  void keyDownloadedFromTheConsoleLogsInAndPaysWithKeyAlone() throws Exception {
    String made = consoleKey("Joanne");
    Files.writeString(
        dir.resolve("Joanne.key"), made.substring(0, made.indexOf("-----BEGIN PUBLIC")));
    String publicPem = made.substring(made.indexOf("-----BEGIN PUBLIC"));
    ApiClient api = ApiClient.of(node, dir.resolve("node"));
    JsonObject fields =
        new JsonObject()
            .put("student_id", "Joanne")
            .put("public_key", publicPem)
            .put("deposit", 2000);
    assertThat(
            api.post(
                    "/register",
                    ApiUser.seal(
                        api,
                        fields.encode().getBytes(StandardCharsets.UTF_8),
                        RegistrationCipher.Mode.CBC))
                .status())
        .isEqualTo(201);
    keygen("Lily");
    try (ChildJvm lily = client("Lily", "--exec", "REGISTER#Lily#500")) {
      assertThat(lily.awaitExit(EXIT_TIMEOUT_MILLIS)).as("stderr %s", lily.stderr()).isEqualTo(0);
    }
    try (ChildJvm joanne =
        ChildJvm.start(
            dir,
            MAIN,
            "client",
            "--port",
            Integer.toString(node.tlsPort()),
            "--server-fingerprint",
            node.fingerprint(),
            "--key",
            "Joanne.key",
            "--exec",
            "Joanne#0",
            "--exec",
            "PAY#Lily#150")) {
      assertThat(joanne.awaitExit(EXIT_TIMEOUT_MILLIS))
          .as("stderr %s", joanne.stderr())
          .isEqualTo(0);
      List<String> out = joanne.remainingStdout();
      assertThat(out)
          .as("stderr %s", joanne.stderr())
          .contains("Joanne#127.0.0.1#0")
          .anyMatch(line -> line.startsWith("TRANS OK ") && line.endsWith(" 1850"));
    }
  }

  /** A key pair made by webroot/assets/keys.js (the console's code) under Node: two PEM blocks. */
  private String consoleKey(String name) throws Exception {
    Path keys = Path.of("webroot/assets/keys.js").toAbsolutePath();
    Process node =
        new ProcessBuilder(
                "node",
                "--input-type=module",
                "-e",
                "import { createKey } from '"
                    + keys.toUri()
                    + "';"
                    + "const made = await createKey('"
                    + name
                    + "');"
                    + "process.stdout.write(made.backupPem + made.entry.publicKeyPem);")
            .redirectErrorStream(true)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(out).isEqualTo(0);
    assertThat(out).startsWith("-----BEGIN PRIVATE KEY-----");
    return out;
  }

  private void keygen(String name) throws Exception {
    try (ChildJvm keygen = ChildJvm.start(dir, MAIN, "keygen", "--name", name, "--type", "ec")) {
      assertThat(keygen.awaitExit(EXIT_TIMEOUT_MILLIS))
          .as("stderr %s", keygen.stderr())
          .isEqualTo(0);
    }
  }

  private ChildJvm client(String name, String... commands) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "client",
                "--port",
                Integer.toString(node.tlsPort()),
                "--server-fingerprint",
                node.fingerprint(),
                "--key",
                name + ".key",
                "--cert",
                name + ".crt"));
    args.addAll(List.of(commands));
    return ChildJvm.start(dir, MAIN, args.toArray(String[]::new));
  }
}
