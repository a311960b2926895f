package io.paywire.cli;

import io.paywire.client.KeyFiles;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.LocalCertificates;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Makes a user's key and self-signed certificate for {@code client --key --cert}. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a user's key pair and self-signed certificate: NAME.key (PKCS#8 "
          + "PEM, mode 0600) and NAME.crt (CN=NAME, valid 365 days). Registering with the client "
          + "using them binds the key to the account. Existing files are never overwritten.",
      "Prints the key's fingerprint: the lowercase hex SHA-256 of its SubjectPublicKeyInfo, as "
          + "KEY#NAME shows it. Exit 0 on success, 1 if a file exists or cannot be written, 2 "
          + "for a bad option.",
      "--original-client: credentials for the original C++ client instead: client.key (RSA "
          + "2048) and client.crt (the user's certificate, issued by the deployment's "
          + "'original clients' CA in --certs, made there the first time, followed by that CA's "
          + "certificate), so that any two users given credentials this way can pay each other "
          + "peer to peer. Copy both into the user's client directory."
    })
public final class KeygenCommand implements Callable<Integer> {

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "Account name: 1 to 32 letters, digits, '_', '-' or '.'.")
  String name;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      defaultValue = "rsa",
      description = "rsa (2048 bits), ec (P-256) or ed25519. Default: ${DEFAULT-VALUE}")
  String type;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Directory to write into (created if missing). Default: ${DEFAULT-VALUE}")
  Path out;

  @Option(
      names = "--original-client",
      description = "Write client.key and client.crt for the original C++ client (RSA).")
  boolean originalClient;

  @Option(
      names = "--certs",
      paramLabel = "DIR",
      defaultValue = "certs",
      description =
          "With --original-client: the node's certificate directory, where the "
              + "original clients CA is kept (never in git). Default: ${DEFAULT-VALUE}")
  Path certs;

  @Override
  public Integer call() {
    if (originalClient) {
      return originalClient();
    }
    KeyType keyType;
    KeyFiles files;
    try {
      keyType = KeyType.parse(type);
      files = KeyFiles.of(out, name);
    } catch (IllegalArgumentException e) {
      System.err.println("keygen: " + e.getMessage());
      return 2;
    }
    try {
      KeyFiles.Created created = KeyFiles.create(out, name, keyType);
      System.out.println(
          "private key "
              + files.privateKey()
              + " ("
              + keyType.name().toLowerCase(Locale.ROOT)
              + ", PKCS#8, mode 0600: keep it secret)");
      System.out.println(
          "certificate "
              + files.certificate()
              + " (CN="
              + name
              + ", valid "
              + KeyFiles.CERTIFICATE_VALIDITY.toDays()
              + " days)");
      System.out.println("fingerprint sha256 " + created.fingerprint());
      return 0;
    } catch (IOException e) {
      return writeFailed(e);
    }
  }

  private Integer originalClient() {
    try {
      if (KeyType.parse(type) != KeyType.RSA) {
        System.err.println("keygen: the original client signs with RSA only; leave out --type");
        return 2;
      }
      LocalCertificates.Ca ca = LocalCertificates.originalClientsCa(certs);
      KeyFiles.Created created = KeyFiles.createOriginalClient(out, name, ca);
      System.out.println(
          "private key "
              + created.files().privateKey()
              + " (rsa, PKCS#8, mode 0600: keep it secret)");
      System.out.println(
          "certificate "
              + created.files().certificate()
              + " (CN="
              + name
              + ", issued by "
              + LocalCertificates.ORIGINAL_CLIENTS_CA_COMMON_NAME
              + ", valid "
              + KeyFiles.CERTIFICATE_VALIDITY.toDays()
              + " days, followed by the CA certificate)");
      System.out.println("fingerprint sha256 " + created.fingerprint());
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("keygen: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      return writeFailed(e);
    }
  }

  /** Exit 1, saying why: an existing file is never overwritten. */
  private static int writeFailed(IOException e) {
    if (e instanceof FileAlreadyExistsException exists) {
      System.err.println(
          "keygen: "
              + exists.getFile()
              + " already exists; refusing to overwrite "
              + "it (remove it or choose another --out)");
    } else {
      System.err.println("keygen: cannot write the key files: " + e.getMessage());
    }
    return 1;
  }
}
