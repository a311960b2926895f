package io.paywire.session;

import io.paywire.ledger.AccountName;
import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registered keys by account, decoded once: a key never changes once registered. Bounded to {@code
 * maxKeys} (least recently used go first). Thread-safe; one per node.
 */
public final class KeyCache {

  private final Map<String, PublicKey> keys;

  public KeyCache(int maxKeys) {
    this.keys =
        Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, PublicKey> eldest) {
                return size() > maxKeys;
              }
            });
  }

  PublicKey get(String name) {
    return keys.get(AccountName.key(name));
  }

  void put(String name, PublicKey key) {
    keys.put(AccountName.key(name), key);
  }
}
