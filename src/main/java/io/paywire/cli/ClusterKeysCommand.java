package io.paywire.cli;

import io.paywire.cluster.ClusterKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Makes the cluster's member credential (docs/cluster.md). */
@Command(
    name = "cluster-keys",
    mixinStandardHelpOptions = true,
    description = {
      "Make the cluster's member key and certificate: DIR/cluster.key (EC P-256, "
          + "PKCS#8, mode 0600) and DIR/cluster.crt (self-signed, CN=paywire-cluster). Copy the "
          + "directory to every member; `server --cluster` presents and trusts only this key on "
          + "the event bus. Existing files are never overwritten.",
      "Exit 0 on success, 1 if a file exists or cannot be written."
    })
public final class ClusterKeysCommand implements Callable<Integer> {

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "certs/cluster",
      description = "Directory to write into (created if missing). Default: ${DEFAULT-VALUE}")
  Path out;

  @Override
  public Integer call() {
    try {
      String fingerprint = ClusterKeys.generate(out);
      System.out.println(
          "cluster key "
              + out.resolve(ClusterKeys.KEY_FILE)
              + " certificate "
              + out.resolve(ClusterKeys.CERTIFICATE_FILE)
              + " sha256 "
              + fingerprint);
      return 0;
    } catch (IOException e) {
      System.err.println("cluster-keys: " + e.getMessage());
      return 1;
    }
  }
}
