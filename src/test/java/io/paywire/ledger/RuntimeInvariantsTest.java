package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariants checked after every batch, before it is written: the sum of all balances is zero,
 * no balance a batch touched is negative, the batch continues the sequence and the hash chain. Each
 * test breaks one through a test seam, as a bug would, and the ledger must fail closed with a
 * message naming the batch, write nothing, and reopen at the last good batch.
 */
class RuntimeInvariantsTest {

  @TempDir Path dir;

  @Test
  void balanceChangedWithoutItsCounterpartFailsClosed() throws IOException {
    breakThenWrite(
        (ledger) -> ledger.engine().adjustBalanceForTest("alice", 5),
        "balances sum to 5, not zero");
  }

  @Test
  void negativeBalanceOfATouchedAccountFailsClosed() throws IOException {
    breakThenWrite(
        (ledger) -> {
          // The sum stays zero: only the check of touched balances can see this.
          ledger.engine().adjustBalanceForTest("alice", -1_000);
          ledger.engine().adjustBalanceForTest("issuer", 1_000);
        },
        "balance of alice is -20, below zero");
  }

  @Test
  void frameThatSkipsABatchSequenceFailsClosed() throws IOException {
    breakThenWrite(
        (ledger) -> {
          JournalPosition p = ledger.writer().position();
          ledger
              .writer()
              .setPositionForTest(
                  new JournalPosition(
                      p.segmentId(), p.offset(), p.nextBatchSequence() + 1, p.headHash()));
        },
        "frame carries sequence 3, which does not follow batch 1");
  }

  @Test
  void frameThatDoesNotChainToTheLastHashFailsClosed() throws IOException {
    breakThenWrite(
        (ledger) -> {
          JournalPosition p = ledger.writer().position();
          byte[] wrong = p.headHash().clone();
          wrong[0] ^= 1;
          ledger
              .writer()
              .setPositionForTest(
                  new JournalPosition(p.segmentId(), p.offset(), p.nextBatchSequence(), wrong));
        },
        "frame does not chain to the hash of batch 1");
  }

  /**
   * Writes two good batches, then a third with a transfer from alice, breaks something with {@code
   * breaker} and writes it: the write must fail naming batch 2 and {@code reason}.
   */
  private void breakThenWrite(Consumer<Ledger> breaker, String reason) throws IOException {
    Picture durable;
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      Batch first = ledger.newBatch(1_000);
      first.execute(new Command.OpenAccount(new TransferId(1, 1), "alice", null, 1_000));
      first.execute(new Command.OpenAccount(new TransferId(1, 2), "bob", null, 1_000));
      ledger.write(first);
      Batch second = ledger.newBatch(2_000);
      second.execute(Command.Transfer.unsigned(new TransferId(1, 3), "bob", "alice", 10));
      ledger.write(second);
      durable = Picture.of(ledger);

      Batch third = ledger.newBatch(3_000);
      third.execute(Command.Transfer.unsigned(new TransferId(1, 4), "alice", "bob", 30));
      breaker.accept(ledger);

      assertThatThrownBy(() -> ledger.write(third))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("batch 2")
          .hasMessageContaining(reason);
      assertThat(ledger.failed()).isTrue();
      assertThat(ledger.failure()).contains("batch 2").contains(reason);
      assertThatThrownBy(() -> ledger.newBatch(4_000)).isInstanceOf(LedgerFailedException.class);
    }
    try (Ledger reopened = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      assertThat(Picture.of(reopened))
          .as("nothing of the broken batch was written")
          .isEqualTo(durable);
    }
  }
}
