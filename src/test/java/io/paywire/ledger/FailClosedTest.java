package io.paywire.ledger;

import static io.paywire.ledger.JournalRoundTripTest.SMALL_SEGMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import io.paywire.ledger.JournalRoundTripTest.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal write that fails for real (the disk is full) leaves the in-memory state ahead of the
 * disk, so the ledger must refuse all further work until it is reopened; reopening recovers exactly
 * the batches that were durable before the failure.
 *
 * <p>The failure: with the smallest segments, the next batch must roll into a new segment file, and
 * that file name is made a symbolic link to {@code /dev/full}, where every write fails with ENOSPC
 * ("No space left on device").
 */
class FailClosedTest {

  private static final Path DEV_FULL = Paths.get("/dev/full");

  @TempDir Path dir;
  private Path nextSegment;
  private Picture durable;
  private long durableRecords;

  @BeforeEach
  void requireDevFull() {
    // Linux only, like the rest of the suite: a missing /dev/full fails the run, never skips it.
    assertThat(DEV_FULL).as("/dev/full is needed to fail a write").isWritable();
  }

  @Test
  void failedWriteClosesTheLedgerAndReopeningRecoversOnlyTheDurableBatches() throws IOException {
    Ledger ledger = Ledger.open(dir, SMALL_SEGMENTS);
    try {
      Batch doomed = writeUntilTheNextBatchRollsOntoAFullDisk(ledger);

      assertThatThrownBy(() -> ledger.write(doomed))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("No space left on device");
      assertThat(ledger.failed()).isTrue();
      assertThatThrownBy(() -> ledger.newBatch(9_000_000_000_000L))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ledger.write(doomed)).isInstanceOf(IOException.class);
    } finally {
      ledger.close();
    }
    Files.delete(nextSegment);

    try (Ledger reopened = Ledger.open(dir, SMALL_SEGMENTS)) {
      assertThat(Picture.of(reopened)).isEqualTo(durable);
      assertThat(reopened.recovery().recordsReplayed()).isEqualTo(durableRecords);
      assertThat(reopened.recovery().tornBytesTruncated()).isZero();
      assertThat(reopened.failed()).isFalse();
      reopened.state().checkInvariants();

      // The reopened ledger takes batches again, numbered on from the last durable one.
      Batch next = reopened.newBatch(9_000_000_000_000L);
      next.execute(new Command.OpenAccount(new TransferId(42, 42), "after-reopen", null, 10));
      reopened.write(next);
      assertThat(reopened.position().nextBatchSequence())
          .isEqualTo(durable.nextBatchSequence() + 1);
    }
  }

  /**
   * After a failed write the in-memory state holds the failed batch; a snapshot of it would make
   * that batch durable after all, as of a journal position that does not contain it. The ledger
   * must refuse to capture or write one; whatever it refuses with, reopening must recover only the
   * durable batches.
   */
  @Test
  void snapshotAfterAFailedWriteDoesNotMakeTheFailedBatchDurable() throws IOException {
    Ledger ledger = Ledger.open(dir, SMALL_SEGMENTS);
    try {
      Batch doomed = writeUntilTheNextBatchRollsOntoAFullDisk(ledger);
      assertThatThrownBy(() -> ledger.write(doomed)).isInstanceOf(IOException.class);

      try {
        ledger.writeSnapshot(ledger.captureSnapshot());
      } catch (IllegalStateException | IOException refused) {
        // refusing is right; the check below is what matters
      }
    } finally {
      ledger.close();
    }
    Files.delete(nextSegment);

    try (Ledger reopened = Ledger.open(dir, SMALL_SEGMENTS)) {
      assertThat(Picture.of(reopened)).isEqualTo(durable);
    }
  }

  /** Closing a failed ledger must still close its journal file, or each failure leaks one. */
  @Test
  void closingAFailedLedgerReleasesItsJournalFile() throws IOException {
    Path descriptors = Paths.get("/proc/self/fd");
    assertThat(descriptors).as("Linux /proc lists open files").isDirectory();
    Set<Path> before = descriptorsOn(descriptors, DEV_FULL);

    Ledger ledger = Ledger.open(dir, SMALL_SEGMENTS);
    Set<Path> opened = new HashSet<>();
    try {
      Batch doomed = writeUntilTheNextBatchRollsOntoAFullDisk(ledger);
      assertThatThrownBy(() -> ledger.write(doomed)).isInstanceOf(IOException.class);
      opened.addAll(descriptorsOn(descriptors, DEV_FULL));
      opened.removeAll(before);
      assertThat(opened).as("the failed segment's descriptor").hasSize(1);
    } finally {
      ledger.close();
    }

    assertThat(descriptorsOn(descriptors, DEV_FULL))
        .as("descriptors still open on /dev/full")
        .doesNotContainAnyElementsOf(opened);
  }

  /**
   * Writes batches until the current segment has no room for another one, links the next segment's
   * name to /dev/full and returns an executed batch that must roll there. Remembers what is durable
   * at that point.
   */
  private Batch writeUntilTheNextBatchRollsOntoAFullDisk(Ledger ledger) throws IOException {
    Workload workload = new Workload(41);
    workload.batch(ledger, 10, 0);
    while (ledger.position().offset() < SMALL_SEGMENTS.segmentBytes() - 20_000) {
      workload.batch(ledger, 0, 150);
    }
    assertThat(ledger.position().segmentId()).isZero();
    durable = Picture.of(ledger);
    durableRecords = workload.recordsWritten();

    Batch doomed = workload.fill(ledger, 0, 0);
    long room = SMALL_SEGMENTS.segmentBytes() - ledger.position().offset();
    while (frameLength(doomed) <= room) {
      doomed.execute(workload.nextTransfer());
    }
    assertThat(doomed.isFull()).isFalse();

    nextSegment =
        Ledger.journalDirectory(dir)
            .resolve(JournalFormat.segmentName(ledger.position().nextBatchSequence()));
    Files.createSymbolicLink(nextSegment, DEV_FULL);
    return doomed;
  }

  private static long frameLength(Batch batch) {
    return (long) JournalFormat.HEADER_BYTES
        + JournalFormat.BODY_FIXED_BYTES
        + batch.encodedRecords().remaining()
        + JournalFormat.HASH_BYTES;
  }

  /** This process's file descriptors that point at {@code target}. */
  private static Set<Path> descriptorsOn(Path descriptors, Path target) throws IOException {
    try (Stream<Path> links = Files.list(descriptors)) {
      return links
          .filter(
              link -> {
                try {
                  return Files.readSymbolicLink(link).equals(target);
                } catch (IOException | UnsupportedOperationException gone) {
                  return false; // closed while listing, or not a link
                }
              })
          .collect(Collectors.toSet());
    }
  }
}
