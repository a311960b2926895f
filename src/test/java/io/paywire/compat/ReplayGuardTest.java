package io.paywire.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final byte[] forward = {1, 2, 3};

  @Test
  void anIdenticalForwardIsRefusedWithinTheWindowAndCounted() {
    ReplayGuard guard = new ReplayGuard(600_000, 100, now::get);
    assertThat(guard.reserve(forward, "Lily")).isTrue();
    now.addAndGet(599_999);
    assertThat(guard.reserve(forward.clone(), "Lily")).isFalse();
    assertThat(guard.refusedTotal()).isEqualTo(1);
    assertThat(guard.reserve(new byte[] {1, 2, 4}, "Lily")).isTrue();
    now.addAndGet(1);
    assertThat(guard.reserve(forward, "Lily")).isTrue(); // the window has passed
  }

  @Test
  void aReleasedForwardMayBeRetriedAndAZeroWindowChecksNothing() {
    ReplayGuard guard = new ReplayGuard(600_000, 100, now::get);
    assertThat(guard.reserve(forward, "Lily")).isTrue();
    guard.release(forward);
    assertThat(guard.reserve(forward, "Lily")).isTrue();
    ReplayGuard off = new ReplayGuard(0, 100, now::get);
    assertThat(off.reserve(forward, "Lily")).isTrue();
    assertThat(off.reserve(forward, "Lily")).isTrue();
  }

  @Test
  void rememberedForwardsAreBounded() {
    ReplayGuard guard = new ReplayGuard(600_000, 2, now::get);
    guard.reserve(new byte[] {1}, "a");
    guard.reserve(new byte[] {2}, "a");
    guard.reserve(new byte[] {3}, "a");
    assertThat(guard.reserve(new byte[] {1}, "a")).isTrue(); // forgotten: the oldest went first
    assertThat(guard.reserve(new byte[] {3}, "a")).isFalse();
  }

  @Test
  void transferIdsRepeatWithinAWindowSoTheLedgerCatchesReplaysItsMemoryMissed() {
    ReplayGuard guard = new ReplayGuard(600_000, 100, now::get);
    ReplayGuard afterRestart = new ReplayGuard(600_000, 100, now::get);
    assertThat(afterRestart.transferId(forward)).isEqualTo(guard.transferId(forward));
    assertThat(guard.transferId(new byte[] {9})).isNotEqualTo(guard.transferId(forward));
    io.paywire.ledger.TransferId inThisWindow = guard.transferId(forward);
    now.addAndGet(600_000);
    assertThat(guard.transferId(forward)).isNotEqualTo(inThisWindow);
    ReplayGuard off = new ReplayGuard(0, 100, now::get);
    assertThat(off.transferId(forward)).isNotEqualTo(off.transferId(forward));
  }
}
