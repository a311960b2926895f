package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.testing.TestKeys;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PublicKeysTest {

  private static final byte[] RSA_2048 = TestKeys.generate("RSA", 2048);
  private static final byte[] RSA_1024 = TestKeys.generate("RSA", 1024);
  private static final byte[] EC_P256 = TestKeys.generateEc("secp256r1");
  private static final byte[] EC_P384 = TestKeys.generateEc("secp384r1");
  private static final byte[] ED25519 = TestKeys.generate("Ed25519", 0);
  private static final byte[] ED448 = TestKeys.generate("Ed448", 0);

  @Test
  void typeOfRecognisesEachAcceptedType() {
    assertThat(PublicKeys.typeOf(RSA_2048)).contains(PublicKeys.Type.RSA);
    assertThat(PublicKeys.typeOf(EC_P256)).contains(PublicKeys.Type.EC_P256);
    assertThat(PublicKeys.typeOf(ED25519)).contains(PublicKeys.Type.ED25519);
  }

  @Test
  void typeOfIsEmptyForOtherCurvesAlgorithmsAndGarbage() {
    assertThat(PublicKeys.typeOf(EC_P384)).isEmpty();
    assertThat(PublicKeys.typeOf(ED448)).isEmpty();
    assertThat(PublicKeys.typeOf(new byte[] {0x30, 0x03, 1, 2, 3})).isEmpty();
    assertThat(PublicKeys.typeOf(new byte[0])).isEmpty();
    assertThat(PublicKeys.typeOf(null)).isEmpty();
  }

  @Test
  void problemWithAcceptsRsa2048EcP256AndEd25519() {
    assertThat(PublicKeys.problemWith(RSA_2048)).isEmpty();
    assertThat(PublicKeys.problemWith(EC_P256)).isEmpty();
    assertThat(PublicKeys.problemWith(ED25519)).isEmpty();
  }

  @Test
  void problemWithRefusesWeakUnsupportedAndMalformedKeys() {
    assertThat(PublicKeys.problemWith(RSA_1024))
        .hasValueSatisfying(reason -> assertThat(reason).contains("1024 bits"));
    assertThat(PublicKeys.problemWith(EC_P384)).isPresent();
    assertThat(PublicKeys.problemWith(ED448)).isPresent();
    assertThat(PublicKeys.problemWith(Arrays.copyOf(EC_P256, EC_P256.length - 1))).isPresent();
    assertThat(PublicKeys.problemWith(Arrays.copyOf(EC_P256, EC_P256.length + 1))).isPresent();
    assertThat(PublicKeys.problemWith(new byte[] {1, 2, 3})).isPresent();
    assertThat(PublicKeys.problemWith(new byte[0])).contains("no key");
    assertThat(PublicKeys.problemWith(null)).contains("no key");
  }

  @Test
  void problemWithRefusesKeysLongerThanTheEncodingLimit() {
    byte[] padded = Arrays.copyOf(RSA_2048, PublicKeys.MAX_ENCODED_BYTES + 1);

    assertThat(PublicKeys.problemWith(padded))
        .hasValueSatisfying(reason -> assertThat(reason).contains("longer than"));
  }

  @Test
  void rsaModulusMustBeWithinTheAllowedBits() {
    assertThat(PublicKeys.problemWith(rsaWithModulusBits(PublicKeys.MIN_RSA_BITS - 1))).isPresent();
    assertThat(PublicKeys.problemWith(rsaWithModulusBits(PublicKeys.MIN_RSA_BITS))).isEmpty();
    assertThat(PublicKeys.problemWith(rsaWithModulusBits(PublicKeys.MAX_RSA_BITS))).isEmpty();
    assertThat(PublicKeys.problemWith(rsaWithModulusBits(PublicKeys.MAX_RSA_BITS + 1))).isPresent();
  }

  @Test
  void decodeReturnsAcceptedKeysAndThrowsForOthers() {
    assertThat(PublicKeys.decode(ED25519).getEncoded()).isEqualTo(ED25519);
    assertThat(PublicKeys.decode(EC_P256).getAlgorithm()).isEqualTo("EC");
    assertThatThrownBy(() -> PublicKeys.decode(RSA_1024))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PublicKeys.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** An RSA public key whose modulus has exactly {@code bits} bits; it need not be a real one. */
  private static byte[] rsaWithModulusBits(int bits) {
    BigInteger modulus = new BigInteger(bits, new Random(bits)).setBit(bits - 1).setBit(0);
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(65_537)))
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
