package io.paywire.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** {@link Storage} on the real file system, through {@link FileChannel}. */
final class FileStorage implements Storage {

  static final FileStorage INSTANCE = new FileStorage();

  /** Real paths of the data directories open in this process. */
  private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

  private FileStorage() {}

  @Override
  public void createDirectories(Path directory) throws IOException {
    Files.createDirectories(directory);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  @Override
  public byte[] readAll(Path file) throws IOException {
    return Files.readAllBytes(file);
  }

  @Override
  public SeekableByteChannel openRead(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  @Override
  public AppendFile openAppend(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    channel.position(channel.size());
    return new ChannelFile(channel);
  }

  @Override
  public AppendFile create(Path file) throws IOException {
    return new ChannelFile(
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE));
  }

  @Override
  public void truncate(Path file, long length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
      channel.force(true);
    }
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /**
   * File locks guard against other processes only; within this process a set of open directories
   * does. It is checked before the LOCK file is even opened, because closing any descriptor of a
   * locked file drops this process's lock on it.
   */
  @Override
  public Closeable lock(Path dataDirectory) throws IOException {
    Path key = dataDirectory.toRealPath();
    if (!OPEN_DIRECTORIES.add(key)) {
      throw new IOException("data directory " + dataDirectory + " is already open in this process");
    }
    FileChannel lockChannel = null;
    try {
      lockChannel =
          FileChannel.open(
              dataDirectory.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (lockChannel.tryLock() == null) {
        throw new IOException("data directory " + dataDirectory + " is in use by another process");
      }
    } catch (Throwable e) {
      if (lockChannel != null) {
        lockChannel.close(); // also releases the lock
      }
      OPEN_DIRECTORIES.remove(key);
      throw e;
    }
    FileChannel held = lockChannel;
    return () -> {
      try {
        held.close(); // releases the lock
      } finally {
        OPEN_DIRECTORIES.remove(key);
      }
    };
  }

  private record ChannelFile(FileChannel channel) implements AppendFile {
    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }

    @Override
    public void force() throws IOException {
      channel.force(false);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
