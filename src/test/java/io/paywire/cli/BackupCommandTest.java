package io.paywire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code backup} on real files, in this JVM: a cluster member's layout keeps its place in the copy,
 * a frame the node is still writing is cut from the copy (never from the node's directory), and a
 * backup never overwrites nor reports a directory without a ledger as backed up.
 */
class BackupCommandTest {

  @TempDir Path work;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void copiesAClusterMembersLedgerToTheSamePlaceInTheBackup() throws Exception {
    Path member = work.resolve("data-1");
    VerifyCommandTest.writeLedger(member.resolve("ledger"), 3);
    Path backup = work.resolve("backup");

    assertThat(backup(member, backup)).as("stderr %s", err).isEqualTo(0);

    assertThat(out.toString())
        .contains("backup: OK " + member.resolve("ledger") + " -> " + backup.resolve("ledger"))
        .contains(" transfers=5 ");
    assertThat(verify(backup.resolve("ledger"))).as("stderr %s", err).isEqualTo(0);
    assertThat(out.toString()).contains("transfers 5\n");
    assertThat(work.resolve("backup.partial")).doesNotExist();
  }

  @Test
  void cutsAFrameStillBeingWrittenFromTheCopyAndLeavesTheNodesJournalAlone() throws Exception {
    Path data = work.resolve("data");
    VerifyCommandTest.writeLedger(data, 2);
    Path segment = data.resolve("journal").resolve("segment-00000000000000000000.log");
    // The start of a next frame, as a copy taken in the middle of the node's write sees it.
    byte[] whole = Files.readAllBytes(segment);
    Files.write(segment, Arrays.copyOf(whole, 40), StandardOpenOption.APPEND);
    long nodeBytes = Files.size(segment);
    Path backup = work.resolve("backup");

    assertThat(backup(data, backup)).as("stderr %s", err).isEqualTo(0);

    assertThat(out.toString()).contains(" torn_bytes=40 ").contains(" transfers=4 ");
    assertThat(Files.size(backup.resolve("journal").resolve(segment.getFileName())))
        .isEqualTo(whole.length);
    assertThat(Files.size(segment)).as("the node's journal is not touched").isEqualTo(nodeBytes);
    assertThat(verify(backup)).as("stderr %s", err).isEqualTo(0);
  }

  @Test
  void refusesADirectoryWithoutALedgerAndWritesNothing() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));
    Path backup = work.resolve("backup");

    assertThat(backup(empty, backup)).isEqualTo(1);

    assertThat(err.toString()).contains("backup: no ledger journal in " + empty);
    assertThat(backup).doesNotExist();
  }

  @Test
  void neverOverwritesAnExistingDirectory() throws Exception {
    Path data = work.resolve("data");
    VerifyCommandTest.writeLedger(data, 1);
    Path backup = Files.createDirectories(work.resolve("backup"));

    assertThat(backup(data, backup)).isEqualTo(1);

    assertThat(err.toString()).contains(backup + " exists");
    try (var files = Files.list(backup)) {
      assertThat(files).isEmpty();
    }
  }

  private int backup(Path dataDir, Path to) {
    return new CommandLine(new BackupCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute("--data-dir", dataDir.toString(), "--to", to.toString());
  }

  private int verify(Path dataDir) {
    return new CommandLine(new VerifyCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute("--data-dir", dataDir.toString());
  }
}
