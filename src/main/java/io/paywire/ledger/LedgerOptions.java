package io.paywire.ledger;

/**
 * How a ledger instance runs: its rules, its journal batching and its snapshots. Every bound is
 * named here with its unit; {@code io.paywire.config} reads them from {@code conf/paywire.json}.
 *
 * @param maxBatchCommands most commands in one journal batch (one write, one fsync)
 * @param maxBatchBytes most record bytes in one batch
 * @param segmentBytes a journal segment file is closed and a new one started past this size
 * @param snapshotEveryTransfers a snapshot is written after this many new transfers (0: never)
 * @param snapshotsKept how many snapshot files stay on disk
 * @param gradecoin the rules of a Gradecoin network's ledger, or null for a plain ledger
 */
public record LedgerOptions(
    LedgerRules rules,
    int maxBatchCommands,
    int maxBatchBytes,
    long segmentBytes,
    long snapshotEveryTransfers,
    int snapshotsKept,
    GradecoinRules gradecoin) {

  /**
   * The largest record: a block of the most transactions ({@link RecordCodec#maxBlockBytes}), above
   * a transfer with two 255-character names and two maximal signatures.
   */
  static final int MAX_RECORD_BYTES =
      JournalFormat.RECORD_OVERHEAD_BYTES
          + Math.max(
              1 + 16 + 8 + 2 * (1 + 255) + 2 * (2 + RecordCodec.MAX_SIGNATURE_BYTES),
              RecordCodec.maxBlockBytes());

  /** The largest {@code maxBatchBytes} allowed, so the largest frame a journal can hold. */
  static final int MAX_BATCH_BYTES = 256 << 20;

  public static final LedgerOptions DEFAULTS =
      new LedgerOptions(LedgerRules.DEFAULTS, 8_192, 4 << 20, 64L << 20, 1_000_000, 2);

  public LedgerOptions {
    require(
        maxBatchCommands >= 1 && maxBatchCommands <= 1_000_000,
        "maxBatchCommands must be 1 to 1000000");
    require(
        maxBatchBytes >= 64 << 10 && maxBatchBytes <= MAX_BATCH_BYTES,
        "maxBatchBytes must be 65536 to 268435456");
    require(
        segmentBytes >= maxBatchBytes + 1024 && segmentBytes <= 1L << 30,
        "segmentBytes must exceed maxBatchBytes and be at most 1073741824");
    require(snapshotEveryTransfers >= 0, "snapshotEveryTransfers must be 0 or more");
    require(snapshotsKept >= 1 && snapshotsKept <= 100, "snapshotsKept must be 1 to 100");
  }

  /** Options of a plain ledger, without Gradecoin rules. */
  public LedgerOptions(
      LedgerRules rules,
      int maxBatchCommands,
      int maxBatchBytes,
      long segmentBytes,
      long snapshotEveryTransfers,
      int snapshotsKept) {
    this(
        rules,
        maxBatchCommands,
        maxBatchBytes,
        segmentBytes,
        snapshotEveryTransfers,
        snapshotsKept,
        null);
  }

  /** These options for a Gradecoin network's ledger with {@code gradecoin} rules. */
  public LedgerOptions withGradecoin(GradecoinRules gradecoin) {
    return new LedgerOptions(
        rules,
        maxBatchCommands,
        maxBatchBytes,
        segmentBytes,
        snapshotEveryTransfers,
        snapshotsKept,
        gradecoin);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
