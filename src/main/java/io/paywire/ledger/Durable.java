package io.paywire.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File-system steps that make a change survive a crash. */
final class Durable {
  private Durable() {}

  /** Forces a directory's entries (files created, renamed, removed) to disk. */
  static void syncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** Replaces {@code target} with a fully written, synced {@code temporary} in one atomic step. */
  static void atomicReplace(Path temporary, Path target) throws IOException {
    try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      file.force(true);
    }
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(target.getParent());
  }

  static void truncate(Path file, long length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
      channel.force(true);
    }
  }
}
