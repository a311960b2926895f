package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import io.paywire.ledger.JournalRoundTripTest.Workload;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An apply that throws (here: the transfer columns cannot grow, as when memory runs out) fails the
 * ledger closed: the batch is undone in memory, so memory equals the journal; the batch can never
 * be written, so nothing of it is acknowledged; and no later batch is taken.
 */
class FailApplyTest {

  /** The columns start with this many rows; growing past it is what the test seam refuses. */
  private static final int INITIAL_ROWS = LedgerFaults.INITIAL_TRANSFER_ROWS;

  @TempDir Path dir;

  @Test
  void applyThatCannotGrowTheColumnsUndoesItsBatchAndFailsClosed() throws IOException {
    Picture durable;
    Batch doomed;
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      Workload workload = new Workload(7);
      workload.batch(ledger, 10, 0);
      while (ledger.state().transferCount() < INITIAL_ROWS - 40) {
        workload.batch(ledger, 0, 100);
      }
      durable = Picture.of(ledger);
      ledger.limitTransferColumns(INITIAL_ROWS);

      // A registration and transfers apply, then one transfer more than the columns hold fails.
      doomed = ledger.newBatch(1_800_000_000_000L);
      doomed.execute(new Command.OpenAccount(new TransferId(9, 9), "late-joiner", null, 77));
      Throwable failure = null;
      for (int i = 0; i < 100 && failure == null; i++) {
        try {
          doomed.execute(workload.nextTransfer());
        } catch (LedgerFailedException e) {
          failure = e;
        }
      }

      assertThat(failure)
          .as("an apply past the column limit fails")
          .isNotNull()
          .hasCauseInstanceOf(OutOfMemoryError.class)
          .hasMessageContaining("batch " + durable.nextBatchSequence());
      assertThat(ledger.failed()).isTrue();
      assertThat(Picture.of(ledger)).as("memory equals the journal").isEqualTo(durable);
      ledger.state().checkInvariants();
      assertThat(ledger.state().account("late-joiner")).isEmpty();

      Batch failedBatch = doomed;
      assertThatThrownBy(() -> ledger.write(failedBatch)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> failedBatch.execute(workload.nextTransfer()))
          .isInstanceOf(LedgerFailedException.class);
      assertThatThrownBy(() -> ledger.newBatch(1_900_000_000_000L))
          .isInstanceOf(LedgerFailedException.class);
      assertThatThrownBy(ledger::captureSnapshot).isInstanceOf(IllegalStateException.class);
      assertThat(ledger.position().nextBatchSequence()).isEqualTo(durable.nextBatchSequence());
    }

    try (Ledger reopened = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(Picture.of(reopened)).isEqualTo(durable);
      assertThat(reopened.failed()).isFalse();
    }
  }

  @Test
  void failureReportedByTheCallerAlsoUndoesTheBatch() throws IOException {
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      Workload workload = new Workload(8);
      workload.batch(ledger, 3, 5);
      Picture durable = Picture.of(ledger);

      Batch batch = workload.fill(ledger, 2, 5);
      LedgerFailedException thrown =
          ledger.fail(batch, "reply", new NullPointerException("reply builder broke"));

      assertThat(thrown)
          .hasMessageContaining("batch " + durable.nextBatchSequence())
          .hasMessageContaining("reply");
      assertThat(ledger.failed()).isTrue();
      assertThat(ledger.failure()).contains("reply builder broke");
      assertThat(Picture.of(ledger)).isEqualTo(durable);
      assertThatThrownBy(() -> ledger.write(batch)).isInstanceOf(IOException.class);
    }
  }
}
