package io.paywire.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.LocalCertificates;
import io.paywire.crypto.Pem;
import io.paywire.testing.OpenSsl;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's TLS certificate as other programs see it (openssl s_client and x509): the chain on
 * every listener, a validity browsers accept, and the renewal of a generated certificate that is
 * near its end, never of an operator's.
 */
class ServerCertificateTest {

  /** The longest server-certificate validity some TLS clients (Apple's) accept. */
  private static final Duration BROWSER_LIMIT = Duration.ofDays(825);

  private static final Pattern PEM_CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----");
  private static final DateTimeFormatter OPENSSL_DATE =
      DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ROOT);

  @TempDir Path dir;

  private static TestNode start(Path directory) throws Exception {
    return TestNode.start(directory, new JsonObject(), new JsonObject());
  }

  /** The certificates the server at {@code port} sends, as s_client shows them. */
  private int certificatesSent(int port) throws Exception {
    // The compatibility listener requires a client certificate: the handshake may fail after the
    // server sent its own, which is all that is looked at here.
    String output =
        OpenSsl.attempt(
                dir,
                "s_client",
                "-showcerts",
                "-servername",
                "localhost",
                "-connect",
                "127.0.0.1:" + port)
            .output();
    Matcher m = PEM_CERTIFICATE.matcher(output);
    int count = 0;
    while (m.find()) {
      count++;
    }
    return count;
  }

  private Instant opensslDate(Path certificate, String field) throws Exception {
    String output = OpenSsl.run(dir, "x509", "-in", certificate.toString(), "-noout", "-" + field);
    String date = output.trim().substring(output.indexOf('=') + 1).replaceAll(" +", " ");
    return ZonedDateTime.parse(date, OPENSSL_DATE).toInstant();
  }

  @Test
  void everyListenerSendsLeafAndCaAndTheLeafIsValidWithinTheBrowserLimit() throws Exception {
    OpenSsl.requireInstalled();
    try (TestNode node = start(dir)) {
      for (String endpoint : new String[] {"tls", "compat", "http"}) {
        assertThat(certificatesSent(node.port(endpoint))).as(endpoint).isEqualTo(2);
      }
    }
    Path leaf = dir.resolve("certs").resolve(LocalCertificates.SERVER_CERTIFICATE);
    Duration validity =
        Duration.between(opensslDate(leaf, "startdate"), opensslDate(leaf, "enddate"));
    assertThat(validity).isLessThanOrEqualTo(BROWSER_LIMIT);
    assertThat(validity).isEqualTo(LocalCertificates.SERVER_VALIDITY);
  }

  @Test
  void aGeneratedCertificateNearItsEndIsRenewedAtStartWithTheSameKey() throws Exception {
    OpenSsl.requireInstalled();
    start(dir).close();
    Path certs = dir.resolve("certs");
    Path leaf = certs.resolve(LocalCertificates.SERVER_CERTIFICATE);
    byte[] key = Files.readAllBytes(certs.resolve(LocalCertificates.SERVER_KEY));
    X509Certificate ending = nearItsEnd(certs);

    try (TestNode node = start(dir)) {
      assertThat(node.fingerprint()).isNotEqualTo(Certificates.sha256Fingerprint(ending));
      assertThat(opensslDate(leaf, "enddate"))
          .isAfter(Instant.now().plus(LocalCertificates.SERVER_VALIDITY).minus(Duration.ofDays(1)));
      assertThat(Files.readAllBytes(certs.resolve(LocalCertificates.SERVER_KEY)))
          .as("the key stays")
          .isEqualTo(key);
      String sent =
          OpenSsl.attempt(dir, "s_client", "-connect", "127.0.0.1:" + node.port("http")).output();
      assertThat(sent).contains(Pem.toPem(Pem.readCertificate(leaf)).trim());
    }
  }

  /**
   * Replaces the generated certificate by one for the same key from the same CA, valid ten more
   * days only: within the renewal margin.
   */
  private static X509Certificate nearItsEnd(Path certs) throws Exception {
    Path leaf = certs.resolve(LocalCertificates.SERVER_CERTIFICATE);
    X509Certificate ca = Pem.readCertificate(certs.resolve(LocalCertificates.CA_CERTIFICATE));
    KeyPair caKeys =
        new KeyPair(ca.getPublicKey(), Pem.readPrivateKey(certs.resolve(LocalCertificates.CA_KEY)));
    X509Certificate ending =
        Certificates.serverCertificate(
            caKeys,
            ca,
            Pem.readCertificate(leaf).getPublicKey(),
            LocalCertificates.SERVER_DNS_NAMES,
            LocalCertificates.SERVER_IP_ADDRESSES,
            Duration.ofDays(10));
    Pem.writeCertificate(leaf, ending);
    return ending;
  }

  @Test
  void aRunningNodeRenewsItsCertificateAndEveryListenerServesTheNewChain() throws Exception {
    OpenSsl.requireInstalled();
    try (TestNode node = start(dir)) {
      Path certs = dir.resolve("certs");
      X509Certificate ending = nearItsEnd(certs);
      assertThat(
              node.node()
                  .renewCertificate()
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS))
          .isTrue();
      String renewed =
          Pem.toPem(Pem.readCertificate(certs.resolve(LocalCertificates.SERVER_CERTIFICATE)))
              .trim();
      assertThat(renewed).isNotEqualTo(Pem.toPem(ending).trim());
      assertThat(node.fingerprint()).isNotEqualTo(Certificates.sha256Fingerprint(ending));
      for (String endpoint : new String[] {"tls", "compat", "http"}) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    OpenSsl.attempt(
                            dir,
                            "s_client",
                            "-showcerts",
                            "-connect",
                            "127.0.0.1:" + node.port(endpoint))
                        .output()
                        .contains(renewed));
        assertThat(certificatesSent(node.port(endpoint))).as(endpoint).isEqualTo(2);
      }
      assertThat(
              node.node()
                  .renewCertificate()
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS))
          .as("not due any more")
          .isFalse();
    }
  }

  @Test
  void anOperatorsCertificateIsNeverRenewed() throws Exception {
    OpenSsl.requireInstalled();
    KeyPair keys = KeyType.EC.generate();
    Path certificate = dir.resolve("operator.crt");
    Path key = dir.resolve("operator.key");
    Pem.writeCertificate(
        certificate, Certificates.selfSigned(keys, "localhost", Duration.ofDays(10)));
    Pem.writePrivateKey(key, keys.getPrivate());
    byte[] before = Files.readAllBytes(certificate);
    JsonObject tls =
        new JsonObject()
            .put(
                "tls",
                new JsonObject()
                    .put("certificateFile", certificate.toString())
                    .put("privateKeyFile", key.toString()));
    try (TestNode node = TestNode.startWith(dir, tls)) {
      assertThat(certificatesSent(node.port("http")))
          .as("the operator's file, as it is")
          .isEqualTo(1);
    }
    assertThat(Files.readAllBytes(certificate)).isEqualTo(before);
  }
}
