package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignaturesTest {

  private static final Map<KeyType, KeyPair> KEYS = new EnumMap<>(KeyType.class);
  private static final byte[] DATA =
      "PAY alice bob 125 EUR nonce=7".getBytes(StandardCharsets.UTF_8);

  static {
    for (KeyType type : KeyType.values()) {
      KEYS.put(type, type.generate());
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void signatureVerifiesWithTheMatchingPublicKey(KeyType type) {
    KeyPair keys = KEYS.get(type);

    byte[] signature = Signatures.sign(keys.getPrivate(), DATA);

    assertThat(Signatures.verify(keys.getPublic(), DATA, signature)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aFlippedBitInTheDataFailsVerification(KeyType type) {
    KeyPair keys = KEYS.get(type);
    byte[] signature = Signatures.sign(keys.getPrivate(), DATA);

    for (int bit : new int[] {0, DATA.length * 4, DATA.length * 8 - 1}) {
      assertThat(Signatures.verify(keys.getPublic(), flipped(DATA, bit), signature)).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aFlippedBitInTheSignatureFailsVerification(KeyType type) {
    KeyPair keys = KEYS.get(type);
    byte[] signature = Signatures.sign(keys.getPrivate(), DATA);

    for (int bit = 0; bit < signature.length * 8; bit += 7) {
      assertThat(Signatures.verify(keys.getPublic(), DATA, flipped(signature, bit))).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void anotherKeyOfTheSameTypeFailsVerification(KeyType type) {
    byte[] signature = Signatures.sign(KEYS.get(type).getPrivate(), DATA);

    assertThat(Signatures.verify(type.generate().getPublic(), DATA, signature)).isFalse();
  }

  @Test
  void aKeyOfAnotherTypeFailsVerificationWithoutThrowing() {
    for (KeyType signer : KeyType.values()) {
      byte[] signature = Signatures.sign(KEYS.get(signer).getPrivate(), DATA);
      for (KeyType verifier : KeyType.values()) {
        if (verifier != signer) {
          assertThat(Signatures.verify(KEYS.get(verifier).getPublic(), DATA, signature)).isFalse();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void garbageAndMissingInputsFailVerificationWithoutThrowing(KeyType type) {
    KeyPair keys = KEYS.get(type);
    Random random = new Random(type.ordinal());
    for (int length : new int[] {0, 1, 64, 72, 256, 10_000}) {
      byte[] garbage = new byte[length];
      random.nextBytes(garbage);
      assertThat(Signatures.verify(keys.getPublic(), DATA, garbage)).isFalse();
    }
    // DER that parses but holds nonsense: SEQUENCE { INTEGER 0, INTEGER 0 }.
    assertThat(Signatures.verify(keys.getPublic(), DATA, new byte[] {0x30, 6, 2, 1, 0, 2, 1, 0}))
        .isFalse();
    byte[] signature = Signatures.sign(keys.getPrivate(), DATA);
    assertThat(Signatures.verify(null, DATA, signature)).isFalse();
    assertThat(Signatures.verify(keys.getPublic(), null, signature)).isFalse();
    assertThat(Signatures.verify(keys.getPublic(), DATA, null)).isFalse();
  }

  @Test
  void signaturesHaveTheFormatsOpensslWrites() throws Exception {
    byte[] ed25519 = Signatures.sign(KEYS.get(KeyType.ED25519).getPrivate(), DATA);
    byte[] ecdsa = Signatures.sign(KEYS.get(KeyType.EC).getPrivate(), DATA);
    byte[] rsa = Signatures.sign(KEYS.get(KeyType.RSA).getPrivate(), DATA);

    assertThat(ed25519).hasSize(64);
    ASN1Sequence der = ASN1Sequence.getInstance(ecdsa);
    assertThat(der.size()).isEqualTo(2);
    assertThat(der.getObjectAt(0)).isInstanceOf(ASN1Integer.class);
    assertThat(der.getObjectAt(1)).isInstanceOf(ASN1Integer.class);
    assertThat(rsa).hasSize(256);
  }

  @Test
  void rsaSignaturesInteroperateWithThePlainJdkSignature() throws Exception {
    KeyPair keys = KEYS.get(KeyType.RSA);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(keys.getPublic());
    jdk.update(DATA);
    assertThat(jdk.verify(Signatures.sign(keys.getPrivate(), DATA))).isTrue();

    jdk.initSign(keys.getPrivate());
    jdk.update(DATA);
    assertThat(Signatures.verify(keys.getPublic(), DATA, jdk.sign())).isTrue();
  }

  @Test
  void ecAndEd25519SignaturesFromTheJdkVerify() throws Exception {
    for (KeyType type : List.of(KeyType.EC, KeyType.ED25519)) {
      KeyPair keys = KEYS.get(type);
      Signature jdk = Signature.getInstance(type == KeyType.EC ? "SHA256withECDSA" : "Ed25519");
      jdk.initSign(keys.getPrivate());
      jdk.update(DATA);
      assertThat(Signatures.verify(keys.getPublic(), DATA, jdk.sign())).as(type.name()).isTrue();
    }
  }

  @Test
  void keysDecodedByPublicKeysVerify() {
    for (KeyType type : KeyType.values()) {
      KeyPair keys = KEYS.get(type);
      byte[] signature = Signatures.sign(keys.getPrivate(), DATA);
      assertThat(
              Signatures.verify(PublicKeys.decode(keys.getPublic().getEncoded()), DATA, signature))
          .isTrue();
    }
  }

  @Test
  void manyThreadsSignAndVerifyAtOnce() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int task = 0; task < 8; task++) {
        KeyType type = KeyType.values()[task % KeyType.values().length];
        results.add(
            executor.submit(
                () -> {
                  KeyPair keys = KEYS.get(type);
                  for (int i = 0; i < 50; i++) {
                    byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
                    byte[] signature = Signatures.sign(keys.getPrivate(), data);
                    if (!Signatures.verify(keys.getPublic(), data, signature)
                        || Signatures.verify(keys.getPublic(), flipped(data, 3), signature)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      executor.shutdownNow();
    }
  }

  private static byte[] flipped(byte[] bytes, int bit) {
    byte[] copy = bytes.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }
}
