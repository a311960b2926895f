package io.paywire.session;

/** Session-core settings for tests that build {@link Sessions} themselves: generous limits. */
final class TestShared {

  private TestShared() {}

  static Sessions.Shared of(LoginThrottle throttle, PresenceView presence, KeyCache keys,
      Challenges challenges) {
    return new Sessions.Shared("test-node", 5_000, throttle, presence, keys, challenges,
        SessionEvents.NONE,
        new RegistrationPolicy(null, RegistrationPolicy.Deposits.STATED, 10_000),
        new Sessions.Limits(limiter(), limiter(), limiter()),
        new Sessions.Workers(new WorkerPool("test-signatures", 2, 10_000),
            new WorkerPool("test-registrations", 1, 10_000)));
  }

  private static RateLimiter limiter() {
    return new RateLimiter(1_000_000, 60_000_000, 100_000, System::currentTimeMillis);
  }
}
