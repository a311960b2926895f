package io.paywire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.Command;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.TransferId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code verify} finds the ledgers inside a node's data directory by itself (a single node's, a
 * cluster member's in {@code ledger/}, any directory below holding a journal) and refuses a
 * directory that holds none, rather than reporting an empty ledger as OK.
 */
class VerifyCommandTest {

  @TempDir Path work;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void findsTheLedgerOfAClusterMembersDataDirectory() throws Exception {
    Path member = work.resolve("data-1");
    writeLedger(member.resolve("ledger"), 3);
    Files.createDirectories(member.resolve("raft"));

    assertThat(verify(member)).as("stderr %s", err).isEqualTo(0);

    assertThat(out.toString())
        .contains("verify: OK " + member.resolve("ledger"))
        .contains("transfers 5\n"); // 2 registrations, 3 payments
  }

  @Test
  void checksASingleNodesDataDirectoryItself() throws Exception {
    Path data = work.resolve("data");
    writeLedger(data, 1);

    assertThat(verify(data)).as("stderr %s", err).isEqualTo(0);

    assertThat(out.toString()).contains("verify: OK " + data).contains("transfers 3\n");
  }

  @Test
  void checksEveryLedgerBelowTheDataDirectoryOneLineEach() throws Exception {
    Path data = work.resolve("data");
    writeLedger(data.resolve("ledger"), 1);
    writeLedger(data.resolve("networks").resolve("eu"), 2);

    assertThat(verify(data)).as("stderr %s", err).isEqualTo(0);

    assertThat(out.toString().lines().filter(l -> l.startsWith("verify: OK ")).toList())
        .containsExactly(
            "verify: OK " + data.resolve("ledger"),
            "verify: OK " + data.resolve("networks").resolve("eu"));
  }

  @Test
  void refusesADirectoryWithoutAJournalSayingWhatWasExpected() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));

    assertThat(verify(empty)).isEqualTo(1);

    assertThat(err.toString())
        .contains("verify: no ledger journal in " + empty)
        .contains(empty.resolve("journal").resolve("segment-") + "")
        .contains(empty.resolve("ledger").resolve("journal") + "");
    assertThat(out.toString()).doesNotContain("OK");
  }

  private int verify(Path directory) {
    return new CommandLine(new VerifyCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute("--data-dir", directory.toString());
  }

  /** A closed ledger with two accounts and {@code payments} payments between them. */
  static void writeLedger(Path directory, int payments) throws Exception {
    Random random = new Random(7);
    try (Ledger ledger = Ledger.open(directory, LedgerOptions.DEFAULTS)) {
      ledger.apply(
          1_000,
          List.of(
              new Command.OpenAccount(TransferId.random(random), "alice", null, 100),
              new Command.OpenAccount(TransferId.random(random), "bob", null, 100)));
      for (int i = 0; i < payments; i++) {
        ledger.apply(
            2_000 + i,
            List.of(Command.Transfer.unsigned(TransferId.random(random), "alice", "bob", 1)));
      }
    }
  }
}
