package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes real journals, closes them and opens them again: what was written is what comes back,
 * across batches and across segment files.
 */
class JournalRoundTripTest {

  /** The smallest segments the options allow, so a few hundred kilobytes span several files. */
  static final LedgerOptions SMALL_SEGMENTS =
      new LedgerOptions(LedgerRules.DEFAULTS, 8_192, 64 << 10, (64 << 10) + 1024, 0, 2);

  @TempDir Path dir;

  @Test
  void reopenedLedgerHasTheSameAccountsTransfersHistoryAndHeadHash() throws IOException {
    Workload workload = new Workload(1);
    Picture written;
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      workload.batch(ledger, 5, 0);
      for (int i = 0; i < 8; i++) {
        workload.batch(ledger, 1, 25);
      }
      written = Picture.of(ledger);
    }

    try (Ledger reopened = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(Picture.of(reopened)).isEqualTo(written);
      assertThat(reopened.state().transferCount()).isEqualTo(workload.recordsWritten());
      assertThat(reopened.recovery().snapshot()).isEmpty();
      assertThat(reopened.recovery().batchesReplayed()).isEqualTo(9);
      assertThat(reopened.recovery().recordsReplayed()).isEqualTo(workload.recordsWritten());
      assertThat(reopened.recovery().tornBytesTruncated()).isZero();
      reopened.state().checkInvariants();
    }
  }

  @Test
  void reopenedLedgerContinuesTheHashChain() throws IOException {
    Workload workload = new Workload(2);
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      workload.batch(ledger, 3, 10);
    }
    Picture continued;
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      workload.batch(ledger, 1, 10);
      continued = Picture.of(ledger);
    }

    try (Ledger reopened = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(Picture.of(reopened)).isEqualTo(continued);
      assertThat(reopened.recovery().batchesReplayed()).isEqualTo(2);
    }
  }

  @Test
  void rejectedAndRepeatedCommandsAreNotJournaled() throws IOException {
    Random random = new Random(3);
    TransferId payment = TransferId.random(random);
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      Batch batch = ledger.newBatch(1_000);
      batch.execute(new Command.OpenAccount(TransferId.random(random), "alice", null, 500));
      batch.execute(new Command.OpenAccount(TransferId.random(random), "bob", null, 500));
      batch.execute(Command.Transfer.unsigned(payment, "alice", "bob", 200));
      Outcome retry = batch.execute(Command.Transfer.unsigned(payment, "alice", "bob", 200));
      Outcome overdraft =
          batch.execute(
              Command.Transfer.unsigned(TransferId.random(random), "alice", "bob", 10_000));
      assertThat(retry)
          .isInstanceOfSatisfying(
              Outcome.Accepted.class, accepted -> assertThat(accepted.duplicate()).isTrue());
      assertThat(overdraft).isInstanceOf(Outcome.Rejected.class);
      assertThat(batch.recordCount).isEqualTo(3);
      ledger.write(batch);
    }

    try (Ledger reopened = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(reopened.recovery().recordsReplayed()).isEqualTo(3);
      assertThat(reopened.state().account("alice").orElseThrow().balance()).isEqualTo(300);
      assertThat(reopened.state().account("bob").orElseThrow().balance()).isEqualTo(700);
      Outcome retryAfterRestart =
          reopened.newBatch(2_000).execute(Command.Transfer.unsigned(payment, "alice", "bob", 200));
      assertThat(retryAfterRestart)
          .isInstanceOfSatisfying(
              Outcome.Accepted.class, accepted -> assertThat(accepted.duplicate()).isTrue());
    }
  }

  @Test
  void emptyDirectoryOpensAsAnEmptyLedgerAndStaysEmptyAfterReopening() throws IOException {
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(ledger.state().accountCount()).isEqualTo(1); // the issuer
      ledger.write(ledger.newBatch(1_000)); // nothing to write
    }
    try (Ledger reopened = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(reopened.state().transferCount()).isZero();
      assertThat(reopened.position().nextBatchSequence()).isZero();
      assertThat(reopened.position().headHash()).isEqualTo(JournalFormat.GENESIS_HASH);
    }
  }

  @Test
  void journalRollsIntoSegmentsNamedAfterTheirFirstBatchAndReopensFromAllOfThem()
      throws IOException {
    Workload workload = new Workload(4);
    Picture written;
    try (Ledger ledger = Ledger.open(dir, SMALL_SEGMENTS)) {
      workload.batch(ledger, 20, 0);
      while (JournalReader.segmentFiles(Ledger.journalDirectory(dir)).size() < 4) {
        workload.batch(ledger, 1, 150);
      }
      written = Picture.of(ledger);
    }

    List<Path> segments = JournalReader.segmentFiles(Ledger.journalDirectory(dir));
    assertThat(segments).hasSizeGreaterThanOrEqualTo(4);
    for (Path segment : segments) {
      assertThat(Files.size(segment)).isBetween(1L, SMALL_SEGMENTS.segmentBytes());
      long firstSequence =
          ByteBuffer.wrap(Files.readAllBytes(segment)).getLong(JournalFormat.HEADER_BYTES);
      assertThat(JournalFormat.segmentId(segment)).isEqualTo(firstSequence);
    }
    try (Ledger reopened = Ledger.open(dir, SMALL_SEGMENTS)) {
      assertThat(Picture.of(reopened)).isEqualTo(written);
      assertThat(reopened.recovery().recordsReplayed()).isEqualTo(workload.recordsWritten());
      assertThat(reopened.position().segmentId())
          .isEqualTo(JournalFormat.segmentId(segments.get(segments.size() - 1)));
      reopened.state().checkInvariants();
    }
  }

  @Test
  void sameCommandsAtTheSameTimesWriteTheSameJournalBytes() throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    for (Path data : List.of(first, second)) {
      Workload workload = new Workload(5);
      try (Ledger ledger = Ledger.open(data, SMALL_SEGMENTS)) {
        workload.batch(ledger, 10, 0);
        for (int i = 0; i < 20; i++) {
          workload.batch(ledger, 1, 100);
        }
      }
    }

    List<Path> firstSegments = JournalReader.segmentFiles(Ledger.journalDirectory(first));
    List<Path> secondSegments = JournalReader.segmentFiles(Ledger.journalDirectory(second));
    assertThat(firstSegments).hasSizeGreaterThan(1);
    assertThat(secondSegments.stream().map(Path::getFileName).toList())
        .isEqualTo(firstSegments.stream().map(Path::getFileName).toList());
    for (int i = 0; i < firstSegments.size(); i++) {
      assertThat(Files.readAllBytes(secondSegments.get(i)))
          .isEqualTo(Files.readAllBytes(firstSegments.get(i)));
    }
  }

  // ---- shared with the other journal, snapshot and recovery tests -------------------------------

  /** Copies a closed data directory, so each damage a test inflicts starts from the same bytes. */
  static Path copyDirectory(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Files.copy(source, to.resolve(from.relativize(source).toString()));
      }
    }
    return to;
  }

  /** The segment file the ledger appends to now. */
  static Path currentSegment(Path dataDirectory, Ledger ledger) {
    return Ledger.journalDirectory(dataDirectory)
        .resolve(JournalFormat.segmentName(ledger.position().segmentId()));
  }

  /**
   * Drives a ledger with a reproducible mix of registrations and transfers, one written batch at a
   * time. Every command must be accepted, so a batch's record count is its command count.
   */
  static final class Workload {
    private static final long DEPOSIT = 1_000_000_000L;
    private final Random random;
    private final List<String> names = new ArrayList<>();
    private long timeMillis = 1_700_000_000_000L;
    private long recordsWritten;

    Workload(long seed) {
      this.random = new Random(seed);
    }

    /** Registers {@code registrations} accounts, then makes {@code transfers} transfers. */
    int batch(Ledger ledger, int registrations, int transfers) throws IOException {
      Batch batch = fill(ledger, registrations, transfers);
      ledger.write(batch);
      recordsWritten += batch.recordCount;
      return batch.recordCount;
    }

    /** Executes a batch's commands without writing it. */
    Batch fill(Ledger ledger, int registrations, int transfers) {
      timeMillis += 1_000;
      Batch batch = ledger.newBatch(timeMillis);
      for (int i = 0; i < registrations; i++) {
        String name = "acct-" + names.size();
        names.add(name);
        accept(
            batch.execute(new Command.OpenAccount(TransferId.random(random), name, null, DEPOSIT)));
      }
      for (int i = 0; i < transfers; i++) {
        accept(batch.execute(nextTransfer()));
      }
      return batch;
    }

    Command.Transfer nextTransfer() {
      if (names.size() < 2) {
        throw new IllegalStateException("register two accounts before transferring");
      }
      int payer = random.nextInt(names.size());
      int payee = (payer + 1 + random.nextInt(names.size() - 1)) % names.size();
      return Command.Transfer.unsigned(
          TransferId.random(random), names.get(payer), names.get(payee), 1 + random.nextInt(100));
    }

    long recordsWritten() {
      return recordsWritten;
    }

    private static void accept(Outcome outcome) {
      if (!(outcome instanceof Outcome.Accepted accepted) || accepted.duplicate()) {
        throw new AssertionError("workload command not applied: " + outcome);
      }
    }
  }

  /**
   * Everything a reader can observe of a ledger, in a form that compares by value: the head of the
   * hash chain, each account, each transfer and each account's history.
   */
  record Picture(
      long nextBatchSequence,
      String headHash,
      List<String> accounts,
      List<TransferView> transfers,
      List<List<TransferView>> histories) {

    static Picture of(Ledger ledger) {
      LedgerState state = ledger.engine();
      List<String> accounts = new ArrayList<>();
      List<List<TransferView>> histories = new ArrayList<>();
      for (Account account : state.accounts) {
        AccountView view = state.account(account.name).orElseThrow();
        accounts.add(
            view.number()
                + " "
                + view.name()
                + " balance="
                + view.balance()
                + " created="
                + view.createdMillis()
                + " transfers="
                + view.transferCount()
                + " key="
                + view.fingerprint());
        histories.add(history(state, view.name()));
      }
      List<TransferView> transfers = new ArrayList<>();
      TransferTable table = state.transfers;
      for (int sequence = 0; sequence < table.size(); sequence++) {
        TransferId id = new TransferId(table.idHigh(sequence), table.idLow(sequence));
        transfers.add(state.transfer(id).orElseThrow());
      }
      return new Picture(
          ledger.position().nextBatchSequence(),
          ledger.position().headHashHex(),
          accounts,
          transfers,
          histories);
    }

    private static List<TransferView> history(LedgerView state, String name) {
      List<TransferView> all = new ArrayList<>();
      while (true) {
        List<TransferView> page = state.history(name, all.size(), LedgerState.MAX_HISTORY_PAGE);
        if (page.isEmpty()) {
          return all;
        }
        all.addAll(page);
      }
    }
  }
}
