package io.paywire.node;

import io.paywire.bus.BatchObserver;
import io.paywire.bus.LedgerAddresses;
import io.paywire.bus.LedgerApi;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.service.LedgerService;
import io.paywire.service.LocalJournalCommit;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A single node's ledger (its main ledger, or a network's): the {@link LedgerService} over a {@link
 * LocalJournalCommit}, serving the addresses of {@link LedgerApi} in the form {@link
 * Settings#addresses} gives them, from start to stop. Everything about requests (the queue, group
 * commit, reads, answers, unknown outcomes) is the service's; this shell only opens the ledger,
 * starts serving and drains on stop.
 */
public final class LedgerVerticle extends VerticleBase {

  /**
   * @param defaultDepositMinor the deposit of a registration that names none
   * @param maxPendingRequests requests queued beyond this are refused as overloaded
   * @param addresses where the ledger is served: the node's main ledger's or a network's
   */
  public record Settings(
      Path dataDirectory,
      LedgerOptions options,
      long defaultDepositMinor,
      int maxPendingRequests,
      LedgerAddresses addresses) {

    /** The node's main ledger. */
    public Settings(
        Path dataDirectory,
        LedgerOptions options,
        long defaultDepositMinor,
        int maxPendingRequests) {
      this(dataDirectory, options, defaultDepositMinor, maxPendingRequests, LedgerAddresses.MAIN);
    }

    /** What the service's log lines call this ledger: {@code local}, or the network's prefix. */
    String name() {
      return addresses.isMain() ? "local" : addresses.prefix();
    }
  }

  /** Opens the ledger at start; a seam for tests that need a fault injected into it. */
  interface Opener extends LocalJournalCommit.Opener {}

  private final Settings settings;
  private final Clock clock;
  private final LocalJournalCommit.Opener opener;
  private final BatchObserver observer;
  private LocalJournalCommit journal;
  private LedgerService service;

  public LedgerVerticle(Settings settings, Clock clock) {
    this(settings, clock, Ledger::open, BatchObserver.NONE);
  }

  /** With an observer of batches (the node's metrics). */
  public LedgerVerticle(Settings settings, Clock clock, BatchObserver observer) {
    this(settings, clock, Ledger::open, observer);
  }

  LedgerVerticle(Settings settings, Clock clock, Opener opener) {
    this(settings, clock, opener, BatchObserver.NONE);
  }

  private LedgerVerticle(
      Settings settings, Clock clock, LocalJournalCommit.Opener opener, BatchObserver observer) {
    this.settings = settings;
    this.clock = clock;
    this.opener = opener;
    this.observer = observer;
  }

  /**
   * The context every ledger handler runs on, once deployed: the benchmark puts a timer on it to
   * measure how long the ledger keeps its event loop busy. Nothing else may run work there.
   */
  public Context ledgerContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    return LocalJournalCommit.open(
            vertx, deploymentID(), settings.dataDirectory(), settings.options(), opener)
        .compose(
            opened -> {
              journal = opened;
              service =
                  new LedgerService(
                      vertx,
                      new LedgerService.Settings(
                          settings.name(),
                          settings.defaultDepositMinor(),
                          settings.maxPendingRequests(),
                          0,
                          settings.addresses()),
                      journal,
                      clock,
                      observer);
              return service.serve();
            });
  }

  /**
   * Stops taking requests, finishes every request already queued or in flight (journal reads
   * included), waits for any snapshot write, then closes the journal (fsync) and releases the data
   * directory.
   */
  @Override
  public Future<?> stop() {
    Future<Void> drained =
        service == null
            ? Future.succeededFuture()
            : service.drain("the ledger is stopping; retry with the same id");
    return drained.compose(v -> journal == null ? Future.succeededFuture() : journal.close());
  }
}
