package io.paywire.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.testing.TestNode;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that does not trust the server says which server, which CA file and why. */
class ServerTrustErrorTest {

  @TempDir Path dir;

  @Test
  void aCaThatDidNotIssueTheServersCertificateIsNamedWithTheServer() throws Exception {
    KeyPair otherCaKeys = KeyType.EC.generate();
    Path otherCa = dir.resolve("other-ca.crt");
    Pem.writeCertificate(
        otherCa, Certificates.certificateAuthority(otherCaKeys, "Other CA", Duration.ofDays(1)));
    try (TestNode node = TestNode.start(dir.resolve("node"))) {
      String server = "127.0.0.1:" + node.tlsPort();
      assertThatThrownBy(
              () ->
                  PaywireClient.connect(
                          "127.0.0.1",
                          node.tlsPort(),
                          ServerTrust.authority(otherCa),
                          null,
                          "127.0.0.1",
                          event -> {})
                      .close())
          .isInstanceOf(ClientException.class)
          .hasMessageContaining(server)
          .hasMessageContaining(otherCa.toString())
          .hasMessageContaining("not issued by");
    }
  }
}
