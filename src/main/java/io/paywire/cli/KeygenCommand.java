package io.paywire.cli;

import io.paywire.client.KeyFiles;
import io.paywire.crypto.KeyType;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Makes a user's key and self-signed certificate for {@code client --key --cert}. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Generate a user's key pair and self-signed certificate: NAME.key (PKCS#8 "
        + "PEM, mode 0600) and NAME.crt (CN=NAME, valid 365 days). Registering with the client "
        + "using them binds the key to the account. Existing files are never overwritten.",
        "Prints the key's fingerprint: the lowercase hex SHA-256 of its SubjectPublicKeyInfo, as "
            + "KEY#NAME shows it. Exit 0 on success, 1 if a file exists or cannot be written, 2 "
            + "for a bad option."})
public final class KeygenCommand implements Callable<Integer> {

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "Account name: 1 to 32 letters, digits, '_', '-' or '.'.")
  String name;

  @Option(names = "--type", paramLabel = "TYPE", defaultValue = "rsa",
      description = "rsa (2048 bits), ec (P-256) or ed25519. Default: ${DEFAULT-VALUE}")
  String type;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
      description = "Directory to write into (created if missing). Default: ${DEFAULT-VALUE}")
  Path out;

  @Override
  public Integer call() {
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
      System.out.println("private key " + files.privateKey() + " (" + keyType.name()
          .toLowerCase(java.util.Locale.ROOT) + ", PKCS#8, mode 0600: keep it secret)");
      System.out.println("certificate " + files.certificate() + " (CN=" + name + ", valid "
          + KeyFiles.CERTIFICATE_VALIDITY.toDays() + " days)");
      System.out.println("fingerprint sha256 " + created.fingerprint());
      return 0;
    } catch (FileAlreadyExistsException e) {
      System.err.println("keygen: " + e.getFile() + " already exists; refusing to overwrite it "
          + "(remove it or choose another --out)");
      return 1;
    } catch (IOException e) {
      System.err.println("keygen: cannot write the key files: " + e.getMessage());
      return 1;
    }
  }
}
