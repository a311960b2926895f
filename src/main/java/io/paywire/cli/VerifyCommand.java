package io.paywire.cli;

import io.paywire.ledger.JournalCorruptException;
import io.paywire.ledger.LedgerDirectories;
import io.paywire.ledger.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks every ledger inside a data directory; exit 0 only if there is one and every check of every
 * one holds. Changes nothing.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Check every ledger in a node's data directory (the directory itself, a "
            + "cluster member's ledger/, any directory below holding a journal): journal checksums "
            + "and hash chain, a full replay, and every ledger invariant. Exit 0 only if there is a "
            + "ledger and all hold.")
public final class VerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:PAYWIRE_DATA_DIR:-./data}",
      description = "Data directory to check. Env PAYWIRE_DATA_DIR. Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Path> ledgers = ledgersOrExplain(dataDir, "verify", err);
    if (ledgers.isEmpty()) {
      return 1;
    }
    int failed = 0;
    for (Path ledger : ledgers) {
      if (!verifyOne(ledger, out, err)) {
        failed++;
      }
    }
    if (ledgers.size() > 1) {
      out.println("verify: " + (ledgers.size() - failed) + " of " + ledgers.size() + " ledgers OK");
    }
    return failed == 0 ? 0 : 1;
  }

  private static boolean verifyOne(Path ledger, PrintWriter out, PrintWriter err)
      throws IOException {
    try {
      Verifier.Report report = Verifier.verify(ledger);
      out.println("verify: OK " + ledger);
      out.println("accounts " + report.accounts() + " (issuer included)");
      out.println("transfers " + report.transfers());
      out.println("batches " + report.batches());
      out.println("head " + report.headHash());
      return true;
    } catch (JournalCorruptException e) {
      err.println(
          "verify: FAILED "
              + ledger
              + ": bad record in "
              + e.file()
              + " at offset "
              + e.offset()
              + ": "
              + e.getMessage());
      return false;
    } catch (IllegalStateException e) {
      err.println("verify: FAILED " + ledger + ": invariant broken: " + e.getMessage());
      return false;
    }
  }

  /**
   * The ledgers in {@code dataDir} ({@link LedgerDirectories}); if there is none, says on {@code
   * err} what was looked for, with the real file names, and returns an empty list.
   */
  static List<Path> ledgersOrExplain(Path dataDir, String command, PrintWriter err)
      throws IOException {
    if (!Files.isDirectory(dataDir)) {
      err.println(command + ": no data directory " + dataDir);
      return List.of();
    }
    List<Path> ledgers = LedgerDirectories.find(dataDir);
    if (ledgers.isEmpty()) {
      err.println(
          command
              + ": no ledger journal in "
              + dataDir
              + " (expected "
              + LedgerDirectories.segmentPattern(dataDir)
              + " for a single node, "
              + LedgerDirectories.segmentPattern(dataDir.resolve("ledger"))
              + " for a cluster member, or a directory below, at most "
              + LedgerDirectories.MAX_DEPTH
              + " levels down, holding journal/"
              + "; a node writes its journal on its first start)");
    }
    return ledgers;
  }
}
