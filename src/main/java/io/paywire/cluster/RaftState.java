package io.paywire.cluster;

/**
 * A member's Raft state for health and metrics, read without waiting for an entry being applied.
 *
 * @param leader the leader this member knows of, or null
 * @param leading whether this member leads and has applied every entry of earlier terms
 * @param appliedIndex the Raft index of the last entry applied here
 * @param groupSize the voting members of this member's configuration
 * @param voting whether this member votes in a settled configuration ({@link
 *     RaftLedger#inConfiguration})
 * @param batches where this member's journal stands (its next batch sequence); members that applied
 *     the same entries show the same batches and head
 * @param head this member's journal head hash, hex, or null while its ledger is not open
 */
public record RaftState(
    String leader,
    long term,
    boolean leading,
    long appliedIndex,
    int groupSize,
    boolean voting,
    long batches,
    String head) {

  /** Before the member started. */
  public static final RaftState NONE = new RaftState(null, 0, false, 0, 0, false, 0, null);
}
