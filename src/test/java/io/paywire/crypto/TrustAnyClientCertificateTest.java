package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrustAnyClientCertificateTest {

  private static final Instant LONG_AGO = Instant.parse("2015-01-01T00:00:00Z");
  private static final Instant EXPIRED_AT = Instant.parse("2016-01-01T00:00:00Z");

  private final TrustAnyClientCertificate trust = new TrustAnyClientCertificate();

  @TempDir Path directory;

  @Test
  void acceptsAnExpiredSelfSignedCertificate() {
    X509Certificate expired =
        Certificates.selfSigned(KeyType.EC.generate(), "alice", LONG_AGO, EXPIRED_AT);
    X509Certificate[] chain = {expired};
    assertThatThrownBy(expired::checkValidity).isInstanceOf(CertificateExpiredException.class);

    assertThatNoException().isThrownBy(() -> trust.checkClientTrusted(chain, "UNKNOWN"));
    assertThatNoException()
        .isThrownBy(() -> trust.checkClientTrusted(chain, "UNKNOWN", (SSLEngine) null));
    assertThatNoException()
        .isThrownBy(() -> trust.checkClientTrusted(chain, "UNKNOWN", (Socket) null));
  }

  @Test
  void rejectsAnEmptyOrMissingChain() {
    assertThatThrownBy(() -> trust.checkClientTrusted(new X509Certificate[0], "UNKNOWN"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> trust.checkClientTrusted(null, "UNKNOWN"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(
            () -> trust.checkClientTrusted(new X509Certificate[0], "UNKNOWN", (SSLEngine) null))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void trustsNoServerAndNamesNoIssuers() {
    X509Certificate certificate =
        Certificates.selfSigned(KeyType.EC.generate(), "server", Duration.ofDays(1));

    assertThatThrownBy(
            () -> trust.checkServerTrusted(new X509Certificate[] {certificate}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(
            () ->
                trust.checkServerTrusted(
                    new X509Certificate[] {certificate}, "ECDHE_ECDSA", (SSLEngine) null))
        .isInstanceOf(CertificateException.class);
    assertThat(trust.getAcceptedIssuers()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aServerRequiringClientCertificatesAcceptsAnExpiredOneOverTls(KeyType clientType)
      throws Exception {
    LocalCertificates.Identity identity = LocalCertificates.ensure(directory);
    SSLContext server =
        Tls.context(
            Pem.readPrivateKey(identity.privateKey()),
            new X509Certificate[] {Pem.readCertificate(identity.certificate())},
            trust);
    KeyPair alice = clientType.generate();
    X509Certificate expired = Certificates.selfSigned(alice, "alice", LONG_AGO, EXPIRED_AT);
    SSLContext client =
        Tls.context(
            alice.getPrivate(),
            new X509Certificate[] {expired},
            PinnedServerTrust.fingerprint(identity.fingerprint()));

    Certificate[] seen = Tls.handshake(server, true, client, "localhost");

    // What the server identifies the user by: the public key, as registered with the account.
    assertThat(seen).hasSize(1);
    assertThat(seen[0].getPublicKey().getEncoded()).isEqualTo(alice.getPublic().getEncoded());
  }
}
