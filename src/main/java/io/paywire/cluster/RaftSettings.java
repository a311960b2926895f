package io.paywire.cluster;

import java.time.Duration;

/**
 * How this node's Raft member runs: every Ratis setting Paywire changes from Ratis's default, named
 * with its unit, bounded and checked here.
 *
 * @param electionTimeoutMin a follower that hears no leader for a random time between this and
 *     {@code electionTimeoutMax} starts an election. Ratis's 150-300 ms made elections flap at
 *     start on this project's two-core machines; 1-2 s does not, and still elects a new leader
 *     within about two seconds of losing one.
 * @param electionTimeoutMax see {@code electionTimeoutMin}
 * @param requestTimeout how long the member's Ratis client waits for one attempt at a request
 *     (Ratis: 3 s): confirming the lead for reads, handing the lead over, asking to join. It also
 *     sets the bound a caller may give a proposal ({@link #proposalGiveUp}).
 * @param requestAttempts how many times the client sends such a request before it fails; Ratis's
 *     default client retries forever. Retries reuse the call id, so Ratis carries out a retried
 *     request at most once.
 * @param retrySleep the pause between two attempts
 * @param snapshotEveryEntries Ratis asks for a snapshot after this many applied entries (Ratis's
 *     automatic snapshots are off by default); each entry is a whole batch, so the default, 10,000
 *     entries, is between 10,000 and tens of millions of transfers
 * @param logSegmentBytes Ratis's log segment size (Ratis: 32 MiB); the log is purged a whole closed
 *     segment at a time
 * @param logPurgeGapEntries Ratis purges its log behind a snapshot only once that frees this many
 *     entries (Ratis: 1024)
 * @param snapshotOnStop whether a member takes a snapshot when it stops (Ratis's default), so its
 *     next start replays nothing; a crash takes none, and the entries after the last snapshot are
 *     then re-applied: the state machine cuts its journal back to its last snapshot mark on start
 *     and rewrites those batches from the log (tests turn this off to see that)
 * @param maxEntriesInFlight how many entries the leader may have proposed and not yet seen applied
 *     ({@link RaftLedger#propose}): Raft's pipelining, so that the next batch is replicated while
 *     the last is still on its round trip. The default, 8, keeps a two-core machine's three members
 *     busy (two or three already cover a round trip there; the rest is for members on other
 *     machines, with longer round trips) and bounds what is in flight to 8 entries of at most
 *     {@link LedgerEntry#MAX_ENTRY_BYTES}, 32 MiB, half of Ratis's pending write limit ({@code
 *     raft.server.write.byte-limit}, 64 MiB), which would otherwise refuse an entry. 1 to 16 (16
 *     such entries are Ratis's whole limit).
 */
public record RaftSettings(
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration requestTimeout,
    int requestAttempts,
    Duration retrySleep,
    long snapshotEveryEntries,
    long logSegmentBytes,
    int logPurgeGapEntries,
    boolean snapshotOnStop,
    int maxEntriesInFlight) {

  /** {@link #maxEntriesInFlight}'s default; see there why. */
  public static final int DEFAULT_MAX_ENTRIES_IN_FLIGHT = 8;

  /** {@link #maxEntriesInFlight}'s upper bound: Ratis's pending write bytes over an entry's. */
  static final int MAX_ENTRIES_IN_FLIGHT = 16;

  public static final RaftSettings DEFAULTS =
      new RaftSettings(
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          3,
          Duration.ofMillis(100),
          10_000,
          32L << 20,
          1024,
          true,
          DEFAULT_MAX_ENTRIES_IN_FLIGHT);

  /** Settings with the default {@link #maxEntriesInFlight}. */
  public RaftSettings(
      Duration electionTimeoutMin,
      Duration electionTimeoutMax,
      Duration requestTimeout,
      int requestAttempts,
      Duration retrySleep,
      long snapshotEveryEntries,
      long logSegmentBytes,
      int logPurgeGapEntries,
      boolean snapshotOnStop) {
    this(
        electionTimeoutMin,
        electionTimeoutMax,
        requestTimeout,
        requestAttempts,
        retrySleep,
        snapshotEveryEntries,
        logSegmentBytes,
        logPurgeGapEntries,
        snapshotOnStop,
        DEFAULT_MAX_ENTRIES_IN_FLIGHT);
  }

  /** These settings with another {@link #maxEntriesInFlight}. */
  public RaftSettings withMaxEntriesInFlight(int entries) {
    return new RaftSettings(
        electionTimeoutMin,
        electionTimeoutMax,
        requestTimeout,
        requestAttempts,
        retrySleep,
        snapshotEveryEntries,
        logSegmentBytes,
        logPurgeGapEntries,
        snapshotOnStop,
        entries);
  }

  /**
   * The smallest log segment allowed: one segment must hold the largest entry ({@link
   * LedgerEntry#MAX_ENTRY_BYTES}) in a production setting, but tests purge after a few small
   * entries, and Ratis gives an oversized entry a segment of its own.
   */
  static final long MIN_LOG_SEGMENT_BYTES = 16 << 10;

  public RaftSettings {
    require(
        !electionTimeoutMin.isNegative() && electionTimeoutMin.toMillis() >= 100,
        "electionTimeoutMin must be at least 100 ms");
    require(
        electionTimeoutMax.compareTo(electionTimeoutMin) > 0
            && electionTimeoutMax.toMillis() <= 60_000,
        "electionTimeoutMax must exceed electionTimeoutMin and be at most 60 s");
    require(
        requestTimeout.toMillis() >= 100 && requestTimeout.toMillis() <= 60_000,
        "requestTimeout must be 100 ms to 60 s");
    require(requestAttempts >= 1 && requestAttempts <= 10, "requestAttempts must be 1 to 10");
    require(
        !retrySleep.isNegative() && retrySleep.toMillis() <= 10_000,
        "retrySleep must be 0 to 10 s");
    require(snapshotEveryEntries >= 1, "snapshotEveryEntries must be at least 1");
    require(
        logSegmentBytes >= MIN_LOG_SEGMENT_BYTES && logSegmentBytes <= 1L << 30,
        "logSegmentBytes must be 16 KiB to 1 GiB");
    require(logPurgeGapEntries >= 1, "logPurgeGapEntries must be at least 1");
    require(
        maxEntriesInFlight >= 1 && maxEntriesInFlight <= MAX_ENTRIES_IN_FLIGHT,
        "maxEntriesInFlight must be 1 to " + MAX_ENTRIES_IN_FLIGHT);
  }

  /** The longest a request through the member's Ratis client can take: every attempt and sleep. */
  Duration clientRequestBound() {
    return requestTimeout
        .multipliedBy(requestAttempts)
        .plus(retrySleep.multipliedBy(requestAttempts - 1L));
  }

  /**
   * A bound a caller may give a proposal ({@link RaftLedger#propose}, which has no timer of its
   * own: Ratis answers every pending request, as not leader, when its server steps down, also for
   * want of a majority's heartbeats): twice the client's bound, so a server that steps down, or a
   * commit that is merely slow, settles it first.
   */
  Duration proposalGiveUp() {
    return clientRequestBound().multipliedBy(2);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
