package io.paywire.cli;

import io.paywire.ledger.JournalCorruptException;
import io.paywire.ledger.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks a data directory; exit 0 only if every check holds. Changes nothing. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check a data directory: journal checksums and hash chain, a full replay, "
        + "and every ledger invariant. Exit 0 only if all hold.")
public final class VerifyCommand implements Callable<Integer> {

  @Option(names = "--data-dir", paramLabel = "DIR",
      defaultValue = "${env:PAYWIRE_DATA_DIR:-./data}",
      description = "Data directory to check. Env PAYWIRE_DATA_DIR. Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dataDir)) {
      System.err.println("verify: FAILED: no data directory " + dataDir);
      return 1;
    }
    try {
      Verifier.Report report = Verifier.verify(dataDir);
      System.out.println("verify: OK");
      System.out.println("accounts " + report.accounts() + " (issuer included)");
      System.out.println("transfers " + report.transfers());
      System.out.println("batches " + report.batches());
      System.out.println("head " + report.headHash());
      return 0;
    } catch (JournalCorruptException e) {
      System.err.println("verify: FAILED: bad record in " + e.file() + " at offset " + e.offset()
          + ": " + e.getMessage());
      return 1;
    } catch (IllegalStateException e) {
      System.err.println("verify: FAILED: invariant broken: " + e.getMessage());
      return 1;
    }
  }
}
