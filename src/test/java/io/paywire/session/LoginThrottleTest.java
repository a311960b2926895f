package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LoginThrottle throttle = new LoginThrottle(3, 5, 60_000, 100, now::get);

  private void fail(String address, String name, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(throttle.tryAttempt(address, name)).as("attempt %d", i + 1).isTrue();
    }
  }

  @Test
  void failuresForOneNameBlockThatNameFromThatAddressOnly() {
    fail("10.0.0.1", "Joanne", 3);
    assertThat(throttle.tryAttempt("10.0.0.1", "Joanne")).isFalse();
    assertThat(throttle.tryAttempt("10.0.0.1", "JOANNE")).as("names ignore case").isFalse();
    assertThat(throttle.tryAttempt("10.0.0.1", "Lily")).isTrue();
    assertThat(throttle.tryAttempt("10.0.0.2", "Joanne")).isTrue();
  }

  @Test
  void failuresAcrossNamesBlockTheWholeAddressAtTheHigherLimit() {
    for (int i = 0; i < 5; i++) {
      fail("10.0.0.1", "name" + i, 1);
    }
    assertThat(throttle.tryAttempt("10.0.0.1", "Lily")).isFalse();
    assertThat(throttle.tryAttempt("10.0.0.2", "Lily")).isTrue();
  }

  @Test
  void attemptsAreCountedWhenTakenSoConcurrentLoginsCannotAllPass() {
    // Three logins in flight at once, none finished: the fourth is already refused.
    fail("10.0.0.1", "Joanne", 3);
    assertThat(throttle.tryAttempt("10.0.0.1", "Joanne")).isFalse();
  }

  @Test
  void aSuccessfulLoginGivesItsAttemptBack() {
    fail("10.0.0.1", "Joanne", 3);
    throttle.refund("10.0.0.1", "Joanne");
    assertThat(throttle.tryAttempt("10.0.0.1", "Joanne")).isTrue();
    assertThat(throttle.tryAttempt("10.0.0.1", "Joanne")).isFalse();
  }

  @Test
  void theBudgetRefillsOneAttemptPerThirdOfTheWindow() {
    fail("10.0.0.1", "Joanne", 3);
    now.addAndGet(19_999);
    assertThat(throttle.tryAttempt("10.0.0.1", "Joanne")).isFalse();
    now.addAndGet(1);
    assertThat(throttle.tryAttempt("10.0.0.1", "Joanne")).isTrue();
    assertThat(throttle.tryAttempt("10.0.0.1", "Joanne")).isFalse();
    now.addAndGet(60_000);
    fail("10.0.0.1", "Joanne", 3);
  }

  @Test
  void aFloodOfNewAddressesResetsNobodysLimit() {
    LoginThrottle small = new LoginThrottle(3, 5, 60_000, 4, now::get);
    for (int i = 0; i < 3; i++) {
      assertThat(small.tryAttempt("10.0.0.1", "Joanne")).isTrue();
    }
    for (int i = 2; i < 100; i++) {
      small.tryAttempt("10.0.0." + i, "Joanne"); // fills the table, then is refused
    }
    assertThat(small.tryAttempt("10.0.0.1", "Joanne")).as("still throttled").isFalse();
    assertThat(small.tryAttempt("10.0.1.1", "Lily")).as("a new key while full").isFalse();
  }
}
