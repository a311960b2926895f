package io.paywire.session;

import io.paywire.ledger.AccountName;
import java.util.HexFormat;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One-time login nonces for proof of key by signature (HTTP API, browser console). A nonce is
 * issued for a name whether or not the account exists, lives {@code ttlMillis}, and is consumed
 * by the first login that presents it, right or wrong. Nonces are kept by their own value, so
 * asking for many nonces for someone's name cannot invalidate theirs. At most {@code maxOutstanding} are kept
 * (the oldest go first), so a flood of requests cannot exhaust memory. Thread-safe; one per node.
 */
public final class Challenges {

  /** Bytes of randomness in a nonce. */
  public static final int NONCE_BYTES = 32;

  private record Issued(String nameKey, long expiresMillis) {}

  private final long ttlMillis;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Issued> issued;

  public Challenges(long ttlMillis, int maxOutstanding, LongSupplier clock) {
    this.ttlMillis = ttlMillis;
    this.clock = clock;
    this.issued = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Issued> eldest) {
        return size() > maxOutstanding;
      }
    };
  }

  /** A fresh nonce for {@code name}. */
  public synchronized byte[] issue(String name) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    issued.put(HexFormat.of().formatHex(nonce),
        new Issued(AccountName.key(name), clock.getAsLong() + ttlMillis));
    return nonce;
  }

  /** True if {@code nonce} is the live one issued for {@code name}; it is used up either way. */
  public synchronized boolean consume(String name, byte[] nonce) {
    if (nonce == null || nonce.length != NONCE_BYTES) {
      return false;
    }
    Issued current = issued.remove(HexFormat.of().formatHex(nonce));
    return current != null && current.nameKey().equals(AccountName.key(name))
        && clock.getAsLong() < current.expiresMillis();
  }
}
