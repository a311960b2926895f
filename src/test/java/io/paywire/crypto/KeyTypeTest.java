package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyTypeTest {

  @Test
  void parseAcceptsTheNamesInAnyCase() {
    assertThat(KeyType.parse("rsa")).isEqualTo(KeyType.RSA);
    assertThat(KeyType.parse("EC")).isEqualTo(KeyType.EC);
    assertThat(KeyType.parse("Ed25519")).isEqualTo(KeyType.ED25519);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "dsa", "ed448", "ecdsa", "rsa2048"})
  void parseRefusesAnythingElse(String name) {
    assertThatThrownBy(() -> KeyType.parse(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA", "EC", "ED25519"})
  void pairOfComputesThePublicKeyOfEveryFamilyFromThePrivateKeyAlone(String type) {
    KeyPair generated = KeyType.valueOf(type).generate();
    KeyPair derived = KeyType.pairOf(generated.getPrivate());
    assertThat(derived.getPublic().getEncoded()).isEqualTo(generated.getPublic().getEncoded());
    assertThat(derived.getPrivate()).isSameAs(generated.getPrivate());
  }

  @Test
  void pairOfRefusesAnEcKeyOnAnotherCurve() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    assertThatThrownBy(() -> KeyType.pairOf(generator.generateKeyPair().getPrivate()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P-256");
  }

  @Test
  void generateMakesRsa2048EcP256AndEd25519Keys() {
    KeyPair rsa = KeyType.RSA.generate();
    assertThat(((RSAPublicKey) rsa.getPublic()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(PublicKeys.typeOf(KeyType.EC.generate().getPublic().getEncoded()))
        .contains(PublicKeys.Type.EC_P256);
    assertThat(PublicKeys.typeOf(KeyType.ED25519.generate().getPublic().getEncoded()))
        .contains(PublicKeys.Type.ED25519);
  }

  @Test
  void ofRecognisesGeneratedKeysBothHalves() {
    for (KeyType type : KeyType.values()) {
      KeyPair keys = type.generate();
      assertThat(KeyType.of(keys.getPublic())).isEqualTo(type);
      assertThat(KeyType.of(keys.getPrivate())).isEqualTo(type);
    }
  }

  @Test
  void ofRecognisesBouncyCastleAlgorithmNames() throws Exception {
    BouncyCastleProvider bc = new BouncyCastleProvider();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("ECDSA", bc);
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ecKeys = ec.generateKeyPair();
    KeyPair edKeys = KeyPairGenerator.getInstance("Ed25519", bc).generateKeyPair();

    assertThat(ecKeys.getPublic().getAlgorithm()).isEqualTo("ECDSA");
    assertThat(KeyType.of(ecKeys.getPublic())).isEqualTo(KeyType.EC);
    assertThat(KeyType.of(edKeys.getPublic())).isEqualTo(KeyType.ED25519);
  }

  @Test
  void ofRefusesOtherAlgorithmsAndEd448() throws Exception {
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    KeyPair dsa = KeyPairGenerator.getInstance("DSA").generateKeyPair();

    assertThatThrownBy(() -> KeyType.of(ed448.getPublic()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyType.of(dsa.getPublic()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyType.of(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
