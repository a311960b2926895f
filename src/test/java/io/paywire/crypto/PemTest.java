package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemTest {

  private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void privateKeysRoundTripAsPkcs8(KeyType type) throws IOException {
    KeyPair keys = type.generate();
    Path file = directory.resolve("key.pem");

    Pem.writePrivateKey(file, keys.getPrivate());
    PrivateKey read = Pem.readPrivateKey(file);

    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    assertThat(Signatures.verify(keys.getPublic(), DATA, Signatures.sign(read, DATA))).isTrue();
  }

  @Test
  void privateKeyFilesAreReadableByTheirOwnerOnly() throws IOException {
    Path file = directory.resolve("key.pem");

    Pem.writePrivateKey(file, KeyType.EC.generate().getPrivate());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void overwritingAWorldReadableFileLeavesAnOwnerOnlyKeyAndNoTemporaryFile() throws IOException {
    Path file = directory.resolve("key.pem");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Pem.writePrivateKey(file, KeyType.ED25519.generate().getPrivate());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).contains("BEGIN PRIVATE KEY");
    try (var files = Files.list(directory)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void certificatesRoundTripAndReadInOrder() throws IOException {
    X509Certificate first =
        Certificates.selfSigned(KeyType.EC.generate(), "first", Duration.ofDays(1));
    X509Certificate second =
        Certificates.selfSigned(KeyType.ED25519.generate(), "second", Duration.ofDays(1));
    Path single = directory.resolve("one.crt");
    Path chain = directory.resolve("chain.crt");

    Pem.writeCertificate(single, first);
    Files.writeString(chain, Pem.toPem(first) + Pem.toPem(second));

    assertThat(Pem.readCertificate(single)).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(single)))
        .isEqualTo("rw-r--r--");
    assertThat(Pem.readCertificates(chain)).containsExactly(first, second);
    assertThat(Pem.readCertificate(chain)).isEqualTo(first);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void publicKeysRoundTrip(KeyType type) throws IOException {
    KeyPair keys = type.generate();
    Path file = directory.resolve("pub.pem");

    Files.writeString(file, Pem.toPem(keys.getPublic()));

    assertThat(Files.readString(file)).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(Pem.readPublicKey(file).getEncoded()).isEqualTo(keys.getPublic().getEncoded());
  }

  @Test
  void aFileThatIsNotPemGivesAnIOExceptionNamingTheFile() throws IOException {
    Path text = directory.resolve("notes.txt");
    Path binary = directory.resolve("random.bin");
    Files.writeString(text, "just some words\n");
    Files.write(binary, new byte[] {0, (byte) 0xff, 0x30, (byte) 0x82, 10, 13});

    assertThatThrownBy(() -> Pem.readPrivateKey(text))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(text.toString())
        .hasMessageContaining("not a PEM file");
    assertThatThrownBy(() -> Pem.readCertificate(binary))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(binary.toString());
    assertThatThrownBy(() -> Pem.readPublicKey(directory.resolve("missing.pem")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("missing.pem");
  }

  @Test
  void aFileWithoutTheWantedBlockSaysWhatIsMissing() throws IOException {
    Path certificate = directory.resolve("server.crt");
    Path key = directory.resolve("server.key");
    Pem.writeCertificate(
        certificate, Certificates.selfSigned(KeyType.EC.generate(), "x", Duration.ofDays(1)));
    Pem.writePrivateKey(key, KeyType.EC.generate().getPrivate());

    assertThatThrownBy(() -> Pem.readPrivateKey(certificate))
        .hasMessageContaining(certificate.toString())
        .hasMessageContaining("no private key");
    assertThatThrownBy(() -> Pem.readCertificates(key))
        .hasMessageContaining(key.toString())
        .hasMessageContaining("no CERTIFICATE");
    assertThatThrownBy(() -> Pem.readPublicKey(key)).hasMessageContaining("no PUBLIC KEY");
  }

  @Test
  void encryptedKeysAreRefusedInBothFormats() throws Exception {
    PrivateKey key = KeyType.EC.generate().getPrivate();
    BouncyCastleProvider bc = new BouncyCastleProvider();
    Path pkcs8 = directory.resolve("encrypted-pkcs8.pem");
    Path traditional = directory.resolve("encrypted-traditional.pem");
    var pkcs8Encryptor =
        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
            .setProvider(bc)
            .setPassword("secret".toCharArray())
            .build();
    var traditionalEncryptor =
        new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(bc).build("secret".toCharArray());
    try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(pkcs8))) {
      writer.writeObject(new JcaPKCS8Generator(key, pkcs8Encryptor));
    }
    try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(traditional))) {
      writer.writeObject(new JcaMiscPEMGenerator(key, traditionalEncryptor));
    }

    assertThat(Files.readString(pkcs8)).contains("BEGIN ENCRYPTED PRIVATE KEY");
    assertThat(Files.readString(traditional)).contains("Proc-Type: 4,ENCRYPTED");
    for (Path file : List.of(pkcs8, traditional)) {
      assertThatThrownBy(() -> Pem.readPrivateKey(file))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("encrypted private key not supported");
    }
  }

  @Test
  void aDamagedKeyGivesAMessageWithoutKeyMaterial() throws IOException {
    Path file = directory.resolve("damaged.pem");
    Pem.writePrivateKey(file, KeyType.RSA.generate().getPrivate());
    List<String> lines = Files.readAllLines(file);
    // Keep the armour and the first body lines: valid base64, truncated DER.
    List<String> damaged =
        List.of(lines.get(0), lines.get(1), lines.get(2), lines.get(lines.size() - 1));
    Files.write(file, damaged);

    assertThatThrownBy(() -> Pem.readPrivateKey(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .satisfies(
            e -> {
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage()))
                    .doesNotContain(lines.get(1).substring(8, 40))
                    .doesNotContain(lines.get(2).substring(8, 40));
              }
            });
  }
}
