package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificatesTest {

  @TempDir Path directory;

  @Test
  void theFirstCallGeneratesACaAndAServerCertificate() throws Exception {
    Path certs = directory.resolve("node/certs");

    LocalCertificates.Identity identity = LocalCertificates.ensure(certs);

    assertThat(identity.generated()).isTrue();
    assertThat(identity.certificate()).isEqualTo(certs.resolve("server.crt")).isRegularFile();
    assertThat(identity.privateKey()).isEqualTo(certs.resolve("server.key")).isRegularFile();
    assertThat(identity.caCertificate()).isEqualTo(certs.resolve("ca.crt")).isRegularFile();
    assertThat(certs.resolve("ca.key")).isRegularFile();
    for (String key : List.of("server.key", "ca.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))))
          .as(key)
          .isEqualTo("rw-------");
    }
    X509Certificate server = Pem.readCertificate(identity.certificate());
    X509Certificate ca = Pem.readCertificate(identity.caCertificate());
    assertThat(identity.fingerprint()).isEqualTo(Certificates.sha256Fingerprint(server));
    assertThat(PublicKeys.typeOf(server.getPublicKey().getEncoded()))
        .contains(PublicKeys.Type.EC_P256);
    assertThat(PublicKeys.typeOf(ca.getPublicKey().getEncoded())).contains(PublicKeys.Type.EC_P256);
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=Paywire local CA");
    assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(server.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(
            Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant()))
        .as("notAfter - notBefore, within the 825 days browsers accept")
        .isEqualTo(LocalCertificates.SERVER_VALIDITY)
        .isLessThanOrEqualTo(Duration.ofDays(825));
    server.verify(ca.getPublicKey());
    assertThat(identity.chain()).as("leaf, then the CA").containsExactly(server, ca);
  }

  @Test
  void theSecondCallLoadsTheSameIdentity() throws Exception {
    LocalCertificates.Identity first = LocalCertificates.ensure(directory);

    LocalCertificates.Identity second = LocalCertificates.ensure(directory);

    assertThat(second.generated()).isFalse();
    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(second.privateKey()).isEqualTo(first.privateKey());
    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
  }

  @Test
  void removingTheServerFilesRenewsTheServerCertificateUnderTheSameCa() throws Exception {
    LocalCertificates.Identity first = LocalCertificates.ensure(directory);
    byte[] caBefore = Files.readAllBytes(first.caCertificate());
    Files.delete(first.certificate());
    Files.delete(first.privateKey());

    LocalCertificates.Identity renewed = LocalCertificates.ensure(directory);

    assertThat(renewed.generated()).isTrue();
    assertThat(renewed.fingerprint()).isNotEqualTo(first.fingerprint());
    assertThat(Files.readAllBytes(renewed.caCertificate())).isEqualTo(caBefore);
    Pem.readCertificate(renewed.certificate())
        .verify(Pem.readCertificate(renewed.caCertificate()).getPublicKey());
  }

  @Test
  void aServerKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
    LocalCertificates.Identity identity = LocalCertificates.ensure(directory);
    Pem.writePrivateKey(identity.privateKey(), KeyType.EC.generate().getPrivate());

    assertThatThrownBy(() -> LocalCertificates.ensure(directory))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("server.key does not match");
  }

  @Test
  void aLoneServerKeyIsNeitherUsedNorOverwritten() throws Exception {
    LocalCertificates.Identity identity = LocalCertificates.ensure(directory);
    Files.delete(identity.certificate());
    byte[] key = Files.readAllBytes(identity.privateKey());

    assertThatThrownBy(() -> LocalCertificates.ensure(directory))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("server.key exists but")
        .hasMessageContaining("server.crt does not");
    assertThat(Files.readAllBytes(identity.privateKey())).isEqualTo(key);
  }

  @Test
  void anOperatorsServerFilesWithoutCaAreUsedAsTheyAre() throws Exception {
    var keys = KeyType.RSA.generate();
    X509Certificate own = Certificates.selfSigned(keys, "pay.example", Duration.ofDays(90));
    Pem.writeCertificate(directory.resolve("server.crt"), own);
    Pem.writePrivateKey(directory.resolve("server.key"), keys.getPrivate());

    LocalCertificates.Identity identity = LocalCertificates.ensure(directory);

    assertThat(identity.generated()).isFalse();
    assertThat(identity.caCertificate()).isEqualTo(directory.resolve("server.crt"));
    assertThat(identity.fingerprint()).isEqualTo(Certificates.sha256Fingerprint(own));
    assertThat(directory.resolve("ca.key")).doesNotExist();
  }

  @Test
  void aClientPinningTheFingerprintCompletesATlsHandshake() throws Exception {
    LocalCertificates.Identity identity = LocalCertificates.ensure(directory);
    SSLContext client =
        Tls.context(null, null, PinnedServerTrust.fingerprint(identity.fingerprint()));

    // The host name plays no part in pinning.
    Tls.handshake(serverContext(identity), false, client, "anything.example");
  }

  @Test
  void aClientPinningAnotherFingerprintFailsTheHandshake() throws Exception {
    LocalCertificates.Identity identity = LocalCertificates.ensure(directory);
    String other =
        Certificates.sha256Fingerprint(
            Certificates.selfSigned(KeyType.EC.generate(), "other", Duration.ofDays(1)));
    SSLContext client = Tls.context(null, null, PinnedServerTrust.fingerprint(other));

    assertThatThrownBy(() -> Tls.handshake(serverContext(identity), false, client, "localhost"))
        .isInstanceOf(SSLException.class)
        .hasStackTraceContaining("is not the pinned one");
  }

  @Test
  void aClientTrustingTheLocalCaReachesLocalhostByNameAndByAddress() throws Exception {
    LocalCertificates.Identity identity = LocalCertificates.ensure(directory);
    SSLContext client =
        Tls.context(
            null,
            null,
            PinnedServerTrust.authority(Pem.readCertificates(identity.caCertificate())));

    Tls.handshake(serverContext(identity), false, client, "localhost");
    Tls.handshake(serverContext(identity), false, client, "127.0.0.1");
  }

  /** The server as a node would set it up: key and certificate chain read back from the files. */
  private static SSLContext serverContext(LocalCertificates.Identity identity) throws Exception {
    X509Certificate server = Pem.readCertificate(identity.certificate());
    X509Certificate ca = Pem.readCertificate(identity.caCertificate());
    return Tls.context(
        Pem.readPrivateKey(identity.privateKey()), new X509Certificate[] {server, ca}, null);
  }

  @Test
  void theRegistrationKeyIsMadeOnceKeptPrivateAndReloaded() throws Exception {
    KeyPair made = LocalCertificates.registrationKeys(directory);
    KeyPair again = LocalCertificates.registrationKeys(directory);
    assertThat(again.getPublic().getEncoded()).isEqualTo(made.getPublic().getEncoded());
    assertThat(((RSAKey) made.getPublic()).getModulus().bitLength())
        .isEqualTo(LocalCertificates.REGISTRATION_RSA_BITS);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(
                    directory.resolve(LocalCertificates.REGISTRATION_KEY))))
        .isEqualTo("rw-------");
    byte[] sealed =
        RegistrationCipher.open(
            again.getPrivate(),
            RegistrationCipher.seal(
                made.getPublic(), new byte[] {1, 2, 3}, RegistrationCipher.Mode.GCM));
    assertThat(sealed).containsExactly(1, 2, 3);
  }

  @Test
  void aRegistrationKeyWithoutItsPublicHalfIsAnErrorNotReplaced() throws Exception {
    LocalCertificates.registrationKeys(directory);
    Files.delete(directory.resolve(LocalCertificates.REGISTRATION_PUBLIC_KEY));
    assertThatThrownBy(() -> LocalCertificates.registrationKeys(directory))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not");
  }
}
