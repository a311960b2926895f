package io.paywire.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Readers within the bound share one computation; the first read past it computes again. */
class RecentValueTest {

  @Test
  void readersWithinTheBoundShareOneValue() {
    AtomicLong now = new AtomicLong(5_000);
    AtomicInteger computed = new AtomicInteger();
    RecentValue<Integer> value = new RecentValue<>(computed::incrementAndGet, 1_000, now::get);

    // One scrape: three gauges read close together.
    assertThat(value.get()).isEqualTo(1);
    now.addAndGet(10);
    assertThat(value.get()).isEqualTo(1);
    now.addAndGet(989);
    assertThat(value.get()).isEqualTo(1);
    assertThat(computed.get()).isEqualTo(1);

    // The bound passed since the value was computed: the next scrape takes a new one.
    now.addAndGet(1);
    assertThat(value.get()).isEqualTo(2);
    assertThat(value.get()).isEqualTo(2);
    assertThat(computed.get()).isEqualTo(2);
  }
}
