package io.paywire.ledger;

import java.io.IOException;
import java.nio.file.Path;

/** The journal holds bytes that are not a valid history. Recovery stops rather than skip them. */
public final class JournalCorruptException extends IOException {
  private final Path file;
  private final long offset;

  public JournalCorruptException(Path file, long offset, String reason) {
    super("journal corrupt in " + file + " at offset " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
