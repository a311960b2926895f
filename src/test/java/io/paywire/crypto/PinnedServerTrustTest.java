package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class PinnedServerTrustTest {

  private static final KeyPair CA_KEYS = KeyType.EC.generate();
  private static final X509Certificate CA =
      Certificates.certificateAuthority(CA_KEYS, "Test CA", Duration.ofDays(30));
  private static final KeyPair SERVER_KEYS = KeyType.EC.generate();
  private static final X509Certificate SERVER =
      Certificates.serverCertificate(
          CA_KEYS,
          CA,
          SERVER_KEYS.getPublic(),
          List.of("localhost", "*.pay.example"),
          List.of("127.0.0.1", "::1"),
          Duration.ofDays(30));

  @Test
  void aPinTrustsItsCertificateEvenExpiredAndNoOther() {
    KeyPair keys = KeyType.ED25519.generate();
    X509Certificate expired =
        Certificates.selfSigned(
            keys,
            "peer",
            Instant.parse("2015-01-01T00:00:00Z"),
            Instant.parse("2016-01-01T00:00:00Z"));
    PinnedServerTrust trust =
        PinnedServerTrust.fingerprint(
            Certificates.sha256Fingerprint(expired).toUpperCase(Locale.ROOT));

    assertThatNoException()
        .isThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {expired}, "UNKNOWN"));
    assertThatThrownBy(
            () -> trust.checkServerTrusted(new X509Certificate[] {SERVER, CA}, "UNKNOWN"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not the pinned one");
    assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[0], "UNKNOWN"))
        .isInstanceOf(CertificateException.class);
    Assertions.assertThat(trust.getAcceptedIssuers()).isEmpty();
  }

  @Test
  void malformedPinsAndEmptyAuthoritiesAreRefused() {
    assertThatThrownBy(() -> PinnedServerTrust.fingerprint("abc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PinnedServerTrust.authority(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neitherModeTrustsClients() {
    X509Certificate[] chain = {SERVER};
    for (PinnedServerTrust trust :
        List.of(
            PinnedServerTrust.fingerprint(Certificates.sha256Fingerprint(SERVER)),
            PinnedServerTrust.authority(List.of(CA)))) {
      assertThatThrownBy(() -> trust.checkClientTrusted(chain, "UNKNOWN"))
          .isInstanceOf(CertificateException.class);
    }
  }

  @Test
  void authorityModeValidatesTheChainWithPkix() throws Exception {
    KeyPair otherCaKeys = KeyType.EC.generate();
    X509Certificate otherCa =
        Certificates.certificateAuthority(otherCaKeys, "Other CA", Duration.ofDays(30));
    X509Certificate foreign =
        Certificates.serverCertificate(
            otherCaKeys,
            otherCa,
            SERVER_KEYS.getPublic(),
            List.of("localhost"),
            List.of(),
            Duration.ofDays(30));
    SSLContext client = Tls.context(null, null, PinnedServerTrust.authority(List.of(CA)));

    Tls.handshake(
        Tls.context(SERVER_KEYS.getPrivate(), new X509Certificate[] {SERVER, CA}, null),
        false,
        client,
        "localhost");
    assertThatThrownBy(
            () ->
                Tls.handshake(
                    Tls.context(
                        SERVER_KEYS.getPrivate(), new X509Certificate[] {foreign, otherCa}, null),
                    false,
                    client,
                    "localhost"))
        .isInstanceOf(SSLException.class);
    Assertions.assertThat(PinnedServerTrust.authority(List.of(CA)).getAcceptedIssuers())
        .containsExactly(CA);
  }

  @Test
  void hostsMatchTheSubjectAlternativeNames() throws Exception {
    SSLContext server =
        Tls.context(SERVER_KEYS.getPrivate(), new X509Certificate[] {SERVER, CA}, null);
    SSLContext client = Tls.context(null, null, PinnedServerTrust.authority(List.of(CA)));
    for (String host : List.of("localhost", "a.pay.example", "127.0.0.1")) {
      assertThatNoException().as(host).isThrownBy(() -> Tls.handshake(server, false, client, host));
    }
    for (String host :
        List.of("example.com", "pay.example", "a.b.pay.example", "localhost.evil", "127.0.0.2")) {
      assertThatThrownBy(() -> Tls.handshake(server, false, client, host))
          .as(host)
          .isInstanceOf(SSLException.class);
    }
  }

  @Test
  void authorityModeFailsClosedWithoutEndpointIdentification() throws Exception {
    SSLContext server =
        Tls.context(SERVER_KEYS.getPrivate(), new X509Certificate[] {SERVER, CA}, null);
    SSLContext client = Tls.context(null, null, PinnedServerTrust.authority(List.of(CA)));
    // The right host, the right CA: still refused when nothing would check the host.
    assertThatThrownBy(() -> Tls.handshake(server, false, client, "localhost", false))
        .isInstanceOf(SSLException.class)
        .hasStackTraceContaining("endpoint identification is off");
    assertThatThrownBy(
            () ->
                PinnedServerTrust.authority(List.of(CA))
                    .checkServerTrusted(new X509Certificate[] {SERVER, CA}, "UNKNOWN"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void authorityModeChecksTheHostOverASocket() throws Exception {
    SSLContext server =
        Tls.context(SERVER_KEYS.getPrivate(), new X509Certificate[] {SERVER, CA}, null);
    SSLContext client = Tls.context(null, null, PinnedServerTrust.authority(List.of(CA)));

    Tls.handshake(server, false, client, "a.pay.example");
    assertThatThrownBy(() -> Tls.handshake(server, false, client, "example.com"))
        .isInstanceOf(SSLException.class)
        .hasStackTraceContaining("example.com");
  }

  @Test
  void authorityModeChecksTheHostOverAnEngine() throws Exception {
    SSLContext server =
        Tls.context(SERVER_KEYS.getPrivate(), new X509Certificate[] {SERVER, CA}, null);
    SSLContext client = Tls.context(null, null, PinnedServerTrust.authority(List.of(CA)));

    Tls.engineHandshake(server, client, "localhost");
    assertThatThrownBy(() -> Tls.engineHandshake(server, client, "example.com"))
        .isInstanceOf(SSLException.class)
        .hasStackTraceContaining("example.com");
  }
}
