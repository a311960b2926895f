package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LoginThrottle throttle = new LoginThrottle(3, 5, 60_000, 100, now::get);

  @Test
  void failuresForOneNameBlockThatNameFromThatAddressOnly() {
    for (int i = 0; i < 3; i++) {
      throttle.failed("10.0.0.1", "Joanne");
    }
    assertThat(throttle.blocked("10.0.0.1", "Joanne")).isTrue();
    assertThat(throttle.blocked("10.0.0.1", "JOANNE")).as("names ignore case").isTrue();
    assertThat(throttle.blocked("10.0.0.1", "Lily")).isFalse();
    assertThat(throttle.blocked("10.0.0.2", "Joanne")).isFalse();
  }

  @Test
  void failuresAcrossNamesBlockTheWholeAddressAtTheHigherLimit() {
    for (int i = 0; i < 4; i++) {
      throttle.failed("10.0.0.1", "name" + i);
    }
    assertThat(throttle.blocked("10.0.0.1", "Lily")).isFalse();
    throttle.failed("10.0.0.1", "name4");
    assertThat(throttle.blocked("10.0.0.1", "Lily")).isTrue();
    assertThat(throttle.blocked("10.0.0.2", "Lily")).isFalse();
  }

  @Test
  void failuresAgeOutAfterTheWindow() {
    for (int i = 0; i < 3; i++) {
      throttle.failed("10.0.0.1", "Joanne");
    }
    now.addAndGet(59_999);
    assertThat(throttle.blocked("10.0.0.1", "Joanne")).isTrue();
    now.addAndGet(1);
    assertThat(throttle.blocked("10.0.0.1", "Joanne")).isFalse();
  }
}
