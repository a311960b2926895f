package io.paywire.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the ledgers inside a node's data directory: every directory, the data directory itself
 * included, whose {@code journal/} holds at least one segment. A single node's ledger is its data
 * directory; a cluster member's lies one level down; a ledger added in a directory of its own (a
 * network) is found the same way, with no change here.
 */
public final class LedgerDirectories {

  /**
   * How deep below the data directory a ledger is looked for. Ledgers lie at depth 0 (a single
   * node), 1 (a cluster member's {@code ledger/}) or 2 (a network's directory in a directory of
   * networks); the bound keeps the walk from wandering through a large tree given by mistake.
   */
  public static final int MAX_DEPTH = 4;

  private LedgerDirectories() {}

  /** The ledger directories under {@code root}, in path order; empty if there is none. */
  public static List<Path> find(Path root) throws IOException {
    List<Path> directories;
    try (Stream<Path> paths = Files.walk(root, MAX_DEPTH)) {
      directories = paths.filter(Files::isDirectory).sorted().toList();
    }
    List<Path> ledgers = new ArrayList<>();
    for (Path directory : directories) {
      if (holdsJournal(directory)) {
        ledgers.add(directory);
      }
    }
    return ledgers;
  }

  /**
   * Whether {@code directory} is a ledger's: its {@code journal/} holds a segment.
   *
   * @throws IOException if the journal directory exists but cannot be listed
   */
  public static boolean holdsJournal(Path directory) throws IOException {
    return !JournalReader.segmentIds(FileStorage.INSTANCE, Ledger.journalDirectory(directory))
        .isEmpty();
  }

  /** Where a ledger's journal segments lie, for messages: {@code DIR/journal/segment-*.log}. */
  public static Path segmentPattern(Path ledgerDirectory) {
    return Ledger.journalDirectory(ledgerDirectory)
        .resolve(JournalFormat.SEGMENT_PREFIX + "*" + JournalFormat.SEGMENT_SUFFIX);
  }
}
