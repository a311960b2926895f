package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole-batch apply a replicated ledger runs, and the files a copy of a ledger takes. */
class LedgerApplyTest {

  private static final LedgerOptions OPTIONS =
      new LedgerOptions(LedgerRules.DEFAULTS, 8_192, 4 << 20, 64L << 20, 0, 2);
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private static List<Command> commands() {
    return List.of(
        new Command.OpenAccount(new TransferId(1, 1), "alice", null, 100),
        new Command.OpenAccount(new TransferId(1, 2), "bob", null, 50),
        Command.Transfer.unsigned(new TransferId(2, 1), "Alice", "bob", 30),
        Command.Transfer.unsigned(new TransferId(2, 2), "bob", "alice", 500));
  }

  @Test
  void applyReportsWhatEachCommandDidAndWritesTheBytesAStepwiseBatchWrites() throws Exception {
    List<Executed> executed;
    try (Ledger ledger = Ledger.open(dir.resolve("apply"), OPTIONS)) {
      executed = ledger.apply(T0, commands());
      assertThat(ledger.position().nextBatchSequence()).isEqualTo(1);
    }
    assertThat(executed.get(0).account()).map(AccountView::balance).hasValue(100L);
    assertThat(executed.get(2).payerBalance()).hasValue(70);
    assertThat(executed.get(2).payeeBalance()).hasValue(80);
    assertThat(executed.get(3).outcome())
        .isInstanceOfSatisfying(
            Outcome.Rejected.class,
            r -> assertThat(r.code()).isEqualTo(RejectCode.INSUFFICIENT_FUNDS));
    assertThat(executed.get(3).payerBalance()).isEmpty();

    try (Ledger ledger = Ledger.open(dir.resolve("steps"), OPTIONS)) {
      Batch batch = ledger.newBatch(T0);
      commands().forEach(batch::execute);
      ledger.write(batch);
    }
    assertThat(Files.readAllBytes(segment(dir.resolve("apply"))))
        .isEqualTo(Files.readAllBytes(segment(dir.resolve("steps"))));
  }

  @Test
  void applyRefusesMoreCommandsThanOneBatchHoldsAndFailsClosed() throws Exception {
    LedgerOptions one = new LedgerOptions(LedgerRules.DEFAULTS, 1, 4 << 20, 64L << 20, 0, 2);
    try (Ledger ledger = Ledger.open(dir, one)) {
      assertThatThrownBy(() -> ledger.apply(T0, commands()))
          .isInstanceOf(LedgerFailedException.class);
      assertThat(ledger.failed()).isTrue();
      assertThat(ledger.state().accountCount()).isEqualTo(1);
    }
  }

  @Test
  void journalUpToCutsTheLastSegmentAtThePosition() throws Exception {
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      ledger.apply(T0, commands());
      JournalPosition first = ledger.position();
      ledger.apply(
          T0 + 1, List.of(Command.Transfer.unsigned(new TransferId(3, 1), "alice", "bob", 1)));
      List<Ledger.FileExtent> files = ledger.journalUpTo(first);
      assertThat(files)
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.file()).isEqualTo(segment(dir));
                assertThat(f.length()).isEqualTo(first.offset());
                assertThat(Files.size(f.file())).isGreaterThan(first.offset());
              });
    }
  }

  private static Path segment(Path data) {
    return data.resolve("journal").resolve(JournalFormat.segmentName(0));
  }
}
