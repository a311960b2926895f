package io.paywire.testing;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/** Holds back a node's event-bus traffic, to make outcomes unknown on purpose. */
public final class BusDelay {

  private BusDelay() {}

  /**
   * The first message to {@code address} from now on reaches its consumer only after
   * {@code millis}; every other message passes at once.
   */
  public static void first(Vertx vertx, String address, long millis) {
    AtomicBoolean delayed = new AtomicBoolean();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().address().equals(address) && delayed.compareAndSet(false, true)) {
        vertx.setTimer(millis, t -> delivery.next());
      } else {
        delivery.next();
      }
    });
  }

  /**
   * The first message to {@code address} from now on never reaches its consumer (as if lost on
   * the way); every other message passes.
   */
  public static void dropFirst(Vertx vertx, String address) {
    AtomicBoolean dropped = new AtomicBoolean();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (!delivery.message().address().equals(address) || !dropped.compareAndSet(false, true)) {
        delivery.next();
      }
    });
  }
}
