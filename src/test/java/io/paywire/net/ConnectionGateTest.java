package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.net.ConnectionGate.Admission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The node-wide and per-address connection caps, and the slots a leaving connection gives back. */
class ConnectionGateTest {

  @Test
  void theNodeCapHoldsAcrossAddressesAndALeaveFreesASlot() {
    ConnectionGate gate = new ConnectionGate(3, 5);
    assertThat(gate.tryEnter("10.0.0.1")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("10.0.0.2")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("10.0.0.3")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("10.0.0.4")).isEqualTo(Admission.NODE_FULL);
    gate.leave("10.0.0.2");
    assertThat(gate.tryEnter("10.0.0.4")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("10.0.0.5")).isEqualTo(Admission.NODE_FULL);
  }

  @Test
  void theAddressCapHoldsPerAddressAndARefusalTakesNoNodeSlot() {
    ConnectionGate gate = new ConnectionGate(4, 2);
    assertThat(gate.tryEnter("a")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("a")).isEqualTo(Admission.ADMITTED);
    for (int i = 0; i < 5; i++) {
      assertThat(gate.tryEnter("a")).isEqualTo(Admission.ADDRESS_FULL);
    }
    // The refusals above gave their node slot back: two more addresses fit.
    assertThat(gate.tryEnter("b")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("c")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("d")).isEqualTo(Admission.NODE_FULL);
    gate.leave("a");
    assertThat(gate.tryEnter("a")).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void anAddressThatLeftEntirelyStartsAgainFromNothing() {
    ConnectionGate gate = new ConnectionGate(10, 1);
    assertThat(gate.tryEnter("a")).isEqualTo(Admission.ADMITTED);
    gate.leave("a");
    assertThat(gate.tryEnter("a")).isEqualTo(Admission.ADMITTED);
    assertThat(gate.tryEnter("a")).isEqualTo(Admission.ADDRESS_FULL);
  }

  @Test
  void aLeaveWithoutAnEntryIsABug() {
    ConnectionGate gate = new ConnectionGate(2, 2);
    assertThatThrownBy(() -> gate.leave("never-entered"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("never-entered");
  }

  @Test
  void refusesLimitsBelowOne() {
    assertThatThrownBy(() -> new ConnectionGate(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectionGate(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Event loops enter and leave at once: the caps hold at every instant, never exceeded. */
  @Test
  void concurrentEntriesNeverExceedTheCaps() throws Exception {
    int max = 5;
    int perAddress = 2;
    ConnectionGate gate = new ConnectionGate(max, perAddress);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    Map<String, AtomicInteger> perAddressInside = new HashMap<>();
    String[] addresses = {"a", "b", "c", "d"};
    for (String a : addresses) {
      perAddressInside.put(a, new AtomicInteger());
    }
    AtomicInteger mostPerAddress = new AtomicInteger();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 5_000; i++) {
                    String address = addresses[(seed + i) % addresses.length];
                    if (gate.tryEnter(address) == Admission.ADMITTED) {
                      mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                      mostPerAddress.accumulateAndGet(
                          perAddressInside.get(address).incrementAndGet(), Math::max);
                      perAddressInside.get(address).decrementAndGet();
                      inside.decrementAndGet();
                      gate.leave(address);
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(mostInside.get()).isLessThanOrEqualTo(max);
    assertThat(mostPerAddress.get()).isLessThanOrEqualTo(perAddress);
    // Everything given back: the whole node cap is free again.
    for (int i = 0; i < max; i++) {
      assertThat(gate.tryEnter("x" + i)).isEqualTo(Admission.ADMITTED);
    }
  }

  /** Any sequence of entries and leaves against a model of the two counts. */
  @Property(tries = 300)
  void admitsExactlyWhatTheModelAdmits(@ForAll("operations") List<Integer> operations) {
    int max = 4;
    int perAddress = 2;
    ConnectionGate gate = new ConnectionGate(max, perAddress);
    Map<String, Integer> open = new HashMap<>();
    int total = 0;
    for (int op : operations) {
      String address = "10.0.0." + Math.abs(op);
      if (op >= 0) {
        Admission expected =
            total >= max
                ? Admission.NODE_FULL
                : open.getOrDefault(address, 0) >= perAddress
                    ? Admission.ADDRESS_FULL
                    : Admission.ADMITTED;
        assertThat(gate.tryEnter(address)).isEqualTo(expected);
        if (expected == Admission.ADMITTED) {
          open.merge(address, 1, Integer::sum);
          total++;
        }
      } else if (open.getOrDefault(address, 0) > 0) {
        gate.leave(address);
        open.merge(address, -1, Integer::sum);
        total--;
      }
    }
  }

  /** Non-negative: a connection from that address tries to enter; negative: one of it leaves. */
  @Provide
  Arbitrary<List<Integer>> operations() {
    return Arbitraries.integers().between(-3, 3).list().ofMaxSize(60);
  }
}
