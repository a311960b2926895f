package io.paywire.cluster;

import java.time.Duration;

/**
 * How this node's Raft member runs: every Ratis setting Paywire changes from Ratis's default,
 * named with its unit, bounded and checked here.
 *
 * @param electionTimeoutMin a follower that hears no leader for a random time between this and
 *     {@code electionTimeoutMax} starts an election. Ratis's 150-300 ms made elections flap at
 *     start on this project's two-core machines; 1-2 s does not, and still elects a new leader
 *     within about two seconds of losing one.
 * @param electionTimeoutMax see {@code electionTimeoutMin}
 * @param requestTimeout how long the member's Ratis client waits for one attempt at a request
 *     (Ratis: 3 s): confirming the lead for reads, handing the lead over, asking to join. It
 *     also sets how long a proposal may stay unsettled ({@link #proposalGiveUp}).
 * @param requestAttempts how many times the client sends such a request before it fails; Ratis's
 *     default client retries forever. Retries reuse the call id, so Ratis carries out a retried
 *     request at most once.
 * @param retrySleep the pause between two attempts
 * @param snapshotEveryEntries Ratis asks for a snapshot after this many applied entries (Ratis's
 *     automatic snapshots are off by default); each entry is a whole batch, so the default,
 *     10,000 entries, is between 10,000 and tens of millions of transfers
 * @param logSegmentBytes Ratis's log segment size (Ratis: 32 MiB); the log is purged a whole
 *     closed segment at a time
 * @param logPurgeGapEntries Ratis purges its log behind a snapshot only once that frees this many
 *     entries (Ratis: 1024)
 * @param snapshotOnStop whether a member takes a snapshot when it stops (Ratis's default), so its
 *     next start replays nothing; a crash takes none, and the entries after the last snapshot are
 *     then re-applied, which the state machine passes over (tests turn this off to see that)
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
    boolean snapshotOnStop) {

  public static final RaftSettings DEFAULTS = new RaftSettings(
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), 3,
      Duration.ofMillis(100), 10_000, 32L << 20, 1024, true);

  /**
   * The smallest log segment allowed: one segment must hold the largest entry
   * ({@link LedgerEntry#MAX_ENTRY_BYTES}) in a production setting, but tests purge after a few
   * small entries, and Ratis gives an oversized entry a segment of its own.
   */
  static final long MIN_LOG_SEGMENT_BYTES = 16 << 10;

  public RaftSettings {
    require(!electionTimeoutMin.isNegative() && electionTimeoutMin.toMillis() >= 100,
        "electionTimeoutMin must be at least 100 ms");
    require(electionTimeoutMax.compareTo(electionTimeoutMin) > 0
        && electionTimeoutMax.toMillis() <= 60_000,
        "electionTimeoutMax must exceed electionTimeoutMin and be at most 60 s");
    require(requestTimeout.toMillis() >= 100 && requestTimeout.toMillis() <= 60_000,
        "requestTimeout must be 100 ms to 60 s");
    require(requestAttempts >= 1 && requestAttempts <= 10, "requestAttempts must be 1 to 10");
    require(!retrySleep.isNegative() && retrySleep.toMillis() <= 10_000,
        "retrySleep must be 0 to 10 s");
    require(snapshotEveryEntries >= 1, "snapshotEveryEntries must be at least 1");
    require(logSegmentBytes >= MIN_LOG_SEGMENT_BYTES && logSegmentBytes <= 1L << 30,
        "logSegmentBytes must be 16 KiB to 1 GiB");
    require(logPurgeGapEntries >= 1, "logPurgeGapEntries must be at least 1");
  }

  /** The longest a request through the member's Ratis client can take: every attempt and sleep. */
  Duration clientRequestBound() {
    return requestTimeout.multipliedBy(requestAttempts)
        .plus(retrySleep.multipliedBy(requestAttempts - 1L));
  }

  /**
   * When a proposal (submitted straight to the member's own server, not through the client) that
   * has not settled is given up on ({@link RaftLedger#propose}): twice the client's bound, so a
   * server that steps down, or a commit that is merely slow, settles it first.
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
