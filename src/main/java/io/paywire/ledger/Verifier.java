package io.paywire.ledger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Checks a data directory without changing it: every journal frame (checksums, hash chain,
 * sequence), a full replay from the first batch (snapshots are not trusted here), and every
 * invariant of the resulting state.
 */
public final class Verifier {

  /** What a clean journal holds. */
  public record Report(int accounts, long transfers, long batches, String headHash) {}

  private Verifier() {}

  /**
   * @throws JournalCorruptException naming the first bad frame or record, or a torn tail that a
   *     start would truncate
   * @throws IllegalStateException if the replayed state breaks an invariant
   */
  public static Report verify(Path dataDirectory) throws IOException {
    return verify(dataDirectory, FileStorage.INSTANCE);
  }

  static Report verify(Path dataDirectory, Storage storage) throws IOException {
    LedgerState state = new LedgerState(LedgerRules.DEFAULTS);
    JournalReader.Tail tail =
        JournalReader.read(
            storage, Ledger.journalDirectory(dataDirectory), JournalPosition.START, state::replay);
    if (tail.torn()) {
      throw new JournalCorruptException(
          tail.tornFile(),
          tail.end().offset(),
          "torn tail of "
              + tail.tornBytes()
              + " bytes (an interrupted write; the next start "
              + "truncates it)");
    }
    state.checkInvariants();
    return new Report(
        state.accountCount(), state.transferCount(), tail.batchesRead(), tail.end().headHashHex());
  }
}
