package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.session.RateLimiter.Admission;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(5_000_000);

  @Test
  void aKeyHasItsBudgetThenOneEventPerRefillInterval() {
    RateLimiter limiter = new RateLimiter(3, 60_000, 10, now::get);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a")).isEqualTo(Admission.ADMITTED);
    }
    assertThat(limiter.tryAcquire("a")).isEqualTo(Admission.LIMITED);
    assertThat(limiter.retryAfterMillis("a")).isEqualTo(20_000);
    now.addAndGet(20_000);
    assertThat(limiter.tryAcquire("a")).isEqualTo(Admission.ADMITTED);
    assertThat(limiter.tryAcquire("a")).isEqualTo(Admission.LIMITED);
  }

  @Test
  void aFullTableRefusesNewKeysInsteadOfForgettingOldOnes() {
    RateLimiter limiter = new RateLimiter(2, 60_000, 3, now::get);
    limiter.tryAcquire("victim");
    limiter.tryAcquire("victim");
    assertThat(limiter.tryAcquire("victim")).isEqualTo(Admission.LIMITED);
    for (int i = 0; i < 1_000; i++) {
      limiter.tryAcquire("flood-" + i);
    }
    assertThat(limiter.size()).isEqualTo(3);
    assertThat(limiter.tryAcquire("victim")).as("not forgotten").isEqualTo(Admission.LIMITED);
    assertThat(limiter.tryAcquire("newcomer")).isEqualTo(Admission.FULL);
    now.addAndGet(60_000); // every budget is whole again: the sweep makes room
    assertThat(limiter.tryAcquire("newcomer")).isEqualTo(Admission.ADMITTED);
    assertThat(limiter.size()).isEqualTo(1);
  }

  @Test
  void aRefundGivesOneEventBack() {
    RateLimiter limiter = new RateLimiter(1, 60_000, 10, now::get);
    assertThat(limiter.tryAcquire("a")).isEqualTo(Admission.ADMITTED);
    assertThat(limiter.tryAcquire("a")).isEqualTo(Admission.LIMITED);
    limiter.refund("a");
    assertThat(limiter.size()).isZero();
    assertThat(limiter.tryAcquire("a")).isEqualTo(Admission.ADMITTED);
  }
}
