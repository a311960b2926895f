package io.paywire.gradecoin;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A Gradecoin network's {@code config.yaml}, field for field as Gradecoin's {@code src/config.rs}
 * ({@code Config}, {@code BotConfig}) reads it with serde_yaml: every key required, unknown keys
 * ignored, integers only where Rust has {@code u8}/{@code u16}. Paywire adds range checks Gradecoin
 * lacks (docs/gradecoin.md): amounts 0 to 65,535 ({@code u16}), {@code hash_zeros} 0 to 64 (a
 * BLAKE2s-256 hash has 64 hex digits), {@code block_transaction_count} 1 to 255, lower limit not
 * above upper. Bots keep the file's order (Gradecoin's is a {@code HashMap}, so its order is
 * random). Read with snakeyaml-engine (YAML 1.2, no object construction, duplicate keys refused).
 *
 * @param preapprovedUsers the students file as written (resolving it is the caller's business)
 * @param bots bot fingerprint (any string) to starting balance, in file order
 */
public record GradecoinConfig(
    String name,
    String urlPrefix,
    String preapprovedUsers,
    int blockTransactionCount,
    int hashZeros,
    int registerBonus,
    int blockReward,
    int txGasFee,
    int txUpperLimit,
    int txLowerLimit,
    int txTrafficReward,
    LinkedHashMap<String, Long> bots) {

  /** Largest value of Gradecoin's {@code u16} fields. */
  public static final int MAX_U16 = 65_535;

  /** Largest {@code block_transaction_count} ({@code u8}). */
  public static final int MAX_BLOCK_TRANSACTION_COUNT = 255;

  /** Largest {@code hash_zeros}: the hex digits of a BLAKE2s-256 hash. */
  public static final int MAX_HASH_ZEROS = 64;

  /** Most bots a file may declare: a bound on start-up work and on GET /config. */
  public static final int MAX_BOTS = 1_000;

  /** Largest file read, in bytes. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  /** Copies {@code bots}, so the record does not share a caller's map. */
  public GradecoinConfig {
    bots = new LinkedHashMap<>(bots);
  }

  /** The bots, in file order. */
  @Override
  public LinkedHashMap<String, Long> bots() {
    return new LinkedHashMap<>(bots);
  }

  /**
   * Reads and validates {@code yaml}.
   *
   * @throws IllegalArgumentException naming the key that is missing, of the wrong type or out of
   *     range, or saying why the file is not YAML
   */
  public static GradecoinConfig load(Path yaml) throws IOException {
    if (Files.size(yaml) > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(yaml + ": larger than " + MAX_FILE_BYTES + " bytes");
    }
    Object root;
    try (Reader in = Files.newBufferedReader(yaml, StandardCharsets.UTF_8)) {
      LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).build();
      root = new Load(settings).loadFromReader(in);
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException(yaml + ": not YAML: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(yaml + ": expected a mapping of Gradecoin settings");
    }
    return fromMap(yaml.toString(), map);
  }

  private static GradecoinConfig fromMap(String file, Map<?, ?> map) {
    GradecoinConfig config =
        new GradecoinConfig(
            string(file, map, "name"),
            string(file, map, "url_prefix"),
            string(file, map, "preapproved_users"),
            (int) integer(file, map, "block_transaction_count", 1, MAX_BLOCK_TRANSACTION_COUNT),
            (int) integer(file, map, "hash_zeros", 0, MAX_HASH_ZEROS),
            u16(file, map, "register_bonus"),
            u16(file, map, "block_reward"),
            u16(file, map, "tx_gas_fee"),
            u16(file, map, "tx_upper_limit"),
            u16(file, map, "tx_lower_limit"),
            u16(file, map, "tx_traffic_reward"),
            bots(file, map));
    if (config.txLowerLimit() > config.txUpperLimit()) {
      throw new IllegalArgumentException(
          file
              + ": tx_lower_limit ("
              + config.txLowerLimit()
              + ") is above tx_upper_limit ("
              + config.txUpperLimit()
              + ")");
    }
    return config;
  }

  private static LinkedHashMap<String, Long> bots(String file, Map<?, ?> map) {
    Object value = required(file, map, "bots");
    if (!(value instanceof Map<?, ?> entries)) {
      throw new IllegalArgumentException(file + ": bots must map fingerprints to settings");
    }
    if (entries.size() > MAX_BOTS) {
      throw new IllegalArgumentException(file + ": bots: more than " + MAX_BOTS);
    }
    LinkedHashMap<String, Long> bots = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      String key = "bots." + entry.getKey();
      if (!(entry.getKey() instanceof String fingerprint)) {
        throw new IllegalArgumentException(file + ": " + key + ": a bot's key must be a string");
      }
      if (!(entry.getValue() instanceof Map<?, ?> bot)) {
        throw new IllegalArgumentException(file + ": " + key + ": expected starting_balance");
      }
      bots.put(fingerprint, integer(file, bot, key + ".starting_balance", "starting_balance"));
    }
    return bots;
  }

  private static String string(String file, Map<?, ?> map, String key) {
    Object value = required(file, map, key);
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(file + ": " + key + " must be a string");
    }
    return s;
  }

  private static int u16(String file, Map<?, ?> map, String key) {
    return (int) integer(file, map, key, 0, MAX_U16);
  }

  private static long integer(String file, Map<?, ?> map, String name, String key) {
    Object value = map.get(key);
    if (value == null) {
      throw new IllegalArgumentException(file + ": " + name + " is required");
    }
    return range(file, name, value, 0, MAX_U16);
  }

  private static long integer(String file, Map<?, ?> map, String key, long min, long max) {
    return range(file, key, required(file, map, key), min, max);
  }

  private static long range(String file, String key, Object value, long min, long max) {
    if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)) {
      throw new IllegalArgumentException(file + ": " + key + " must be an integer");
    }
    BigInteger v = new BigInteger(value.toString());
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new IllegalArgumentException(
          file + ": " + key + " is " + v + ", expected " + min + " to " + max);
    }
    return v.longValue();
  }

  private static Object required(String file, Map<?, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) {
      throw new IllegalArgumentException(file + ": " + key + " is required");
    }
    return value;
  }

  /**
   * GET /config's body: serde_json compact of Gradecoin's {@code Config}, keys in its field order,
   * bots as {@code {FP: {"starting_balance": N}}}.
   */
  public String toJson() {
    StringBuilder out = new StringBuilder(256);
    out.append("{\"name\":").append(quoted(name));
    out.append(",\"url_prefix\":").append(quoted(urlPrefix));
    out.append(",\"preapproved_users\":").append(quoted(preapprovedUsers));
    out.append(",\"block_transaction_count\":").append(blockTransactionCount);
    out.append(",\"hash_zeros\":").append(hashZeros);
    out.append(",\"register_bonus\":").append(registerBonus);
    out.append(",\"block_reward\":").append(blockReward);
    out.append(",\"tx_gas_fee\":").append(txGasFee);
    out.append(",\"tx_upper_limit\":").append(txUpperLimit);
    out.append(",\"tx_lower_limit\":").append(txLowerLimit);
    out.append(",\"tx_traffic_reward\":").append(txTrafficReward);
    out.append(",\"bots\":{");
    boolean first = true;
    for (Map.Entry<String, Long> bot : bots.entrySet()) {
      out.append(first ? "" : ",").append(quoted(bot.getKey()));
      out.append(":{\"starting_balance\":").append(bot.getValue()).append('}');
      first = false;
    }
    return out.append("}}").toString();
  }

  private static String quoted(String s) {
    return GradecoinHashes.jsonString(s);
  }
}
