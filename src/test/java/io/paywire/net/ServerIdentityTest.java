package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.config.PaywireConfig;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's certificate or key that cannot be used stops the start naming file and setting. */
class ServerIdentityTest {

  @TempDir Path dir;

  private static PaywireConfig.Tls tls(Path certificate, Path key) {
    PaywireConfig.Tls defaults = PaywireConfig.defaults().tls();
    return new PaywireConfig.Tls(
        certificate.toString(),
        key.toString(),
        defaults.certsDirectory(),
        defaults.engine(),
        defaults.renewBeforeDays(),
        defaults.renewCheckMinutes());
  }

  @Test
  void aMissingOrUnusableFileIsNamedWithItsSetting() throws Exception {
    KeyPair keys = KeyType.EC.generate();
    Path certificate = dir.resolve("server.crt");
    Pem.writeCertificate(
        certificate, Certificates.selfSigned(keys, "localhost", Duration.ofDays(1)));
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> ServerIdentity.load(tls(certificate, missing)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tls.privateKeyFile")
        .hasMessageContaining(missing.toString());

    Path notAKey = dir.resolve("not-a.key");
    Files.writeString(notAKey, "not a key\n");
    assertThatThrownBy(() -> ServerIdentity.load(tls(certificate, notAKey)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tls.privateKeyFile")
        .hasMessageContaining(notAKey.toString());

    Path notACertificate = dir.resolve("not-a.crt");
    Files.writeString(notACertificate, "not a certificate\n");
    assertThatThrownBy(() -> ServerIdentity.load(tls(notACertificate, notAKey)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tls.certificateFile")
        .hasMessageContaining(notACertificate.toString());
  }
}
