package io.paywire.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.paywire.bus.BatchObserver;
import io.paywire.session.SessionEvents;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Paywire's own meters, beside the HTTP and event-bus meters Vert.x records in the same registry
 * (docs/api.md, GET /metrics, lists them):
 *
 * <ul>
 *   <li>{@code paywire_payments_accepted_total{via, duplicate}}, {@code
 *       paywire_payments_refused_total{via, code}}, {@code paywire_payments_unknown_total{via}}
 *   <li>{@code paywire_sessions_open{via}}: session-core sessions open now, per entry point
 *   <li>{@code paywire_ledger_batch_transfers}: commands per durable batch (group-commit size)
 *   <li>{@code paywire_ledger_fsync_seconds}: time from forming a batch to its being durable: on
 *       one node the apply, the journal write and its fsync; in a cluster, on the leader, the Raft
 *       commit (replication, a majority's log, the apply here)
 * </ul>
 */
final class NodeMetrics implements SessionEvents, BatchObserver {

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer fsync;

  NodeMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.batchSize =
        DistributionSummary.builder("paywire.ledger.batch.transfers")
            .description("Commands in each batch the ledger made durable")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.fsync =
        Timer.builder("paywire.ledger.fsync")
            .description("Time from forming a batch to its being durable")
            .publishPercentiles(0.5, 0.99)
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .register(registry);
  }

  @Override
  public void opened(String via) {
    open.computeIfAbsent(
            via, v -> registry.gauge("paywire.sessions.open", Tags.of("via", v), new AtomicLong()))
        .incrementAndGet();
  }

  @Override
  public void closed(String via) {
    AtomicLong count = open.get(via);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  @Override
  public void paid(String via, boolean duplicate) {
    counter("paywire.payments.accepted", "via", via, "duplicate", Boolean.toString(duplicate))
        .increment();
  }

  @Override
  public void refused(String via, String code) {
    counter("paywire.payments.refused", "via", via, "code", code).increment();
  }

  @Override
  public void unknown(String via) {
    counter("paywire.payments.unknown", "via", via, null, null).increment();
  }

  @Override
  public void written(int commands, long nanos) {
    batchSize.record(commands);
    fsync.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(String name, String tag, String value, String tag2, String value2) {
    String key = name + '|' + value + '|' + value2;
    return counters.computeIfAbsent(
        key,
        k -> {
          Counter.Builder builder = Counter.builder(name).tag(tag, value);
          if (tag2 != null) {
            builder.tag(tag2, value2);
          }
          return builder.register(registry);
        });
  }
}
