package io.paywire.gradecoin;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Gradecoin's timestamps: chrono 0.4.19's {@code NaiveDateTime} as serde reads and writes it, so
 * that a transaction or block re-serialised here has the bytes Gradecoin hashes.
 *
 * <p>Reading follows chrono v0.4.19 {@code src/naive/datetime.rs} lines 1469-1497 ({@code FromStr}:
 * the items {@code %Y - %m - %d T %H : %M : %S %.f} with a {@code Space} item, which skips
 * whitespace, before each literal and at the end) and {@code src/format/parse.rs} lines 263-455
 * ({@code parse_internal}): every number skips leading whitespace; a year without a sign has 1 to 4
 * digits, with {@code +} or {@code -} any number; the other fields 1 or 2 digits; only a capital
 * {@code T} separates date and time (a space or {@code t} is "input contains invalid characters");
 * the fraction, optional, must follow the seconds directly as {@code .} and 1 to 9 digits, further
 * digits are skipped without rounding ({@code scan.rs nanosecond}); anything left is "trailing
 * input". {@code parsed.rs} lines 529-562: second 60 is a leap second (kept, written back as 60),
 * other out-of-range fields and impossible dates are "input is out of range".
 *
 * <p>Writing follows serde's {@code Serialize} (datetime.rs line 1717, the {@code Debug} form):
 * {@code date.rs} lines 1639-1650 (years 0 to 9999 as 4 digits, others signed, at least 4 digits)
 * and {@code time.rs} lines 1247-1267 (no fraction when zero, else 3, 6 or 9 digits).
 */
public final class GradecoinTime {

  /** chrono's {@code ParseError} texts (format/mod.rs lines 358-370). */
  static final String OUT_OF_RANGE = "input is out of range";

  static final String INVALID = "input contains invalid characters";
  static final String TOO_SHORT = "premature end of input";
  static final String TOO_LONG = "trailing input";

  /** chrono's date range: {@code i32::MAX >> 13} and {@code i32::MIN >> 13}. */
  private static final int MAX_YEAR = 262_143;

  private static final int MIN_YEAR = -262_144;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int MAX_FRACTION_DIGITS = 9;
  private static final int LEAP_SECOND = 60;

  private GradecoinTime() {}

  /**
   * Parses {@code sent} as chrono does and returns the text chrono writes back.
   *
   * @throws IllegalArgumentException with chrono's error text (the caller adds serde_json's " at
   *     line L column C", which depends on the whole body)
   */
  public static String rewrite(String sent) {
    Reader reader = new Reader(sent);
    long year = reader.year();
    reader.literal('-');
    long month = reader.number(2);
    reader.literal('-');
    long day = reader.number(2);
    reader.literal('T');
    long hour = reader.number(2);
    reader.literal(':');
    long minute = reader.number(2);
    reader.literal(':');
    long second = reader.number(2);
    long nano = reader.fraction();
    reader.end();
    return write(date(year, month, day), hour, minute, second, nano);
  }

  /** Writes {@code t} as chrono's serde does ({@code Debug}). */
  public static String format(LocalDateTime t) {
    return writeDate(t.getYear(), t.getMonthValue(), t.getDayOfMonth())
        + 'T'
        + writeTime(t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
  }

  /**
   * {@code Utc::now()} as Gradecoin writes it into a transaction id ({@code Display} of {@code
   * DateTime<Utc>}): "YYYY-MM-DD HH:MM:SS.nnnnnnnnn UTC", the fraction always 9 digits.
   */
  public static String txIdClock(Instant now) {
    LocalDateTime t = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
    return writeDate(t.getYear(), t.getMonthValue(), t.getDayOfMonth())
        + String.format(
            Locale.ROOT,
            " %02d:%02d:%02d.%09d UTC",
            t.getHour(),
            t.getMinute(),
            t.getSecond(),
            t.getNano());
  }

  private static LocalDate date(long year, long month, long day) {
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new IllegalArgumentException(OUT_OF_RANGE);
    }
    try {
      return LocalDate.of((int) year, (int) Math.min(month, Integer.MAX_VALUE), (int) day);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(OUT_OF_RANGE, e);
    }
  }

  private static String write(LocalDate date, long hour, long minute, long second, long nano) {
    // parsed.rs to_naive_time: hour 0-23, minute 0-59, second 0-59 or 60 (a leap second).
    if (hour > 23 || minute > 59 || second > LEAP_SECOND || nano >= NANOS_PER_SECOND) {
      throw new IllegalArgumentException(OUT_OF_RANGE);
    }
    return writeDate(date.getYear(), date.getMonthValue(), date.getDayOfMonth())
        + 'T'
        + writeTime((int) hour, (int) minute, (int) second, (int) nano);
  }

  private static String writeDate(int year, int month, int day) {
    String y =
        year >= 0 && year <= 9999
            ? String.format(Locale.ROOT, "%04d", year)
            : String.format(Locale.ROOT, "%+05d", year);
    return String.format(Locale.ROOT, "%s-%02d-%02d", y, month, day);
  }

  private static String writeTime(int hour, int minute, int second, int nano) {
    String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", hour, minute, second);
    if (nano == 0) {
      return hms;
    } else if (nano % 1_000_000 == 0) {
      return hms + String.format(Locale.ROOT, ".%03d", nano / 1_000_000);
    } else if (nano % 1_000 == 0) {
      return hms + String.format(Locale.ROOT, ".%06d", nano / 1_000);
    }
    return hms + String.format(Locale.ROOT, ".%09d", nano);
  }

  /** chrono's scanner over one input, failing with its error texts. */
  private static final class Reader {
    private final String s;
    private int at;

    Reader(String s) {
      this.s = s;
    }

    /** {@code Item::Space}: Rust's {@code trim_start}, Unicode White_Space. */
    void space() {
      while (at < s.length() && isRustWhitespace(s.charAt(at))) {
        at++;
      }
    }

    void literal(char c) {
      space();
      if (at >= s.length()) {
        throw new IllegalArgumentException(TOO_SHORT);
      }
      if (s.charAt(at) != c) {
        throw new IllegalArgumentException(INVALID);
      }
      at++;
    }

    long year() {
      space();
      if (at < s.length() && (s.charAt(at) == '-' || s.charAt(at) == '+')) {
        boolean negative = s.charAt(at) == '-';
        at++;
        long v = digits(Integer.MAX_VALUE);
        return negative ? -v : v;
      }
      return digits(4);
    }

    long number(int width) {
      space();
      return digits(width);
    }

    /** {@code scan::number(s, 1, max)}. */
    long digits(int max) {
      if (at >= s.length()) {
        throw new IllegalArgumentException(TOO_SHORT);
      }
      long n = 0;
      int read = 0;
      while (read < max && at < s.length() && isDigit(s.charAt(at))) {
        try {
          n = Math.addExact(Math.multiplyExact(n, 10), s.charAt(at) - '0');
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException(OUT_OF_RANGE, e);
        }
        at++;
        read++;
      }
      if (read == 0) {
        throw new IllegalArgumentException(INVALID);
      }
      return n;
    }

    /** {@code Fixed::Nanosecond}: optional, no whitespace before the dot. */
    long fraction() {
      if (at >= s.length() || s.charAt(at) != '.') {
        return 0;
      }
      at++;
      int start = at;
      long v = digits(MAX_FRACTION_DIGITS);
      int consumed = at - start;
      for (int i = consumed; i < MAX_FRACTION_DIGITS; i++) {
        v *= 10;
      }
      while (at < s.length() && isDigit(s.charAt(at))) {
        at++;
      }
      return v;
    }

    void end() {
      space();
      if (at < s.length()) {
        throw new IllegalArgumentException(TOO_LONG);
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isRustWhitespace(char c) {
      return (c >= '\t' && c <= '\r')
          || c == ' '
          || c == '\u0085'
          || c == '\u00a0'
          || c == '\u1680'
          || (c >= '\u2000' && c <= '\u200a')
          || c == '\u2028'
          || c == '\u2029'
          || c == '\u202f'
          || c == '\u205f'
          || c == '\u3000';
    }
  }
}
