package io.paywire.testing;

import io.paywire.session.Challenges;
import io.paywire.session.KeyCache;
import io.paywire.session.LoginThrottle;
import io.paywire.session.PresenceView;
import io.paywire.session.RateLimiter;
import io.paywire.session.RegistrationPolicy;
import io.paywire.session.SessionEvents;
import io.paywire.session.Sessions;
import io.paywire.session.WorkerPool;

/** Session-core settings for tests that build {@link Sessions} themselves: generous limits. */
public final class TestShared {

  private TestShared() {}

  public static Sessions.Shared of(
      LoginThrottle throttle, PresenceView presence, KeyCache keys, Challenges challenges) {
    return of("test-node", throttle, presence, keys, challenges);
  }

  /** As above, with a generous login throttle, a presence view, a key cache and challenges. */
  public static Sessions.Shared generous() {
    return of(
        new LoginThrottle(100, 100, 60_000, 100, System::currentTimeMillis),
        new PresenceView(),
        new KeyCache(100),
        new Challenges(60_000, 100, System::currentTimeMillis));
  }

  /** As above, for a node of the given name. */
  public static Sessions.Shared of(
      String node,
      LoginThrottle throttle,
      PresenceView presence,
      KeyCache keys,
      Challenges challenges) {
    return new Sessions.Shared(
        node,
        5_000,
        throttle,
        presence,
        keys,
        challenges,
        SessionEvents.NONE,
        new RegistrationPolicy(null, RegistrationPolicy.Deposits.STATED, 10_000),
        new Sessions.Limits(limiter(), limiter(), limiter()),
        new Sessions.Workers(
            new WorkerPool("test-signatures", 2, 10_000),
            new WorkerPool("test-registrations", 1, 10_000)));
  }

  private static RateLimiter limiter() {
    return new RateLimiter(1_000_000, 60_000_000, 100_000, System::currentTimeMillis);
  }
}
