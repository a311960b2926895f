package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;

/**
 * A login or signed payment for a name with no key is checked against a decoy of the type and size
 * its signature implies, so it costs what a wrong signature for a real account costs: an RSA-2048
 * account's wrong signature and an unknown name's are both an RSA-2048 check.
 */
class DecoysTest {

  @Test
  void theDecoyHasTheTypeAndSizeTheSignatureImplies() {
    assertThat(Decoys.forSignature(64)).isInstanceOf(ECPublicKey.class);
    assertThat(Decoys.forSignature(71)).as("DER ECDSA").isInstanceOf(ECPublicKey.class);
    assertThat(((RSAPublicKey) Decoys.forSignature(256)).getModulus().bitLength()).isEqualTo(2048);
    assertThat(((RSAPublicKey) Decoys.forSignature(384)).getModulus().bitLength()).isEqualTo(3072);
  }

  @Test
  void aTokenNamingItsAlgorithmGetsADecoyOfThatAlgorithm() {
    assertThat(KeyType.of(Decoys.forSignature(64, key -> KeyType.of(key) == KeyType.ED25519)))
        .isEqualTo(KeyType.ED25519);
    assertThat(Decoys.forSignature(256, key -> key instanceof RSAPublicKey))
        .isInstanceOf(RSAPublicKey.class);
  }
}
