package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.crypto.RegistrationCipher.Envelope;
import io.paywire.crypto.RegistrationCipher.Mode;
import io.paywire.testing.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registration envelope against envelopes made by the openssl command line (as a client in
 * another language makes them), and its refusals, which must all look alike.
 */
class RegistrationCipherTest {

  private static final byte[] JSON =
      "{\"student_id\":\"e123\",\"passwd\":\"x\",\"public_key\":\"...\"}"
          .getBytes(StandardCharsets.UTF_8);
  private static KeyPair registration;
  @TempDir Path dir;

  @BeforeAll
  static void registrationKey() {
    OpenSsl.requireInstalled();
    registration = KeyType.RSA.generate();
  }

  /** An envelope made by openssl: OAEP with SHA-256 and MGF1 over {@code mgf1}, AES-128-CBC. */
  private Envelope opensslEnvelope(String mgf1) throws Exception {
    Files.writeString(dir.resolve("registration.pub"), Pem.toPem(registration.getPublic()));
    byte[] aesKey = new byte[16];
    byte[] iv = new byte[16];
    new SecureRandom().nextBytes(aesKey);
    new SecureRandom().nextBytes(iv);
    Files.write(dir.resolve("aes.key"), aesKey);
    Files.write(dir.resolve("plain.json"), JSON);
    OpenSsl.run(
        dir,
        "pkeyutl",
        "-encrypt",
        "-pubin",
        "-inkey",
        "registration.pub",
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-pkeyopt",
        "rsa_oaep_md:sha256",
        "-pkeyopt",
        "rsa_mgf1_md:" + mgf1,
        "-in",
        "aes.key",
        "-out",
        "key.bin");
    OpenSsl.run(
        dir,
        "enc",
        "-aes-128-cbc",
        "-K",
        HexFormat.of().formatHex(aesKey),
        "-iv",
        HexFormat.of().formatHex(iv),
        "-in",
        "plain.json",
        "-out",
        "c.bin");
    return new Envelope(
        Mode.CBC,
        Files.readAllBytes(dir.resolve("c.bin")),
        iv,
        Files.readAllBytes(dir.resolve("key.bin")));
  }

  @Test
  void opensOpensslsEnvelope() throws Exception {
    assertThat(RegistrationCipher.open(registration.getPrivate(), opensslEnvelope("sha256")))
        .isEqualTo(JSON);
  }

  @Test
  void refusesMgf1OverSha1WhichTheJcaDefaultWouldHaveUsed() throws Exception {
    Envelope sha1 = opensslEnvelope("sha1");
    assertThatThrownBy(() -> RegistrationCipher.open(registration.getPrivate(), sha1))
        .isInstanceOf(RegistrationCipher.Refused.class);
  }

  @Test
  void sealsAndOpensBothModes() throws Exception {
    for (Mode mode : Mode.values()) {
      Envelope sealed = RegistrationCipher.seal(registration.getPublic(), JSON, mode);
      assertThat(RegistrationCipher.open(registration.getPrivate(), sealed))
          .as("%s", mode)
          .isEqualTo(JSON);
    }
  }

  @Test
  void everyBrokenPartIsRefusedTheSameWay() throws Exception {
    Envelope good = opensslEnvelope("sha256");
    // The padding breaks, always: the last plaintext byte (the pad length, known from JSON's
    // length) is turned into 0 through the block before it. Flipping a bit of the last block
    // itself garbles that block at random, which still pads right about once in 256 runs.
    byte[] flipped = good.c().clone();
    int pad = 16 - JSON.length % 16;
    flipped[flipped.length - 17] ^= (byte) pad;
    Envelope gcm = RegistrationCipher.seal(registration.getPublic(), JSON, Mode.GCM);
    byte[] tampered = gcm.c().clone();
    tampered[0] ^= 1;
    Envelope[] broken = {
      new Envelope(Mode.CBC, flipped, good.iv(), good.key()),
      new Envelope(Mode.CBC, good.c(), Arrays.copyOf(good.iv(), 8), good.key()),
      new Envelope(Mode.CBC, good.c(), good.iv(), Arrays.copyOf(good.key(), 100)),
      new Envelope(
          Mode.CBC,
          good.c(),
          good.iv(),
          RegistrationCipher.seal(KeyType.RSA.generate().getPublic(), JSON, Mode.CBC).key()),
      new Envelope(Mode.CBC, null, null, null),
      new Envelope(Mode.GCM, tampered, gcm.iv(), gcm.key()),
      new Envelope(Mode.GCM, good.c(), good.iv(), good.key()),
    };
    for (Envelope envelope : broken) {
      assertThatThrownBy(() -> RegistrationCipher.open(registration.getPrivate(), envelope))
          .isInstanceOf(RegistrationCipher.Refused.class)
          .hasMessage("the registration could not be decrypted");
    }
  }
}
