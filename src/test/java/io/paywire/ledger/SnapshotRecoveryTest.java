package io.paywire.ledger;

import static io.paywire.ledger.JournalRoundTripTest.currentSegment;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import io.paywire.ledger.JournalRoundTripTest.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots shorten recovery but never change its result: a reopened ledger starts from the newest
 * snapshot that checks out, replays only the journal after it, and ends in the same state as a
 * replay of the whole journal. A damaged snapshot is passed over, never trusted.
 */
class SnapshotRecoveryTest {

  private static final LedgerOptions OPTIONS =
      new LedgerOptions(LedgerRules.DEFAULTS, 8_192, 64 << 10, (64 << 10) + 1024, 150, 2);

  /** One snapshot written during the run, and how much of the journal it covers. */
  record Taken(String fileName, long records, long batches) {}

  /** Written once; each test damages its own copy. */
  @TempDir static Path template;

  private static final List<Taken> taken = new ArrayList<>();
  private static Picture written;
  private static long records;
  private static long batches;

  @TempDir Path temporary;
  private Path dir;

  /**
   * Writes batches across two journal segments, snapshotting whenever one is due, and ends with
   * batches the newest snapshot does not cover.
   */
  @BeforeAll
  static void writeJournalWithSnapshots() throws IOException {
    Workload workload = new Workload(31);
    try (Ledger ledger = Ledger.open(template, OPTIONS)) {
      workload.batch(ledger, 8, 0);
      batches = 1;
      while (batches < 24) {
        workload.batch(ledger, 1, 60);
        batches++;
        if (ledger.snapshotDue()) {
          Path file = ledger.writeSnapshot(ledger.captureSnapshot());
          taken.add(new Taken(file.getFileName().toString(), workload.recordsWritten(), batches));
          assertThat(ledger.snapshotDue()).isFalse();
        }
      }
      workload.batch(ledger, 0, 20);
      batches++;
      records = workload.recordsWritten();
      written = Picture.of(ledger);
      assertThat(ledger.position().segmentId()).as("the journal spans segments").isPositive();
    }
    assertThat(taken).hasSizeGreaterThanOrEqualTo(3);
  }

  @BeforeEach
  void copyTemplate() throws IOException {
    dir = JournalRoundTripTest.copyDirectory(template, temporary.resolve("data"));
  }

  private Path file(Taken snapshot) {
    return Ledger.snapshotDirectory(dir).resolve(snapshot.fileName());
  }

  @Test
  void reopenStartsFromTheNewestSnapshotAndReplaysOnlyTheJournalAfterIt() throws IOException {
    Taken newest = taken.get(taken.size() - 1);
    try (Ledger ledger = reopen()) {
      assertThat(ledger.recovery().snapshot()).contains(file(newest));
      assertThat(ledger.recovery().recordsReplayed()).isEqualTo(records - newest.records());
      assertThat(ledger.recovery().batchesReplayed()).isEqualTo(batches - newest.batches());
      assertThat(Picture.of(ledger)).isEqualTo(written);
      ledger.state().checkInvariants();
      assertThat(ledger.snapshotDue())
          .isEqualTo(records - newest.records() >= OPTIONS.snapshotEveryTransfers());
    }
  }

  @Test
  void snapshotAndFullReplayGiveTheSameState() throws IOException {
    Path journalOnly = temporary.resolve("journal-only");
    Files.createDirectories(journalOnly);
    JournalRoundTripTest.copyDirectory(
        Ledger.journalDirectory(dir), Ledger.journalDirectory(journalOnly));
    try (Ledger fromJournal = Ledger.open(journalOnly, OPTIONS);
        Ledger fromSnapshot = reopen()) {
      assertThat(fromJournal.recovery().snapshot()).isEmpty();
      assertThat(fromJournal.recovery().recordsReplayed()).isEqualTo(records);
      assertThat(fromSnapshot.recovery().snapshot()).isPresent();
      assertThat(Picture.of(fromSnapshot)).isEqualTo(Picture.of(fromJournal));
    }
  }

  @Test
  void onlyTheNewestSnapshotsKeptStayOnDisk() throws IOException {
    List<Path> expected =
        taken.subList(taken.size() - OPTIONS.snapshotsKept(), taken.size()).stream()
            .map(this::file)
            .toList();
    try (Stream<Path> files = Files.list(Ledger.snapshotDirectory(dir))) {
      assertThat(files.sorted().toList()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void damagedNewestSnapshotFallsBackToTheOlderOne() throws IOException {
    Taken newest = taken.get(taken.size() - 1);
    Taken older = taken.get(taken.size() - 2);
    flip(file(newest), Files.size(file(newest)) / 2);

    try (Ledger ledger = reopen()) {
      assertThat(ledger.recovery().snapshot()).contains(file(older));
      assertThat(ledger.recovery().recordsReplayed()).isEqualTo(records - older.records());
      assertThat(Picture.of(ledger)).isEqualTo(written);
      ledger.state().checkInvariants();
    }
  }

  @Test
  void allSnapshotsDamagedFallsBackToTheWholeJournal() throws IOException {
    for (Taken snapshot : taken.subList(taken.size() - 2, taken.size())) {
      flip(file(snapshot), 100);
    }

    try (Ledger ledger = reopen()) {
      assertThat(ledger.recovery().snapshot()).isEmpty();
      assertThat(ledger.recovery().recordsReplayed()).isEqualTo(records);
      assertThat(ledger.recovery().batchesReplayed()).isEqualTo(batches);
      assertThat(Picture.of(ledger)).isEqualTo(written);
    }
  }

  @Test
  void snapshotCutShortIsPassedOver() throws IOException {
    Taken newest = taken.get(taken.size() - 1);
    Taken older = taken.get(taken.size() - 2);
    try (FileChannel channel = FileChannel.open(file(newest), StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 1);
    }

    try (Ledger ledger = reopen()) {
      assertThat(ledger.recovery().snapshot()).contains(file(older));
      assertThat(Picture.of(ledger)).isEqualTo(written);
    }
  }

  /**
   * One byte flipped in each field of the structure (magic, version, position, hash, counts, the
   * issuer's account, the checksum) and in a sample of the transfer columns: each damaged copy is
   * passed over for the older snapshot, and the state is the same.
   */
  @Test
  void snapshotWithAnyOneByteFlippedIsPassedOver() throws IOException {
    Taken newest = taken.get(taken.size() - 1);
    Taken older = taken.get(taken.size() - 2);
    byte[] original = Files.readAllBytes(file(newest));
    int transferCount = transferCountOffset(original, (int) newest.records());
    SortedSet<Integer> flips = new TreeSet<>();
    addRange(flips, 0, 8); // magic and version
    for (int field = 8; field < 32; field += 8) { // segmentId, offset, nextBatchSequence
      flips.add(field);
      flips.add(field + 7);
    }
    flips.add(32); // head hash
    flips.add(63);
    addRange(flips, ACCOUNT_COUNT_OFFSET, ACCOUNT_COUNT_OFFSET + 4);
    addRange(flips, ISSUER_OFFSET, ISSUER_OFFSET + 1 + AccountName.ISSUER.length() + 2 + 8 + 8);
    addRange(flips, transferCount, transferCount + 4);
    addRange(flips, original.length - 4, original.length); // checksum
    for (int sample = ISSUER_OFFSET; sample < original.length; sample += 2_003) {
      flips.add(sample);
    }

    for (int flip : flips) {
      byte[] damaged = original.clone();
      damaged[flip] ^= (byte) 0xFF;
      Files.write(file(newest), damaged);

      try (Ledger ledger = reopen()) {
        assertThat(ledger.recovery().snapshot()).as("flip at %d", flip).contains(file(older));
        assertThat(Picture.of(ledger)).as("flip at %d", flip).isEqualTo(written);
      }
    }
  }

  /**
   * A damaged count must not make recovery allocate for it: the file's length bounds what a
   * snapshot can hold, so the snapshot is passed over like any other damage.
   */
  @Test
  void snapshotWhoseTransferCountIsDamagedToAHugeNumberIsPassedOver() throws IOException {
    Taken newest = taken.get(taken.size() - 1);
    Taken older = taken.get(taken.size() - 2);
    byte[] data = Files.readAllBytes(file(newest));
    int countAt = transferCountOffset(data, (int) newest.records());
    data[countAt] ^= 0x1F; // one byte: hundreds of millions, within TransferTable's limit
    assertThat(ByteBuffer.wrap(data).getInt(countAt))
        .isBetween(1 << 28, TransferTable.MAX_TRANSFERS);
    Files.write(file(newest), data);

    try (Ledger ledger = reopen()) {
      assertThat(ledger.recovery().snapshot()).contains(file(older));
      assertThat(Picture.of(ledger)).isEqualTo(written);
    }
  }

  /** The same for the account count, which sizes four arrays before anything else is read. */
  @Test
  void snapshotWhoseAccountCountIsDamagedToAHugeNumberIsPassedOver() throws IOException {
    Taken newest = taken.get(taken.size() - 1);
    Taken older = taken.get(taken.size() - 2);
    byte[] data = Files.readAllBytes(file(newest));
    int countAt = ACCOUNT_COUNT_OFFSET;
    data[countAt] ^= 0x7F; // one byte: about 2.1 billion accounts
    assertThat(ByteBuffer.wrap(data).getInt(countAt)).isGreaterThan(1 << 30);
    Files.write(file(newest), data);

    try (Ledger ledger = reopen()) {
      assertThat(ledger.recovery().snapshot()).contains(file(older));
      assertThat(Picture.of(ledger)).isEqualTo(written);
    }
  }

  @Test
  void tornLastBatchAfterTheNewestSnapshotIsTruncatedAsWithoutSnapshots() throws IOException {
    Taken newest = taken.get(taken.size() - 1);
    Picture beforeLast;
    long frameStart;
    Path segment;
    try (Ledger ledger = reopen()) {
      beforeLast = Picture.of(ledger);
      segment = currentSegment(dir, ledger);
      frameStart = ledger.position().offset();
      Batch last = ledger.newBatch(9_000_000_000_000L);
      Random random = new Random(32);
      last.execute(new Command.OpenAccount(TransferId.random(random), "late-1", null, 10));
      last.execute(new Command.OpenAccount(TransferId.random(random), "late-2", null, 10));
      ledger.write(last);
    }
    long cut = frameStart + (Files.size(segment) - frameStart) / 2;
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(cut);
    }

    try (Ledger ledger = reopen()) {
      assertThat(ledger.recovery().snapshot()).contains(file(newest));
      assertThat(ledger.recovery().tornBytesTruncated()).isEqualTo(cut - frameStart);
      assertThat(ledger.recovery().recordsReplayed()).isEqualTo(records - newest.records());
      assertThat(Picture.of(ledger)).isEqualTo(beforeLast);
    }
    assertThat(Files.size(segment)).isEqualTo(frameStart);
  }

  /**
   * Opens the ledger written above. Damage to a snapshot must never cost more than the snapshot: an
   * OutOfMemoryError would abort the whole test run, so it is reported as this test's failure.
   */
  private Ledger reopen() throws IOException {
    try {
      return Ledger.open(dir, OPTIONS);
    } catch (OutOfMemoryError outOfMemory) {
      throw new AssertionError(
          "recovery ran out of memory reading a damaged snapshot", outOfMemory);
    }
  }

  // ---- the snapshot layout Snapshot documents ------------------------------------------------

  /** "PWS1" 4 | version 4 | segmentId 8 | offset 8 | nextBatchSequence 8 | headHash 32. */
  private static final int ACCOUNT_COUNT_OFFSET = 4 + 4 + 8 + 8 + 8 + JournalFormat.HASH_BYTES;

  /** The issuer is always the first account: nameLength 1 | name | keyLength 2 | 8 | 8. */
  private static final int ISSUER_OFFSET = ACCOUNT_COUNT_OFFSET + 4;

  private static void addRange(SortedSet<Integer> offsets, int from, int to) {
    for (int offset = from; offset < to; offset++) {
      offsets.add(offset);
    }
  }

  /** The transfer count sits before six columns of n entries and the checksum. */
  private static int transferCountOffset(byte[] snapshot, int transfers) {
    int offset = snapshot.length - 4 - transfers * (8 + 8 + 4 + 4 + 8 + 8) - 4;
    if (ByteBuffer.wrap(snapshot).getInt(offset) != transfers) {
      throw new IllegalStateException("no transfer count of " + transfers + " at " + offset);
    }
    return offset;
  }

  private static void flip(Path file, long offset) throws IOException {
    byte[] data = Files.readAllBytes(file);
    data[(int) offset] ^= (byte) 0xFF;
    Files.write(file, data);
  }
}
