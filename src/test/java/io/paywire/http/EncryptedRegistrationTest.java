package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.LocalCertificates;
import io.paywire.crypto.Pem;
import io.paywire.crypto.RegistrationCipher;
import io.paywire.session.Session;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The body of {@code POST /register}, sealed by Node.js's crypto module as a client in another
 * language seals it (RSA-OAEP with SHA-256 under the node's registration key, AES-128-CBC or -GCM),
 * opened by {@link EncryptedRegistration}; and every broken body answered alike, with null. Without
 * {@code node} on the PATH this test fails; it never skips.
 */
class EncryptedRegistrationTest {

  /** Seals argv[3] (a file) to the PEM public key in argv[2] with mode argv[1]; prints the body. */
  private static final String SEAL =
      """
      const crypto = require('crypto'); const fs = require('fs');
      const [mode, pub, plainFile] = process.argv.slice(1);
      const key = crypto.randomBytes(16);
      const gcm = mode === 'A128GCM';
      const iv = crypto.randomBytes(gcm ? 12 : 16);
      const cipher = crypto.createCipheriv(gcm ? 'aes-128-gcm' : 'aes-128-cbc', key, iv);
      let c = Buffer.concat([cipher.update(fs.readFileSync(plainFile)), cipher.final()]);
      if (gcm) c = Buffer.concat([c, cipher.getAuthTag()]);
      const block = crypto.publicEncrypt({ key: fs.readFileSync(pub),
          padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key);
      console.log(JSON.stringify({ c: c.toString('base64'), iv: iv.toString('base64'),
          key: block.toString('base64'), alg: mode }));
      """;

  @TempDir static Path dir;
  private static KeyPair registration;
  private static String accountKeyPem;

  @BeforeAll
  static void keys() throws IOException {
    // The node's own registration key, as it makes it on first start.
    registration = LocalCertificates.registrationKeys(dir);
    Files.writeString(dir.resolve("registration.pub"), Pem.toPem(registration.getPublic()));
    accountKeyPem = Pem.toPem(KeyType.EC.generate().getPublic());
  }

  @Test
  void theStandInBlockIsAsLongAsARealOne() {
    int modulusBytes = ((RSAPublicKey) registration.getPublic()).getModulus().bitLength() / 8;
    assertThat(EncryptedRegistration.RSA_BLOCK_BYTES).isEqualTo(modulusBytes);
  }

  @Test
  void opensACbcRegistrationSealedByNode() throws Exception {
    JsonObject body = seal("A128CBC", fields());
    assertThat(Base64.getDecoder().decode(body.getString("key")))
        .hasSize(EncryptedRegistration.RSA_BLOCK_BYTES);
    Session.Registration opened = open(body);
    assertThat(opened).isNotNull();
    assertThat(opened.name()).isEqualTo("alice");
    assertThat(opened.deposit()).isEqualTo(250L);
    assertThat(opened.enrollmentPassword()).isEqualTo("s3cret");
    assertThat(opened.publicKey()).isEqualTo(Pem.publicKeyInfo(accountKeyPem));
  }

  @Test
  void opensAGcmRegistrationSealedByNodeAndOneWithoutAlgAsCbc() throws Exception {
    assertThat(open(seal("A128GCM", fields()))).isNotNull();
    JsonObject noAlg = seal("A128CBC", fields());
    noAlg.remove("alg");
    assertThat(open(noAlg)).isNotNull();
    assertThat(open(seal("A128CBC", fields().put("deposit", null))))
        .isNotNull()
        .extracting(Session.Registration::deposit)
        .isNull();
  }

  @Test
  void refusesAnEnvelopeSealedToAnotherKey() throws Exception {
    JsonObject good = seal("A128CBC", fields());
    byte[] plain = fields().encode().getBytes(StandardCharsets.UTF_8);
    RegistrationCipher.Envelope other =
        RegistrationCipher.seal(
            KeyType.RSA.generate().getPublic(), plain, RegistrationCipher.Mode.CBC);
    assertThat(open(good.copy().put("key", b64(other.key())))).isNull();
    assertThat(open(envelope(other, "A128CBC"))).isNull();
  }

  @Test
  void refusesBadPaddingAndTamperedCiphertext() throws Exception {
    byte[] plain = fields().encode().getBytes(StandardCharsets.UTF_8);
    JsonObject cbc = seal("A128CBC", fields());
    byte[] c = Base64.getDecoder().decode(cbc.getString("c"));
    // Turn the pad length byte into 0 through the block before it: the padding always breaks.
    c[c.length - 17] ^= (byte) (16 - plain.length % 16);
    assertThat(open(cbc.copy().put("c", b64(c)))).isNull();
    JsonObject gcm = seal("A128GCM", fields());
    byte[] sealed = Base64.getDecoder().decode(gcm.getString("c"));
    sealed[0] ^= 1;
    assertThat(open(gcm.copy().put("c", b64(sealed)))).isNull();
    assertThat(open(cbc.copy().put("alg", "A128GCM"))).as("mode switched").isNull();
  }

  @Test
  void refusesWrongLengths() throws Exception {
    JsonObject good = seal("A128CBC", fields());
    byte[] iv = Base64.getDecoder().decode(good.getString("iv"));
    byte[] key = Base64.getDecoder().decode(good.getString("key"));
    byte[] c = Base64.getDecoder().decode(good.getString("c"));
    assertThat(open(good.copy().put("iv", b64(Arrays.copyOf(iv, 12))))).isNull();
    assertThat(open(good.copy().put("iv", b64(Arrays.copyOf(iv, 17))))).isNull();
    assertThat(open(good.copy().put("key", b64(Arrays.copyOf(key, key.length - 1))))).isNull();
    assertThat(open(good.copy().put("key", b64(Arrays.copyOf(key, key.length + 1))))).isNull();
    assertThat(open(good.copy().put("c", b64(Arrays.copyOf(c, c.length - 1))))).isNull();
    assertThat(open(good.copy().put("c", ""))).isNull();
  }

  @Test
  void refusesMissingOrUndecodableParts() throws Exception {
    JsonObject good = seal("A128CBC", fields());
    for (String part : new String[] {"c", "iv", "key"}) {
      JsonObject missing = good.copy();
      missing.remove(part);
      assertThat(open(missing)).as("no %s", part).isNull();
      assertThat(open(good.copy().put(part, "not base64!"))).as("bad %s", part).isNull();
      assertThat(open(good.copy().put(part, 42))).as("number %s", part).isNull();
    }
    assertThat(open(good.copy().put("alg", "A256CBC"))).isNull();
    assertThat(open(good.copy().put("alg", 1))).isNull();
  }

  @Test
  void refusesSealedContentThatIsNotARegistration() throws Exception {
    // Sealed here rather than by node: the envelope is not what is tested, and each node run
    // is a process.
    assertThat(open(sealedHere("not json"))).isNull();
    assertThat(open(sealedHere(fields().put("student_id", "no spaces allowed")))).isNull();
    assertThat(open(sealedHere(fields().put("student_id", 7)))).isNull();
    assertThat(
            open(
                sealedHere(
                    fields()
                        .put(
                            "public_key",
                            "-----BEGIN PUBLIC KEY-----\n" + "AAAA\n-----END PUBLIC KEY-----\n"))))
        .isNull();
    JsonObject noKey = fields();
    noKey.remove("public_key");
    assertThat(open(sealedHere(noKey))).isNull();
    assertThat(open(sealedHere(fields().put("deposit", 2.5)))).isNull();
    assertThat(open(sealedHere(fields().put("deposit", "250")))).isNull();
    assertThat(open(sealedHere(fields().put("passwd", "x".repeat(1_025))))).isNull();
    assertThat(open(sealedHere(fields().put("passwd", "x".repeat(1_024))))).isNotNull();
  }

  // ---- helpers
  // -----------------------------------------------------------------------------------

  private static JsonObject fields() {
    return new JsonObject()
        .put("student_id", "alice")
        .put("passwd", "s3cret")
        .put("public_key", accountKeyPem)
        .put("deposit", 250);
  }

  private static Session.Registration open(JsonObject body) {
    return EncryptedRegistration.open(body, registration.getPrivate());
  }

  private static JsonObject seal(String mode, JsonObject fields) throws Exception {
    return sealText(mode, fields.encode());
  }

  /** The body Node.js makes for {@code plaintext}. */
  private static JsonObject sealText(String mode, String plaintext) throws Exception {
    Path plain = Files.createTempFile(dir, "plain", ".json");
    Files.writeString(plain, plaintext);
    Process node =
        new ProcessBuilder(
                "node",
                "-e",
                SEAL,
                mode,
                dir.resolve("registration.pub").toString(),
                plain.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).as("node exit code; output: %s", out).isZero();
    return new JsonObject(out.strip());
  }

  /** GCM, sealed by Paywire's own client side, for tests of what the envelope holds. */
  private static JsonObject sealedHere(Object content) throws Exception {
    String text = content instanceof JsonObject json ? json.encode() : (String) content;
    return envelope(
        RegistrationCipher.seal(
            registration.getPublic(),
            text.getBytes(StandardCharsets.UTF_8),
            RegistrationCipher.Mode.GCM),
        "A128GCM");
  }

  private static JsonObject envelope(RegistrationCipher.Envelope e, String alg) {
    return new JsonObject()
        .put("c", b64(e.c()))
        .put("iv", b64(e.iv()))
        .put("key", b64(e.key()))
        .put("alg", alg);
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
