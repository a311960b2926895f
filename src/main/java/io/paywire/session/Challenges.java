package io.paywire.session;

import io.paywire.ledger.AccountName;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One-time login nonces for proof of key by signature (HTTP API, browser console). A nonce is
 * issued for a name whether or not the account exists, lives {@code ttlMillis}, and is consumed by
 * the first login that presents it, right or wrong. Nonces are kept by their own value, so asking
 * for many nonces for someone's name cannot invalidate theirs. At most {@code maxOutstanding} live
 * nonces are kept: when that many are live, no new one is issued (the caller answers "busy, retry")
 * rather than dropping a live one, so a flood of requests can neither exhaust memory nor make
 * another user's login fail. Thread-safe; one per node.
 */
public final class Challenges {

  /** Bytes of randomness in a nonce. */
  public static final int NONCE_BYTES = 32;

  private record Issued(String nameKey, long expiresMillis) {}

  private final long ttlMillis;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();

  /** Issued nonces in the order issued, which is the order they expire (one TTL for all). */
  private final LinkedHashMap<String, Issued> issued = new LinkedHashMap<>(1024);

  private final int maxOutstanding;

  public Challenges(long ttlMillis, int maxOutstanding, LongSupplier clock) {
    if (ttlMillis < 1 || maxOutstanding < 1) {
      throw new IllegalArgumentException("challenge limits must be positive");
    }
    this.ttlMillis = ttlMillis;
    this.maxOutstanding = maxOutstanding;
    this.clock = clock;
  }

  /** A fresh nonce for {@code name}, or null while {@code maxOutstanding} nonces are live. */
  public synchronized byte[] issue(String name) {
    long now = clock.getAsLong();
    Iterator<Map.Entry<String, Issued>> oldest = issued.entrySet().iterator();
    while (oldest.hasNext() && oldest.next().getValue().expiresMillis() <= now) {
      oldest.remove();
    }
    if (issued.size() >= maxOutstanding) {
      return null;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    issued.put(
        HexFormat.of().formatHex(nonce),
        new Issued(AccountName.key(name == null ? "" : name), now + ttlMillis));
    return nonce;
  }

  /** True if {@code nonce} is the live one issued for {@code name}; it is used up either way. */
  public synchronized boolean consume(String name, byte[] nonce) {
    if (nonce == null || nonce.length != NONCE_BYTES) {
      return false;
    }
    Issued current = issued.remove(HexFormat.of().formatHex(nonce));
    return current != null
        && name != null
        && current.nameKey().equals(AccountName.key(name))
        && clock.getAsLong() < current.expiresMillis();
  }
}
