package io.paywire.testing;

import io.paywire.bus.LedgerApi;
import io.paywire.bus.RequestBatch;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.util.concurrent.atomic.AtomicBoolean;

/** Holds back a node's event-bus traffic, to make outcomes unknown on purpose. */
public final class BusDelay {

  private BusDelay() {}

  /**
   * Whether {@code message} carries a request to {@code address}: sent there on its own, or as part
   * of a batch of ledger requests ({@link LedgerApi#REQUESTS}), as entry points send them.
   */
  public static boolean carries(Message<?> message, String address) {
    return message.address().equals(address)
        || (message.address().equals(LedgerApi.REQUESTS)
            && message.body() instanceof RequestBatch batch
            && batch.carries(address));
  }

  /**
   * The first message carrying a request to {@code address} ({@link #carries}) from now on reaches
   * its consumer only after {@code millis}; every other message passes at once.
   */
  public static void first(Vertx vertx, String address, long millis) {
    AtomicBoolean delayed = new AtomicBoolean();
    vertx
        .eventBus()
        .addInboundInterceptor(
            delivery -> {
              if (carries(delivery.message(), address) && delayed.compareAndSet(false, true)) {
                vertx.setTimer(millis, t -> delivery.next());
              } else {
                delivery.next();
              }
            });
  }

  /**
   * The first message carrying a request to {@code address} ({@link #carries}) from now on never
   * reaches its consumer (as if lost on the way); every other message passes.
   */
  public static void dropFirst(Vertx vertx, String address) {
    AtomicBoolean dropped = new AtomicBoolean();
    vertx
        .eventBus()
        .addInboundInterceptor(
            delivery -> {
              if (!carries(delivery.message(), address) || !dropped.compareAndSet(false, true)) {
                delivery.next();
              }
            });
  }
}
