package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** One connection's command rate, on a clock the test holds (nanoseconds passed in). */
class TokenBucketTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long START = 123_456_789L;

  @Test
  void startsFullAndGivesItsWholeBurstAtOnce() {
    TokenBucket bucket = new TokenBucket(10, 3, START);
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.tryTake(START)).as("token %d", i).isTrue();
    }
    assertThat(bucket.tryTake(START)).isFalse();
  }

  @Test
  void refillsOneTokenPerIntervalAndSaysHowLongUntilTheNext() {
    TokenBucket bucket = new TokenBucket(4, 1, START); // one token every 250 ms
    assertThat(bucket.tryTake(START)).isTrue();
    assertThat(bucket.nanosUntilToken(START)).isEqualTo(SECOND / 4);
    long later = START + SECOND / 10;
    assertThat(bucket.tryTake(later)).isFalse();
    assertThat(bucket.nanosUntilToken(later)).isEqualTo(SECOND / 4 - SECOND / 10);
    assertThat(bucket.tryTake(START + SECOND / 4 - 1)).isFalse();
    assertThat(bucket.nanosUntilToken(START + SECOND / 4)).isZero();
    assertThat(bucket.tryTake(START + SECOND / 4)).isTrue();
    assertThat(bucket.tryTake(START + SECOND / 4)).isFalse();
  }

  @Test
  void aLongIdleFillsNoMoreThanTheBurst() {
    TokenBucket bucket = new TokenBucket(1_000, 2, START);
    bucket.tryTake(START);
    bucket.tryTake(START);
    long hourLater = START + 3_600 * SECOND;
    assertThat(bucket.tryTake(hourLater)).isTrue();
    assertThat(bucket.tryTake(hourLater)).isTrue();
    assertThat(bucket.tryTake(hourLater)).as("idle time is not banked beyond the burst").isFalse();
  }

  @Test
  void refusedTakesCostNothing() {
    TokenBucket bucket = new TokenBucket(10, 1, START);
    bucket.tryTake(START);
    for (int i = 1; i < 10; i++) {
      assertThat(bucket.tryTake(START + i * SECOND / 100)).isFalse();
    }
    // Refills are summed in floating point, so ten looks at a tenth of the interval each may
    // leave the token a nanosecond short: no refused take moved it further away than that.
    long due = START + SECOND / 10;
    assertThat(bucket.nanosUntilToken(due)).isLessThanOrEqualTo(1);
    assertThat(bucket.tryTake(due + 1)).isTrue();
  }

  @Test
  void refusesARateOrBurstBelowOne() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, START))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, START))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Whatever the pattern of takes, the bucket never gives more than its burst plus what its rate
   * earned since the start, and a take succeeds exactly when it says no wait is needed.
   */
  @Property(tries = 300)
  void neverGivesMoreThanBurstPlusRateTimesTime(
      @ForAll @IntRange(min = 1, max = 1_000) int rate,
      @ForAll @IntRange(min = 1, max = 50) int burst,
      @ForAll("steps") List<Long> stepsNanos) {
    TokenBucket bucket = new TokenBucket(rate, burst, START);
    long now = START;
    long given = 0;
    for (long step : stepsNanos) {
      now += step;
      boolean free = bucket.nanosUntilToken(now) == 0;
      boolean took = bucket.tryTake(now);
      assertThat(took).as("take agrees with nanosUntilToken").isEqualTo(free);
      if (took) {
        given++;
      }
      double earned = (double) rate * (now - START) / SECOND;
      assertThat((double) given).isLessThanOrEqualTo(burst + earned + 1e-6);
    }
  }

  @Provide
  Arbitrary<List<Long>> steps() {
    return Arbitraries.longs().between(0, SECOND / 5).list().ofMaxSize(400);
  }
}
