package io.paywire.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file-system step the journal and the snapshots take, in one small seam: the real one
 * ({@link FileStorage}) and, in tests, a simulated disk that loses what was not forced when its
 * power is cut. Durability is exactly what the contract below promises and no more, so code that
 * forgets a force is caught by the simulation.
 */
interface Storage {

  /** Creates a directory and its parents; directories, once created, are durable. */
  void createDirectories(Path directory) throws IOException;

  boolean exists(Path path);

  /** The entries of a directory, in no particular order; empty if it does not exist. */
  List<Path> list(Path directory) throws IOException;

  byte[] readAll(Path file) throws IOException;

  /** Opens a file for reading from its start. */
  SeekableByteChannel openRead(Path file) throws IOException;

  /**
   * Opens a file for appending, creating it if missing. A new file's name is durable only after
   * {@link #syncDirectory}; its bytes only after {@link AppendFile#force}.
   */
  AppendFile openAppend(Path file) throws IOException;

  /** Creates a file, empty, replacing one of the same name; as {@link #openAppend} otherwise. */
  AppendFile create(Path file) throws IOException;

  /** Cuts a file to {@code length} bytes, durably (the cut is forced before this returns). */
  void truncate(Path file, long length) throws IOException;

  /**
   * Renames {@code from} to {@code to} in the same directory in one atomic step, replacing {@code
   * to}. Durable only after {@link #syncDirectory} of that directory.
   */
  void rename(Path from, Path to) throws IOException;

  /** Removes a file if it exists; durable only after {@link #syncDirectory}. */
  void delete(Path file) throws IOException;

  /** Forces a directory's entries (files created, renamed, removed) to disk. */
  void syncDirectory(Path directory) throws IOException;

  /**
   * Takes the data directory for this process, or throws if another process or another ledger in
   * this one has it. Closing the result releases it.
   */
  Closeable lock(Path dataDirectory) throws IOException;

  /** A file open for appending. */
  interface AppendFile extends Closeable {
    long size() throws IOException;

    /** Appends every remaining byte of {@code bytes}; not durable until {@link #force}. */
    void write(ByteBuffer bytes) throws IOException;

    /** Forces the file's content to disk (fsync / fdatasync). */
    void force() throws IOException;
  }
}
