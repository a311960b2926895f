package io.paywire.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Copies a ledger's directory while a node writes to it, with no coordination: the copy is
 * consistent because the files are. Snapshots appear whole (temporary file, then rename) and the
 * journal is append-only, every frame checksummed and chained to the one before. So a copy of the
 * newest snapshot, then of every segment up to the size it had when its copy began, holds every
 * batch written before the backup started, and at most one frame cut short at its very end: the
 * torn tail the node's own recovery truncates. The copy is recovered exactly so ({@link
 * Ledger#open}: torn tail cut, snapshot and replay checked against every invariant) and then
 * verified from the first batch ({@link Verifier}); a copy that fails either is an error, never a
 * backup.
 *
 * <p>The order matters: the snapshot is taken first, because a snapshot is written only after the
 * journal bytes up to its position, so the journal copied after it reaches that position.
 */
public final class LedgerBackup {

  /**
   * What one ledger's backup holds and what it cost.
   *
   * @param snapshot the snapshot file copied, or empty if the ledger had none
   * @param journalBytes journal bytes copied, before the torn tail (if any) was cut
   * @param tornBytes bytes of an unfinished last frame cut from the copy
   * @param copyMillis the copy itself: the only time the backup reads the live directory
   * @param checkMillis recovering and verifying the copy, on the copy only
   */
  public record Report(
      Path source,
      Path target,
      Optional<Path> snapshot,
      int segments,
      long journalBytes,
      long tornBytes,
      long batches,
      long transfers,
      String headHash,
      long copyMillis,
      long checkMillis) {}

  private LedgerBackup() {}

  /**
   * Copies the ledger in {@code source} to {@code target}, which must not hold a ledger yet, then
   * recovers and verifies the copy. Never writes to {@code source} and takes no lock on it.
   *
   * @throws JournalCorruptException if the copy does not recover or verify
   * @throws IllegalStateException if the copy's replayed state breaks an invariant
   * @throws IOException if a file cannot be read or written, or vanished during the copy
   */
  public static Report copy(Path source, Path target) throws IOException {
    Storage storage = FileStorage.INSTANCE;
    long started = System.nanoTime();
    if (storage.exists(Ledger.journalDirectory(target))) {
      throw new IOException("backup target " + target + " already holds a journal");
    }
    Path snapshotTarget = Ledger.snapshotDirectory(target);
    Path journalTarget = Ledger.journalDirectory(target);
    storage.createDirectories(snapshotTarget);
    storage.createDirectories(journalTarget);

    Optional<Path> snapshot = copyNewestSnapshot(storage, source, snapshotTarget);
    Path journal = Ledger.journalDirectory(source);
    List<Long> segments = JournalReader.segmentIds(storage, journal);
    long bytes = 0;
    for (long id : segments) {
      String name = JournalFormat.segmentName(id);
      bytes += copyFile(journal.resolve(name), journalTarget.resolve(name));
    }
    storage.syncDirectory(journalTarget);
    storage.syncDirectory(snapshotTarget);
    storage.syncDirectory(target);
    long copied = System.nanoTime();

    long torn;
    try (Ledger recovered = Ledger.open(target, LedgerOptions.DEFAULTS)) {
      torn = recovered.recovery().tornBytesTruncated();
    }
    Verifier.Report verified = Verifier.verify(target);
    return new Report(
        source,
        target,
        snapshot.map(Path::getFileName),
        segments.size(),
        bytes,
        torn,
        verified.batches(),
        verified.transfers(),
        verified.headHash(),
        (copied - started) / 1_000_000,
        (System.nanoTime() - copied) / 1_000_000);
  }

  /**
   * Copies the newest snapshot that still exists: the node deletes old ones as it writes new ones
   * ({@code ledger.snapshotsKept}), so one listed may be gone by the time it is opened. A damaged
   * one is copied all the same; recovery passes it over, as the node's does.
   */
  private static Optional<Path> copyNewestSnapshot(Storage storage, Path source, Path target)
      throws IOException {
    List<Path> snapshots = Snapshot.list(storage, Ledger.snapshotDirectory(source));
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      Path file = snapshots.get(i);
      try {
        copyFile(file, target.resolve(file.getFileName()));
        return Optional.of(file);
      } catch (NoSuchFileException deletedSinceTheListing) {
        // An older snapshot is still a consistent start; with none, recovery replays the
        // whole journal.
      }
    }
    return Optional.empty();
  }

  /**
   * Copies the bytes {@code from} held when it was opened, forced to disk; a file appended to
   * meanwhile contributes a prefix, which for a journal segment is whole frames and perhaps the
   * start of one more.
   */
  private static long copyFile(Path from, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = in.size();
      long done = 0;
      while (done < size) {
        long moved = in.transferTo(done, size - done, out);
        if (moved <= 0) {
          throw new IOException(
              from
                  + " shrank from "
                  + size
                  + " to "
                  + in.size()
                  + " bytes while it was copied; take the backup again");
        }
        done += moved;
      }
      out.force(true);
      return size;
    }
  }
}
