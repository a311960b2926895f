package io.paywire.cli;

import io.paywire.ledger.JournalCorruptException;
import io.paywire.ledger.LedgerBackup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Copies every ledger of a data directory, beside a node that keeps running on it, into a new
 * directory a node can start on ({@link LedgerBackup}: no lock, no pause, no coordination).
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description =
        "Copy every ledger of a node's data directory (snapshot and journal up to a "
            + "batch boundary) while the node runs, without pausing it; the copy is recovered and "
            + "verified before it is named OUT. Restore: start a node with --data-dir on the copy "
            + "(docs/storage.md, Backups).")
public final class BackupCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:PAYWIRE_DATA_DIR:-./data}",
      description = "The node's data directory. Env PAYWIRE_DATA_DIR. Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--to",
      paramLabel = "OUT",
      required = true,
      description =
          "Where the backup goes: a directory that must not exist yet. Each ledger "
              + "keeps its place below the data directory (a cluster member's in OUT/ledger).")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (Files.exists(out)) {
      stderr.println(
          "backup: "
              + out
              + " exists; give a new directory (a backup never "
              + "overwrites another)");
      return 1;
    }
    List<Path> ledgers = VerifyCommand.ledgersOrExplain(dataDir, "backup", stderr);
    if (ledgers.isEmpty()) {
      return 1;
    }
    Path absoluteOut = out.toAbsolutePath();
    // Built beside OUT and renamed at the end: a directory named OUT is always a whole backup.
    Path partial = absoluteOut.resolveSibling(absoluteOut.getFileName() + ".partial");
    if (Files.exists(partial)) {
      stderr.println(
          "backup: "
              + partial
              + " exists (another backup running, or one that "
              + "failed); remove it first");
      return 1;
    }
    String failure;
    try {
      List<String> copied = new ArrayList<>();
      for (Path ledger : ledgers) {
        Path relative = dataDir.relativize(ledger);
        LedgerBackup.Report report =
            LedgerBackup.copy(ledger, partial.resolve(relative.toString()));
        copied.add(okLine(ledger, out.resolve(relative.toString()).normalize(), report));
      }
      Files.move(partial, absoluteOut, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel parent =
          FileChannel.open(absoluteOut.getParent(), StandardOpenOption.READ)) {
        parent.force(true); // the rename itself survives a power cut
      }
      copied.forEach(stdout::println); // only now do the paths they name exist
      return 0;
    } catch (JournalCorruptException e) {
      Path file = e.file().toAbsolutePath();
      Path original =
          file.startsWith(partial) ? dataDir.resolve(partial.relativize(file).toString()) : file;
      failure =
          "the copy of "
              + original
              + " does not check out at offset "
              + e.offset()
              + " ("
              + e.getMessage()
              + "); take the backup again (a cluster member may have installed a snapshot"
              + " meanwhile), and if it fails the same way check the node's directory with verify";
    } catch (NoSuchFileException e) {
      failure =
          e.getFile()
              + " vanished while it was copied (a cluster member restarting or "
              + "installing a snapshot replaces files); take the backup again";
    } catch (IOException | RuntimeException e) {
      // Also a directory vanishing mid-walk (UncheckedIOException): named, and the copy removed.
      failure = e.getMessage() != null ? e.getMessage() : e.toString();
    }
    stderr.println("backup: FAILED: " + failure + "; nothing was written to " + out);
    BenchCommand.deleteRecursively(partial); // made by this run, never anything else
    return 1;
  }

  private static String okLine(Path ledger, Path copy, LedgerBackup.Report report) {
    return "backup: OK "
        + ledger
        + " -> "
        + copy
        + " snapshot="
        + report.snapshot().map(Path::toString).orElse("none")
        + " segments="
        + report.segments()
        + " journal_bytes="
        + report.journalBytes()
        + " torn_bytes="
        + report.tornBytes()
        + " batches="
        + report.batches()
        + " transfers="
        + report.transfers()
        + " head="
        + report.headHash()
        + " copy_millis="
        + report.copyMillis()
        + " check_millis="
        + report.checkMillis();
  }
}
