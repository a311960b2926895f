package io.paywire.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.Pem;
import io.paywire.ledger.TransferId;
import io.paywire.protocol.SignedText;
import io.paywire.testing.OpenSsl;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys, certificates and signatures made by the openssl command line, as other programs make them,
 * not by Paywire's own code; and a session typed into {@code openssl s_client}.
 */
class OpensslInteropTest {

  private static final String OPENSSL = "/usr/bin/openssl";
  @TempDir static Path directory;
  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    // Installed by the README's test command: a missing tool fails the run, it never skips.
    assertThat(Path.of(OPENSSL)).as("openssl is not installed (see README)").isExecutable();
    node = TestNode.start(directory);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  /** Runs openssl; fails the test with its output unless it exits 0. */
  private static String openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(OPENSSL));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("openssl %s: %s", command, output).isZero();
    return output;
  }

  /** A key and self-signed certificate made by {@code openssl req}. */
  private static String makeUser(String name, String type) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "req",
                "-x509",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=" + name,
                "-keyout",
                name + ".key",
                "-out",
                name + ".crt"));
    switch (type) {
      case "rsa" -> args.addAll(List.of("-newkey", "rsa:2048"));
      case "ec" ->
          args.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
      default -> args.addAll(List.of("-newkey", "ed25519"));
    }
    openssl(args.toArray(String[]::new));
    return name;
  }

  private static TlsLineClient connectAs(String name) throws Exception {
    X509Certificate certificate = Pem.readCertificate(directory.resolve(name + ".crt"));
    KeyPair keys =
        new KeyPair(
            certificate.getPublicKey(), Pem.readPrivateKey(directory.resolve(name + ".key")));
    return TlsLineClient.connect(node.tlsPort(), node.fingerprint(), keys, certificate);
  }

  /** Signs {@code text} with openssl as its documentation says, for the key's type. */
  private static String opensslSign(String name, String type, byte[] text) throws Exception {
    Path input = Files.write(directory.resolve(name + ".txt"), text);
    Path signature = directory.resolve(name + ".sig");
    if (type.equals("ed25519")) {
      openssl(
          "pkeyutl",
          "-sign",
          "-rawin",
          "-inkey",
          name + ".key",
          "-in",
          input.toString(),
          "-out",
          signature.toString());
    } else {
      openssl(
          "dgst",
          "-sha256",
          "-sign",
          name + ".key",
          "-out",
          signature.toString(),
          input.toString());
    }
    return Base64.getEncoder().encodeToString(Files.readAllBytes(signature));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa", "ec", "ed25519"})
  void transSignedByOpensslIsAccepted(String type) throws Exception {
    String payer = makeUser("payer" + type, type);
    String payee = makeUser("payee" + type, type);
    try (TlsLineClient p = connectAs(payer);
        TlsLineClient q = connectAs(payee)) {
      assertThat(p.ask("REGISTER#" + payer + "#1000")).isEqualTo("100 OK");
      assertThat(q.ask("REGISTER#" + payee + "#10")).isEqualTo("100 OK");
      assertThat(p.askList(payer + "#0").get(0)).isEqualTo("1000");
      assertThat(q.askList(payee + "#0").get(0)).isEqualTo("10");

      TransferId id = TransferId.random(new SecureRandom());
      String payerSignature =
          opensslSign(payer, type, SignedText.signedByPayer(payer, 400, payee, id));
      String payeeSignature =
          opensslSign(payee, type, SignedText.signedByPayee(payer, 400, payee, id, payerSignature));
      assertThat(q.ask(SignedText.transLine(payer, 400, payee, id, payerSignature, payeeSignature)))
          .isEqualTo("TRANS OK " + id);
      assertThat(p.askList("LIST").get(0)).isEqualTo("600");
      assertThat(q.askList("LIST").get(0)).isEqualTo("410");
    }
  }

  /** As docs/protocol.md types it: the server's certificate checked against certs/ca.crt. */
  @Test
  void theSessionInDocsProtocolWorksTypedIntoOpensslSClient() throws Exception {
    String alice = makeUser("alice", "ec");
    Process client =
        new ProcessBuilder(
                OPENSSL,
                "s_client",
                "-quiet",
                "-CAfile",
                "certs/ca.crt",
                "-verify_return_error",
                "-cert",
                alice + ".crt",
                "-key",
                alice + ".key",
                "-connect",
                "127.0.0.1:" + node.tlsPort())
            .directory(directory.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      // s_client sends what it reads, line by line; EXIT makes the server close, and it ends.
      client
          .getOutputStream()
          .write(("REGISTER#alice#2000\nalice#0\nHELP\nEXIT\n").getBytes(StandardCharsets.UTF_8));
      client.getOutputStream().flush();
      String transcript =
          new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(transcript.lines().toList())
          .startsWith("Connection accepted!", "100 OK", "2000", "1", "alice#127.0.0.1#0", "9");
      assertThat(transcript.lines().toList()).endsWith("Bye");
    } finally {
      client.destroyForcibly();
    }
  }

  @Test
  void openSslSClientWithVerifyReturnErrorRefusesAServerItsCaFileDoesNotVouchFor()
      throws Exception {
    String stranger = makeUser("stranger", "ec");
    OpenSsl.Result result =
        OpenSsl.attempt(
            directory,
            "s_client",
            "-quiet",
            "-CAfile",
            stranger + ".crt",
            "-verify_return_error",
            "-connect",
            "127.0.0.1:" + node.tlsPort());
    assertThat(result.exitCode()).as(result.output()).isNotEqualTo(0);
    assertThat(result.output()).contains("verify error").doesNotContain("Connection accepted!");
  }

  @Test
  void tlsBelowVersion12IsRefused() throws Exception {
    // SECLEVEL=0 lets openssl offer TLS 1.1 at all, so the refusal seen is the server's.
    Process client =
        new ProcessBuilder(
                OPENSSL,
                "s_client",
                "-tls1_1",
                "-cipher",
                "DEFAULT@SECLEVEL=0",
                "-connect",
                "127.0.0.1:" + node.tlsPort())
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .start();
    client.getOutputStream().close();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).doesNotContain("Connection accepted!").contains("alert protocol version");
  }
}
