package io.paywire.course;

/**
 * What one course dialect's wire is, as a value: everything else (the commands' meaning, the
 * ledger's rules, presence) is the same for every dialect (docs/dialects.md).
 *
 * @param name as written in the configuration ({@code networks.<name>.dialect})
 * @param lineEnd what ends every reply line ({@code \n} or {@code \r\n})
 * @param keyLine whether the list carries the literal line {@code public key} after the balance
 * @param exitReply the reply to {@code Exit} before the connection closes ("" for none)
 * @param lines whether a chunk holds lines, each a command (2020: CRLF-terminated), or is one
 *     command itself (2021)
 * @param deposit whether {@code REGISTER#} takes {@code <name>#<deposit>} (2020) or a name alone,
 *     whatever it holds (2021)
 */
public record CourseDialect(
    String name,
    String lineEnd,
    boolean keyLine,
    String exitReply,
    boolean lines,
    boolean deposit) {

  /** The TA's 2021/2024 server: LF only, the key line, no reply to {@code Exit}. */
  public static final CourseDialect V2021 = new CourseDialect("2021", "\n", true, "", false, false);

  /** The 2018/2020 specifications: CRLF, no key line, {@code Bye} to {@code Exit}, a deposit. */
  public static final CourseDialect V2020 =
      new CourseDialect("2020", "\r\n", false, "Bye\r\n", true, true);

  /**
   * @throws IllegalArgumentException for a name the configuration would not have accepted
   */
  public static CourseDialect named(String name) {
    for (CourseDialect dialect : new CourseDialect[] {V2020, V2021}) {
      if (dialect.name().equals(name)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException("no course dialect \"" + name + "\"");
  }

  /** {@code text} as one reply line of this dialect. */
  String line(String text) {
    return text + lineEnd;
  }
}
