/**
 * The replicated ledger (issue 12, phase 1): one ledger replicated by Raft (Apache Ratis 3.2.0,
 * gRPC with mutual TLS on the cluster key, {@link io.paywire.cluster.RaftTls}), each member
 * applying the same batches to its own {@link io.paywire.ledger.Ledger}. Plain Java, no Vert.x;
 * without {@code --cluster} nothing here runs and no Ratis class loads.
 *
 * <h2>The entry</h2>
 *
 * One Raft entry ({@link io.paywire.cluster.LedgerEntry}) is one whole group-commit batch, never
 * one transfer. The leader decides everything that is not a pure function of the log before it
 * proposes: the batch time, each command with its ids (registrations without an id get theirs from
 * the leader's random source when their request is read, as on a single node), and the ledger terms
 * (rules and batch limits) every member must apply it under. It names no journal position, so it
 * depends on no other entry. Strings travel as UTF-16 code units, so a refused name reaches every
 * member unchanged.
 *
 * <h2>The apply path</h2>
 *
 * Ratis hands each committed entry, in log order, to every member's {@link
 * io.paywire.cluster.LedgerStateMachine}, which runs {@link io.paywire.ledger.Ledger#apply(long,
 * java.util.List, boolean)}: the same per-command step ({@link io.paywire.ledger.Batch#run}) the
 * single node's {@code LedgerVerticle} takes, then one journal write without fsync (the Raft log,
 * which Ratis fsyncs before an entry counts toward a commit, is the durable copy). So every
 * member's journal is the same bytes, every directory passes {@code paywire verify} and all head
 * hashes agree. The apply is synchronous and returns the results in its reply message; the leader
 * submits its entry straight to its own Ratis server (no client, no loopback gRPC), which hands
 * that message to {@link io.paywire.cluster.RaftLedger#propose} unchanged once the entry is applied
 * there; an entry is applied only once a majority has it on disk. Up to {@link
 * io.paywire.cluster.RaftSettings#maxEntriesInFlight} entries may be in flight.
 *
 * <h2>Restarts and snapshots</h2>
 *
 * <ul>
 *   <li>Idempotent by cutting back. Ratis re-applies every entry after the state machine's latest
 *       snapshot when a member restarts. On start the ledger is restored as of the newest snapshot
 *       mark and the journal after the mark's position is cut away ({@link
 *       io.paywire.ledger.Ledger#openAt}); the re-applied entries rewrite those batches byte for
 *       byte. Nothing is written per entry beyond the journal itself: the journal's bytes are
 *       exactly a single node's.
 *   <li>Raft indexes are not batch numbers (configuration and metadata entries take indexes too,
 *       and an entry whose commands all fail writes no batch). The tie between the two is kept only
 *       at snapshots: {@link io.paywire.cluster.LedgerStateMachine#takeSnapshot} captures the
 *       ledger under the lock and a thread of its own writes the ledger snapshot, forces the
 *       journal up to it, then writes a {@link io.paywire.cluster.SnapshotMark} file (term, index,
 *       journal position, snapshot file), durably; Ratis may purge its log only up to the newest
 *       finished mark. On start, the newest mark is the state machine's latest snapshot, and the
 *       journal must reach its position on the same chain.
 *   <li>The state machine's snapshot is the mark, the ledger snapshot and the journal segments up
 *       to the mark's position (the last one cut there). The ledger's directory is the state
 *       machine's snapshot directory: a follower whose log the leader purged receives those files
 *       from Ratis, {@link io.paywire.cluster.LedgerStateMachine#pause} has closed its ledger (and
 *       moved the life cycle to PAUSED, which Ratis checks), Ratis moves the received directory
 *       into place, and {@code reinitialize} opens it. Installing ships the whole journal, not just
 *       the state: it is what keeps every directory verifiable from batch 0.
 *   <li>Automatic snapshots every {@link io.paywire.cluster.RaftSettings#snapshotEveryEntries}
 *       entries and log purge behind them are on ({@code purgeUptoSnapshotIndex}: a member that is
 *       behind catches up by installing a snapshot).
 * </ul>
 *
 * <h2>Failing closed</h2>
 *
 * A member whose apply fails (an I/O error, a broken invariant), whose ledger terms differ from the
 * entry's, that gets an entry of another version or whose index does not follow the last applied
 * one, marks itself failed and throws: Ratis then closes that member. It never applies anything
 * after a gap.
 *
 * <h2>Serving the ledger's addresses</h2>
 *
 * {@link io.paywire.cluster.RaftLedgerVerticle}, which a cluster node deploys instead of {@code
 * node/LedgerVerticle}, starts the member and, while it is leader ready ({@link
 * io.paywire.cluster.RaftLedger#isLeaderReady}), has the node's one ledger service ({@code
 * service/LedgerService}) serve the {@code bus/LedgerApi} addresses, stopping it when it is not
 * (Ratis's leadership events, passed on by {@link
 * io.paywire.cluster.RaftLedger#onLeadershipChange}, and a periodic check). The service is the
 * single node's: the same queue, rounds, reads and answers; only its commit port is {@link
 * io.paywire.cluster.RaftCommit}, which proposes a round's batch as one entry ({@code
 * LedgerEntry.Builder}) and answers it from the {@link io.paywire.ledger.Executed} results once it
 * is applied, reads after it from {@link io.paywire.cluster.LedgerStateMachine#read}. A batch that
 * failed, timed out or was cut short by a step-down fails its requests as unavailable (unknown
 * outcomes), even one that certainly applied nothing ({@link
 * io.paywire.cluster.ProposalNotAppliedException}): it is not proposed again.
 *
 * <h2>Membership, security, takeovers</h2>
 *
 * {@link io.paywire.cluster.ClusterJoin} builds the Hazelcast-clustered Vert.x (membership, the
 * event bus with mutual TLS, members' Raft addresses as member attributes) from {@link
 * io.paywire.cluster.ClusterOptions}; Raft traffic runs mutual TLS with the same cluster key
 * ({@code RaftTls}). Reads alone confirm the lead first ({@link
 * io.paywire.cluster.RaftLedger#confirmLeadership}); every member announces a new leader or term on
 * {@code bus/LedgerApi#LEADER_CHANGED}, so entry points stop waiting for a former leader; a leader
 * that stops hands the lead over. docs/cluster.md says what is guaranteed and what is not.
 *
 * <h2>Networks</h2>
 *
 * Every ledger of a member is one Raft group on the member's one Ratis server ({@link
 * io.paywire.cluster.RaftMember}): the main ledger's and one per network, each with its own state
 * machine, log ({@code raft/<group id>/}), leader and {@link io.paywire.cluster.RaftLedgerVerticle}
 * serving that ledger's addresses while its member leads the group. The main ledger's verticle
 * starts the server and deploys the networks' verticles; it closes the server after them.
 */
package io.paywire.cluster;
