package io.paywire.gradecoin;

import io.paywire.session.Enrollment;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Gradecoin network's {@code students.csv}: a header line (ignored, as Gradecoin's csv reader
 * does), then {@code id,password} lines. It is {@link Enrollment} with one header line, so the
 * rules are Paywire's one copy of them: passwords hashed (Argon2id, {@code PasswordHash}) as they
 * are read and never kept or logged; blank lines and {@code #} comments skipped; CR, and spaces
 * around each field, trimmed; a malformed line refused by number; an id listed twice refused; ids
 * are account names (ASCII letters, digits, {@code _ - .}, at most 32), compared without case. An
 * unknown id is checked against a decoy hash, so the answer takes the same work. Thread-safe once
 * loaded.
 */
public final class StudentList {

  /**
   * Most students a list may hold. Loading hashes each password (about 50 ms on one core, done in
   * parallel), so this bounds start-up to about a minute on two cores.
   */
  public static final int MAX_STUDENTS = 2_000;

  private final Enrollment enrollment;

  private StudentList(Enrollment enrollment) {
    this.enrollment = enrollment;
  }

  /** Reads and hashes {@code csv}; blocking and slow, run it on a worker. */
  public static StudentList load(Path csv) throws IOException {
    return new StudentList(Enrollment.load(csv, 1, MAX_STUDENTS));
  }

  /** Whether the pair is on the list; the same work whether or not the id is. Slow: a worker. */
  public boolean admits(String id, String password) {
    return enrollment.admits(id, password);
  }

  /** How many students the list holds. */
  public int size() {
    return enrollment.size();
  }
}
