package io.paywire.ledger;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A disk in memory with power cuts, in the manner of TigerBeetle's storage simulator. What reads
 * see is the page cache; what survives a cut is only what the {@link Storage} contract makes
 * durable:
 *
 * <ul>
 *   <li>a file's bytes up to its last {@code force}; of the bytes written after it, a cut keeps
 *       none, all, a random prefix (a torn write), or as many zero bytes (space the file system
 *       allocated but never wrote);
 *   <li>a directory's entries as of its last {@code syncDirectory}; of the creations, renames and
 *       removals since, a cut keeps a random prefix, in order (as a metadata journal would);
 *   <li>directories themselves, once created (a simplification: the ledger creates them once).
 * </ul>
 *
 * <p>Power is cut when the operation count set by {@link #cutPowerAfter} runs out: that operation
 * and every later one throws {@link PowerCut} until {@link #restart}, as if the process died with
 * the machine. Deterministic for a given seed. Not thread-safe: one ledger thread at a time.
 */
final class SimulatedDisk implements Storage {

  /** Thrown by every operation once the power is cut. */
  static final class PowerCut extends RuntimeException {
    PowerCut() {
      super("simulated power cut", null, false, false);
    }
  }

  /** A file's content: what the page cache holds, and how much of it is on disk. */
  private static final class Inode {
    byte[] data = new byte[0];
    int length;
    byte[] durable = new byte[0];

    void append(ByteBuffer bytes, int count) {
      if (length + count > data.length) {
        data = Arrays.copyOf(data, Math.max(length + count, data.length * 2));
      }
      bytes.get(data, length, count);
      length += count;
    }

    byte[] current() {
      return Arrays.copyOf(data, length);
    }
  }

  private record Op(String kind, String name, String to, Inode inode) {}

  private static final class Directory {
    Map<String, Inode> current = new LinkedHashMap<>();
    Map<String, Inode> durable = new LinkedHashMap<>();
    final List<Op> pending = new ArrayList<>();

    void sync() {
      durable = new LinkedHashMap<>(current);
      pending.clear();
    }
  }

  private final Random random;
  private final Map<Path, Directory> directories = new HashMap<>();
  private final Set<Path> locked = new HashSet<>();
  private long operationsLeft = Long.MAX_VALUE;
  private boolean dead;
  private long cuts;

  SimulatedDisk(long seed) {
    this.random = new Random(seed);
  }

  // ---- power
  // -------------------------------------------------------------------------------------

  /** Cuts the power during the {@code operations}-th operation from now (1: the next one). */
  void cutPowerAfter(long operations) {
    operationsLeft = operations;
  }

  void neverCutPower() {
    operationsLeft = Long.MAX_VALUE;
  }

  boolean dead() {
    return dead;
  }

  long cuts() {
    return cuts;
  }

  /** Powers the machine on again: the process that held the locks is gone. */
  void restart() {
    dead = false;
    locked.clear();
    operationsLeft = Long.MAX_VALUE;
  }

  /** Counts one operation; returns true if the power goes out during it. */
  private boolean cutsNow() {
    if (dead) {
      throw new PowerCut();
    }
    if (operationsLeft != Long.MAX_VALUE && --operationsLeft <= 0) {
      return true;
    }
    return false;
  }

  private void tick() {
    if (cutsNow()) {
      cut();
    }
  }

  /**
   * What a power cut leaves: durable entries plus a prefix of pending ones; durable bytes plus some
   * of the rest of each file.
   */
  private void cut() {
    dead = true;
    cuts++;
    Set<Inode> seen = new HashSet<>();
    for (Directory directory : directories.values()) {
      Map<String, Inode> survived = new LinkedHashMap<>(directory.durable);
      int kept = random.nextInt(directory.pending.size() + 1);
      for (Op op : directory.pending.subList(0, kept)) {
        switch (op.kind()) {
          case "create" -> survived.put(op.name(), op.inode());
          case "rename" -> {
            Inode moved = survived.remove(op.name());
            if (moved != null) {
              survived.put(op.to(), moved);
            }
          }
          case "delete" -> survived.remove(op.name());
          default -> throw new IllegalStateException(op.kind());
        }
      }
      directory.durable = survived;
      directory.current = new LinkedHashMap<>(survived);
      directory.pending.clear();
      for (Inode inode : survived.values()) {
        if (seen.add(inode)) {
          loseUnforcedBytes(inode);
        }
      }
    }
    throw new PowerCut();
  }

  private void loseUnforcedBytes(Inode inode) {
    int durable = inode.durable.length;
    int extra = inode.length - durable;
    byte[] result = inode.durable;
    if (extra > 0) {
      int keep =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> extra;
            default -> random.nextInt(extra + 1);
          };
      result = Arrays.copyOf(inode.data, durable + keep);
      if (random.nextInt(4) == 0) {
        Arrays.fill(result, durable, durable + keep, (byte) 0);
      }
    }
    inode.data = result.clone();
    inode.length = result.length;
    inode.durable = result;
  }

  // ---- Storage
  // -----------------------------------------------------------------------------------

  private Directory directory(Path path) throws IOException {
    Directory directory = directories.get(path.getParent());
    if (directory == null) {
      throw new FileNotFoundException("no directory " + path.getParent());
    }
    return directory;
  }

  private static String name(Path path) {
    return path.getFileName().toString();
  }

  private Inode inode(Path file) throws IOException {
    Inode inode = directory(file).current.get(name(file));
    if (inode == null) {
      throw new FileNotFoundException(file.toString());
    }
    return inode;
  }

  @Override
  public void createDirectories(Path directory) {
    tick();
    for (Path p = directory; p != null; p = p.getParent()) {
      directories.putIfAbsent(p, new Directory());
    }
  }

  @Override
  public boolean exists(Path path) {
    tick();
    if (directories.containsKey(path)) {
      return true;
    }
    Directory directory = directories.get(path.getParent());
    return directory != null && directory.current.containsKey(name(path));
  }

  @Override
  public List<Path> list(Path directory) {
    tick();
    Directory d = directories.get(directory);
    if (d == null) {
      return List.of();
    }
    List<Path> entries = new ArrayList<>();
    for (String name : d.current.keySet()) {
      entries.add(directory.resolve(name));
    }
    for (Path p : directories.keySet()) {
      if (directory.equals(p.getParent())) {
        entries.add(p);
      }
    }
    return entries;
  }

  @Override
  public byte[] readAll(Path file) throws IOException {
    tick();
    return inode(file).current();
  }

  @Override
  public SeekableByteChannel openRead(Path file) throws IOException {
    tick();
    return new ReadChannel(inode(file).current());
  }

  @Override
  public AppendFile openAppend(Path file) throws IOException {
    tick();
    Directory directory = directory(file);
    Inode inode = directory.current.get(name(file));
    if (inode == null) {
      inode = new Inode();
      directory.current.put(name(file), inode);
      directory.pending.add(new Op("create", name(file), null, inode));
    }
    return new SimulatedFile(inode);
  }

  @Override
  public AppendFile create(Path file) throws IOException {
    tick();
    Directory directory = directory(file);
    Inode inode = new Inode();
    directory.current.put(name(file), inode);
    directory.pending.add(new Op("create", name(file), null, inode));
    return new SimulatedFile(inode);
  }

  @Override
  public void truncate(Path file, long length) throws IOException {
    tick();
    Inode inode = inode(file);
    inode.length = (int) Math.min(inode.length, length);
    inode.durable = inode.current();
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    tick();
    Directory directory = directory(from);
    Inode inode = directory.current.remove(name(from));
    if (inode == null) {
      throw new FileNotFoundException(from.toString());
    }
    directory.current.put(name(to), inode);
    directory.pending.add(new Op("rename", name(from), name(to), inode));
  }

  @Override
  public void delete(Path file) throws IOException {
    tick();
    Directory directory = directory(file);
    if (directory.current.remove(name(file)) != null) {
      directory.pending.add(new Op("delete", name(file), null, null));
    }
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    tick();
    Directory d = directories.get(directory);
    if (d == null) {
      throw new FileNotFoundException(directory.toString());
    }
    d.sync();
  }

  @Override
  public Closeable lock(Path dataDirectory) throws IOException {
    tick();
    if (!locked.add(dataDirectory)) {
      throw new IOException("data directory " + dataDirectory + " is already open");
    }
    return () -> locked.remove(dataDirectory); // a dead process holds nothing: never throws
  }

  /** Appends to an inode; a write the power cut interrupts leaves a random prefix behind. */
  private final class SimulatedFile implements AppendFile {
    private final Inode inode;
    private boolean open = true;

    SimulatedFile(Inode inode) {
      this.inode = inode;
    }

    @Override
    public long size() throws IOException {
      tick();
      return inode.length;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      if (cutsNow()) {
        inode.append(bytes, random.nextInt(bytes.remaining() + 1));
        cut();
      }
      inode.append(bytes, bytes.remaining());
    }

    @Override
    public void force() throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      tick();
      inode.durable = inode.current();
    }

    @Override
    public void close() {
      open = false; // closing never syncs, and a dead process closes nothing that matters
    }
  }

  /** Reads a copy of a file's content. */
  private static final class ReadChannel implements SeekableByteChannel {
    private final byte[] content;
    private int position;
    private boolean open = true;

    ReadChannel(byte[] content) {
      this.content = content;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (position >= content.length) {
        return -1;
      }
      int count = Math.min(dst.remaining(), content.length - position);
      dst.put(content, position, count);
      position += count;
      return count;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = (int) newPosition;
      return this;
    }

    @Override
    public long size() {
      return content.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
