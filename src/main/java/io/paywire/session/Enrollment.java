package io.paywire.session;

import io.paywire.crypto.PasswordHash;
import io.paywire.ledger.AccountName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may register, when a course or club hands out one-time passwords: an enrollment file of
 * {@code id,password} lines (a leading {@code #} makes a comment). Passwords are hashed as they are
 * read (Argon2id) and never kept or logged; each id registers once, because an account name is
 * taken once. An unknown id costs the same hash as a known one, so the answer tells nothing about
 * who is enrolled. Thread-safe once loaded.
 */
public final class Enrollment {

  /** Lines beyond this refuse the file: a bound on start-up time and memory. */
  public static final int MAX_ENTRIES = 100_000;

  private final Map<String, PasswordHash> hashes;
  private final PasswordHash decoy = PasswordHash.of("decoy");

  private Enrollment(Map<String, PasswordHash> hashes) {
    this.hashes = hashes;
  }

  /** Reads and hashes the file; blocking and slow (one Argon2 hash a line). */
  public static Enrollment load(Path file) throws IOException {
    return load(file, 0, MAX_ENTRIES);
  }

  /**
   * Reads and hashes the file, ignoring its first {@code headerLines} lines (Gradecoin's
   * students.csv has one) and refusing more than {@code maxEntries} entries. Blocking; the hashes
   * are computed in parallel on the common fork-join pool, since each costs tens of milliseconds.
   */
  public static Enrollment load(Path file, int headerLines, int maxEntries) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, String> passwords = new HashMap<>();
    int number = 0;
    for (String line : lines) {
      number++;
      String trimmed = line.strip();
      if (number <= headerLines || trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int comma = trimmed.indexOf(',');
      String id = comma < 0 ? "" : trimmed.substring(0, comma).strip();
      String password = comma < 0 ? "" : trimmed.substring(comma + 1).strip();
      if (!AccountName.isValid(id) || password.isEmpty()) {
        // Name the line, never its content: it holds a password.
        throw new IOException(
            file
                + " line "
                + number
                + ": expected <id>,<password> with an "
                + "account name as id");
      }
      if (passwords.put(AccountName.key(id), password) != null) {
        throw new IOException(file + " line " + number + ": the id appears twice");
      }
      if (passwords.size() > maxEntries) {
        throw new IOException(file + ": more than " + maxEntries + " entries");
      }
    }
    Map<String, PasswordHash> hashes = new ConcurrentHashMap<>();
    passwords.entrySet().parallelStream()
        .forEach(e -> hashes.put(e.getKey(), PasswordHash.of(e.getValue())));
    return new Enrollment(Map.copyOf(hashes));
  }

  /** Whether {@code id} is enrolled with {@code password}. Slow: run it on a worker. */
  public boolean admits(String id, String password) {
    PasswordHash hash = id == null ? null : hashes.get(AccountName.key(id));
    boolean matches = (hash == null ? decoy : hash).matches(password == null ? "" : password);
    return hash != null && matches;
  }

  public int size() {
    return hashes.size();
  }
}
