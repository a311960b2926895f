package io.paywire.compat;

import java.lang.System.Logger.Level;
import io.paywire.ledger.TransferId;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Limits replays of the original client's payment forward, which carries no transfer id: an
 * identical message (same bytes) is refused while one like it was accepted within the window.
 * PKCS#1 v1.5 type 1 is deterministic, so the same payment made twice on purpose inside the
 * window is refused too: the price of a format that cannot tell the two apart. Every refusal is
 * counted and logged. One per node; thread-safe; remembers at most {@code maxEntries} messages
 * (the oldest are forgotten first).
 */
final class ReplayGuard {

  private static final System.Logger LOG = System.getLogger(ReplayGuard.class.getName());

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final long windowMillis;
  private final int maxEntries;
  private final LongSupplier clock;
  private final AtomicLong refused = new AtomicLong();
  /** Message digest to the time it was reserved or accepted, oldest first. */
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

  ReplayGuard(long windowMillis, int maxEntries, LongSupplier clock) {
    this.windowMillis = windowMillis;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * Reserves a message before it is applied; false (and counted) if it is a replay. A reserved
   * message that then fails must be {@link #release}d so that it can be retried.
   */
  synchronized boolean reserve(byte[] message, String payee) {
    if (windowMillis == 0) {
      return true;
    }
    long now = clock.getAsLong();
    expire(now);
    String digest = digest(message);
    if (seen.containsKey(digest)) {
      long count = refused.incrementAndGet();
      LOG.log(Level.WARNING, "event=compat_replay_refused payee={0} digest={1} refused_total={2}",
          payee, digest.substring(0, 16), count);
      return false;
    }
    seen.put(digest, now);
    while (seen.size() > maxEntries) {
      seen.remove(seen.keySet().iterator().next());
    }
    return true;
  }

  synchronized void release(byte[] message) {
    seen.remove(digest(message));
  }

  long refusedTotal() {
    return refused.get();
  }

  /**
   * The transfer id of a forward: derived from its bytes and the current window, so that a
   * replay within the same window reaches the ledger with the same id and is not applied again,
   * even on another node or after a restart, when this guard's memory does not reach.
   */
  TransferId transferId(byte[] message) {
    if (windowMillis == 0) {
      return TransferId.random(RANDOM); // no replay check: every forward is a new transfer
    }
    long bucket = clock.getAsLong() / windowMillis;
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update("paywire-compat-forward".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      sha256.update(java.nio.ByteBuffer.allocate(8).putLong(bucket).array());
      java.nio.ByteBuffer digest = java.nio.ByteBuffer.wrap(sha256.digest(message));
      return new TransferId(digest.getLong(), digest.getLong());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Counts and logs a replay the ledger caught by its id. */
  void refusedByLedger(String payee, TransferId id) {
    long count = refused.incrementAndGet();
    LOG.log(Level.WARNING, "event=compat_replay_refused payee={0} id={1} refused_total={2}",
        payee, id, count);
  }

  private void expire(long now) {
    var oldest = seen.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<String, Long> entry = oldest.next();
      if (now - entry.getValue() < windowMillis) {
        break;
      }
      oldest.remove();
    }
  }

  private static String digest(byte[] message) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(message));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
