package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.testing.OpenSsl;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificatesTest {

  private static final Map<KeyType, String> SIGNATURE_OIDS =
      Map.of(
          KeyType.RSA, "1.2.840.113549.1.1.11", // sha256WithRSAEncryption
          KeyType.EC, "1.2.840.10045.4.3.2", // ecdsa-with-SHA256
          KeyType.ED25519, "1.3.101.112"); // id-Ed25519
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
  private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void selfSignedCertificatesVerifyWithTheirOwnKey(KeyType type) throws Exception {
    KeyPair keys = type.generate();
    Instant before = Instant.now();

    X509Certificate certificate = Certificates.selfSigned(keys, "alice", Duration.ofDays(30));

    certificate.verify(keys.getPublic());
    certificate.checkValidity();
    assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=alice");
    assertThat(certificate.getIssuerX500Principal())
        .isEqualTo(certificate.getSubjectX500Principal());
    assertThat(certificate.getSigAlgOID()).isEqualTo(SIGNATURE_OIDS.get(type));
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    assertThat(certificate.getNotBefore().toInstant())
        .isBetween(before.minusSeconds(61), before.minusSeconds(59));
    assertThat(certificate.getNotAfter().toInstant())
        .isBetween(
            before.plus(Duration.ofDays(30)).minusSeconds(1),
            Instant.now().plus(Duration.ofDays(30)));
  }

  @Test
  void serialsAreRandomPositive128BitNumbers() {
    KeyPair keys = KeyType.ED25519.generate();
    X509Certificate one = Certificates.selfSigned(keys, "a", Duration.ofDays(1));
    X509Certificate two = Certificates.selfSigned(keys, "a", Duration.ofDays(1));

    assertThat(one.getSerialNumber().signum()).isPositive();
    assertThat(one.getSerialNumber().bitLength()).isEqualTo(128);
    assertThat(one.getSerialNumber()).isNotEqualTo(two.getSerialNumber());
  }

  @Test
  void selfSignedAcceptsDatesInThePastButNotReversedOnes() {
    KeyPair keys = KeyType.EC.generate();
    Instant notBefore = Instant.parse("2020-01-01T00:00:00Z");
    Instant notAfter = Instant.parse("2021-01-01T00:00:00Z");

    X509Certificate expired = Certificates.selfSigned(keys, "old", notBefore, notAfter);

    assertThat(expired.getNotAfter().toInstant()).isEqualTo(notAfter);
    assertThatThrownBy(() -> Certificates.selfSigned(keys, "x", notAfter, notBefore))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Certificates.selfSigned(keys, "x", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Certificates.selfSigned(keys, " ", Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void certificateAuthoritiesMaySignCertificatesAndCrls() throws Exception {
    KeyPair keys = KeyType.EC.generate();

    X509Certificate ca = Certificates.certificateAuthority(keys, "Test CA", Duration.ofDays(365));

    ca.verify(keys.getPublic());
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    boolean[] usage = ca.getKeyUsage();
    assertThat(usage[5]).as("keyCertSign").isTrue();
    assertThat(usage[6]).as("cRLSign").isTrue();
    assertThat(usage[0]).as("digitalSignature").isFalse();
    assertThat(ca.getExtensionValue(SUBJECT_KEY_IDENTIFIER)).isNotNull();
    assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void serverCertificatesChainToTheirCaAndNameTheServer(KeyType caType) throws Exception {
    KeyPair caKeys = caType.generate();
    X509Certificate ca = Certificates.certificateAuthority(caKeys, "Test CA", Duration.ofDays(365));
    KeyPair serverKeys = KeyType.EC.generate();

    X509Certificate server =
        Certificates.serverCertificate(
            caKeys,
            ca,
            serverKeys.getPublic(),
            List.of("localhost", "pay.example"),
            List.of("127.0.0.1", "::1"),
            Duration.ofDays(90));

    validateWithPkix(server, ca);
    assertThat(server.getPublicKey()).isEqualTo(serverKeys.getPublic());
    assertThat(server.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(server.getSigAlgOID()).isEqualTo(SIGNATURE_OIDS.get(caType));
    assertThat(server.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(2, "localhost"),
            List.of(2, "pay.example"),
            List.of(7, "127.0.0.1"),
            List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(server.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(server.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(server.getExtensionValue(AUTHORITY_KEY_IDENTIFIER)).isNotNull();
  }

  @Test
  void serverCertificatesRefuseCaKeysOfAnotherCaAndMissingNames() {
    KeyPair caKeys = KeyType.EC.generate();
    X509Certificate ca = Certificates.certificateAuthority(caKeys, "Test CA", Duration.ofDays(365));
    var serverKey = KeyType.EC.generate().getPublic();

    assertThatThrownBy(
            () ->
                Certificates.serverCertificate(
                    KeyType.EC.generate(),
                    ca,
                    serverKey,
                    List.of("localhost"),
                    List.of(),
                    Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Certificates.serverCertificate(
                    caKeys, ca, serverKey, List.of(), List.of(), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Certificates.serverCertificate(
                    caKeys, ca, serverKey, List.of(), List.of("localhost"), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fingerprintsAre64LowercaseHexDigits() {
    X509Certificate certificate =
        Certificates.selfSigned(KeyType.EC.generate(), "x", Duration.ofDays(1));

    assertThat(Certificates.sha256Fingerprint(certificate)).matches("[0-9a-f]{64}");
  }

  @Test
  void fingerprintsMatchOpenssl() throws Exception {
    OpenSsl.requireInstalled();
    X509Certificate certificate =
        Certificates.selfSigned(KeyType.RSA.generate(), "x", Duration.ofDays(1));
    Pem.writeCertificate(directory.resolve("cert.pem"), certificate);

    // Prints e.g. "sha256 Fingerprint=AB:CD:...".
    String output =
        OpenSsl.run(directory, "x509", "-noout", "-fingerprint", "-sha256", "-in", "cert.pem");
    String opensslFingerprint = output.trim().substring(output.indexOf('=') + 1);

    assertThat(Certificates.normalizeFingerprint(opensslFingerprint))
        .isEqualTo(Certificates.sha256Fingerprint(certificate));
  }

  @Test
  void normalizeFingerprintAcceptsColonsAndAnyCase() {
    String hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    String openssl =
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

    assertThat(Certificates.normalizeFingerprint(hex)).isEqualTo(hex);
    assertThat(Certificates.normalizeFingerprint(hex.toUpperCase(Locale.ROOT))).isEqualTo(hex);
    assertThat(Certificates.normalizeFingerprint(openssl)).isEqualTo(hex);
  }

  @Test
  void normalizeFingerprintRefusesWrongLengthsAndNonHex() {
    String hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    for (String bad :
        new String[] {"", hex.substring(2), hex + "00", hex.replace('a', 'g'), "sha256=" + hex}) {
      assertThatThrownBy(() -> Certificates.normalizeFingerprint(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Certificates.normalizeFingerprint(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void validateWithPkix(X509Certificate server, X509Certificate ca)
      throws Exception {
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(server));
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(path, parameters);
  }
}
