package io.paywire.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keys and signatures made by the openssl command line work here, and the reverse. */
class OpenSslInteropTest {

  /** The ways people make keys with openssl, and the PEM block each one writes. */
  enum OpensslKey {
    ED25519(
        KeyType.ED25519,
        "BEGIN PRIVATE KEY",
        "genpkey",
        "-algorithm",
        "ed25519",
        "-out",
        "key.pem"),
    EC_TRADITIONAL(
        KeyType.EC,
        "BEGIN EC PRIVATE KEY",
        "ecparam",
        "-genkey",
        "-name",
        "prime256v1",
        "-noout",
        "-out",
        "key.pem"),
    /** Without -noout, ecparam writes an "EC PARAMETERS" block before the key. */
    EC_WITH_PARAMETERS(
        KeyType.EC,
        "BEGIN EC PARAMETERS",
        "ecparam",
        "-genkey",
        "-name",
        "prime256v1",
        "-out",
        "key.pem"),
    EC_PKCS8(
        KeyType.EC,
        "BEGIN PRIVATE KEY",
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "key.pem"),
    RSA_TRADITIONAL(
        KeyType.RSA, "BEGIN RSA PRIVATE KEY", "genrsa", "-traditional", "-out", "key.pem", "2048"),
    /** OpenSSL 3 genrsa writes PKCS#8 by default. */
    RSA_GENRSA(KeyType.RSA, "PRIVATE KEY-----", "genrsa", "-out", "key.pem", "2048");

    final KeyType type;
    final String pemMarker;
    final String[] command;

    OpensslKey(KeyType type, String pemMarker, String... command) {
      this.type = type;
      this.pemMarker = pemMarker;
      this.command = command;
    }
  }

  private static final byte[] DATA =
      "PAY alice bob 125 EUR nonce=7\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  @BeforeAll
  static void requireOpenssl() {
    OpenSsl.requireInstalled();
  }

  @ParameterizedTest
  @EnumSource(OpensslKey.class)
  void opensslKeysLoadAndTheirSignaturesVerify(OpensslKey kind) throws Exception {
    OpenSsl.run(directory, kind.command);
    assertThat(Files.readString(directory.resolve("key.pem"))).contains(kind.pemMarker);
    OpenSsl.run(directory, "pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
    Files.write(directory.resolve("data"), DATA);
    opensslSign(kind.type);

    PrivateKey privateKey = Pem.readPrivateKey(directory.resolve("key.pem"));
    PublicKey publicKey = Pem.readPublicKey(directory.resolve("pub.pem"));
    byte[] signature = Files.readAllBytes(directory.resolve("sig"));

    assertThat(KeyType.of(privateKey)).isEqualTo(kind.type);
    assertThat(Signatures.verify(publicKey, DATA, signature)).isTrue();
    assertThat(
            Signatures.verify(
                publicKey, "PAY alice bob 126 EUR".getBytes(StandardCharsets.UTF_8), signature))
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(OpensslKey.class)
  void ourSignaturesWithOpensslKeysVerifyWithOpenssl(OpensslKey kind) throws Exception {
    OpenSsl.run(directory, kind.command);
    OpenSsl.run(directory, "pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
    Files.write(directory.resolve("data"), DATA);

    byte[] signature = Signatures.sign(Pem.readPrivateKey(directory.resolve("key.pem")), DATA);
    Files.write(directory.resolve("sig"), signature);

    assertThat(opensslVerify(kind.type)).isZero();
    // openssl really checks: the same signature over other data is refused.
    Files.write(directory.resolve("data"), "other".getBytes(StandardCharsets.UTF_8));
    assertThat(opensslVerify(kind.type)).isNotZero();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void keysWeWriteSignWithOpensslAndVerifyHere(KeyType type) throws Exception {
    KeyPair keys = type.generate();
    Pem.writePrivateKey(directory.resolve("key.pem"), keys.getPrivate());
    Files.writeString(directory.resolve("pub.pem"), Pem.toPem(keys.getPublic()));
    Files.write(directory.resolve("data"), DATA);

    opensslSign(type);
    // openssl also reads our PUBLIC KEY block: it verifies its own signature with it.
    assertThat(opensslVerify(type)).isZero();

    byte[] signature = Files.readAllBytes(directory.resolve("sig"));
    assertThat(Signatures.verify(keys.getPublic(), DATA, signature)).isTrue();
  }

  private void opensslSign(KeyType type) throws Exception {
    if (type == KeyType.ED25519) {
      OpenSsl.run(
          directory, "pkeyutl", "-sign", "-rawin", "-inkey", "key.pem", "-in", "data", "-out",
          "sig");
    } else {
      OpenSsl.run(directory, "dgst", "-sha256", "-sign", "key.pem", "-out", "sig", "data");
    }
  }

  private int opensslVerify(KeyType type) throws Exception {
    OpenSsl.Result result =
        type == KeyType.ED25519
            ? OpenSsl.attempt(
                directory,
                "pkeyutl",
                "-verify",
                "-rawin",
                "-pubin",
                "-inkey",
                "pub.pem",
                "-in",
                "data",
                "-sigfile",
                "sig")
            : OpenSsl.attempt(
                directory, "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "data");
    return result.exitCode();
  }
}
