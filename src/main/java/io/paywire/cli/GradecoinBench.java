package io.paywire.cli;

import io.paywire.config.PaywireConfig;
import io.paywire.ledger.Command;
import io.paywire.ledger.Executed;
import io.paywire.ledger.GradecoinRules;
import io.paywire.ledger.Ledger;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.Outcome;
import io.paywire.ledger.TransferId;
import io.paywire.server.NetworkLedgers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code bench --parts gradecoin}: a Gradecoin network's ledger alone (no listener, no event bus),
 * opened with the options a node gives a network ({@link NetworkLedgers#options}) from a
 * config.yaml written for the run. Each round puts {@code blockTransactions} transactions into the
 * pending pool in one batch, then mines them as one block in the next: the time of {@link
 * Ledger#apply} for the block is what validating and applying a block costs the ledger (every id
 * pending, the proposer's reward, each transaction's move with the traffic reward, the balance
 * re-check, the journal record, its write and fsync). The first third of the rounds warm up the JIT
 * and are not counted.
 */
final class GradecoinBench {

  /** Accounts paying each other: 40 x 39 = 1,560 pairs, more than a block's 1,000 transactions. */
  private static final int ACCOUNTS = 40;

  private static final long DEPOSIT = 60_000;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  // block_transaction_count 1, so any block size may be measured; hash_zeros is the listener's.
  private static final String CONFIG_YAML =
      """
      name: bench
      url_prefix: ""
      preapproved_users: "students.csv"
      block_transaction_count: 1
      hash_zeros: 1
      register_bonus: 60000
      block_reward: 2
      tx_upper_limit: 10
      tx_lower_limit: 1
      tx_traffic_reward: 1
      tx_gas_fee: 1
      bots: {}
      """;

  private GradecoinBench() {}

  static void run(Path dir, int blockTransactions, int blocks) throws Exception {
    if (blockTransactions < 1 || blockTransactions > GradecoinRules.MAX_BLOCK_TRANSACTIONS) {
      throw new IllegalArgumentException(
          "--block-transactions must be 1 to " + GradecoinRules.MAX_BLOCK_TRANSACTIONS);
    }
    if (blocks < 1) {
      throw new IllegalArgumentException("--blocks must be 1 or more");
    }
    Files.createDirectories(dir);
    Path yaml = dir.resolve("config.yaml");
    Files.writeString(yaml, CONFIG_YAML);
    PaywireConfig.Network network =
        new PaywireConfig.Network(
            "bench",
            PaywireConfig.Network.Kind.GRADECOIN,
            "127.0.0.1",
            0,
            yaml,
            null,
            null,
            0,
            PaywireConfig.Network.DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
            null);
    LedgerOptions options =
        NetworkLedgers.options(network, PaywireConfig.defaults().ledger().options());
    String[] names = new String[ACCOUNTS];
    List<Command> opens = new ArrayList<>();
    KeyPairGenerator keys = KeyPairGenerator.getInstance("EC");
    keys.initialize(new ECGenParameterSpec("secp256r1"));
    for (int i = 0; i < ACCOUNTS; i++) {
      names[i] = sha256Hex("account " + i);
      opens.add(
          new Command.OpenAccount(
              new TransferId(0, i),
              names[i],
              keys.generateKeyPair().getPublic().getEncoded(),
              DEPOSIT));
    }
    long time = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    long[] poolNanos = new long[blocks];
    long[] blockNanos = new long[blocks];
    try (Ledger ledger = Ledger.open(dir.resolve("ledger"), options)) {
      requireAccepted(ledger.apply(time, opens), "open accounts");
      int pair = 0;
      for (int round = 0; round < blocks; round++) {
        List<Command> pool = new ArrayList<>(blockTransactions);
        List<String> txIds = new ArrayList<>(blockTransactions);
        String timestamp = TIMESTAMP.format(Instant.ofEpochMilli(time));
        for (int i = 0; i < blockTransactions; i++, pair++) {
          // Pair k: source k / 39, target the (k % 39 + 1)-th account after it, cycling through
          // all 1,560 pairs, so no pair is pending twice (the pool is emptied by each block).
          int k = pair % (ACCOUNTS * (ACCOUNTS - 1));
          int source = k / (ACCOUNTS - 1);
          int target = (source + 1 + k % (ACCOUNTS - 1)) % ACCOUNTS;
          String txId = sha256Hex("tx " + round + " " + i);
          txIds.add(txId);
          pool.add(
              new Command.PoolTransaction(
                  new TransferId(1 + 2L * round, i),
                  names[source],
                  names[target],
                  1 + i % 10,
                  1,
                  txId,
                  timestamp));
        }
        Command block =
            new Command.MineBlock(
                new TransferId(2 + 2L * round, 0),
                txIds,
                round,
                timestamp,
                sha256Hex("block " + round));
        long started = System.nanoTime();
        requireAccepted(ledger.apply(time += 1_000, pool), "pool transactions");
        poolNanos[round] = System.nanoTime() - started;
        started = System.nanoTime();
        requireAccepted(ledger.apply(time += 1_000, List.of(block)), "block");
        blockNanos[round] = System.nanoTime() - started;
      }
      ledger.state().checkInvariants();
    }
    int warm = blocks / 3;
    System.out.printf(
        "gradecoin ledger: %d blocks of %d transactions (%d accounts), the last %d counted;"
            + " journal fsync on%n",
        blocks, blockTransactions, ACCOUNTS, blocks - warm);
    System.out.println(
        "  block (validate + apply + write + fsync): " + summary(blockNanos, warm, 1));
    System.out.println(
        "  pool batch of "
            + blockTransactions
            + " transactions (one apply + fsync): "
            + summary(poolNanos, warm, 1));
    System.out.println(
        "  per pool transaction: " + summary(poolNanos, warm, blockTransactions) + " (batched)");
  }

  private static void requireAccepted(List<Executed> executed, String what) {
    for (Executed e : executed) {
      if (!(e.outcome() instanceof Outcome.Accepted)) {
        throw new IllegalStateException(what + " not accepted: " + e.outcome());
      }
    }
  }

  /** Median, minimum and maximum of the counted rounds, each divided by {@code per}, in ms. */
  private static String summary(long[] nanos, int skip, int per) {
    long[] counted = Arrays.copyOfRange(nanos, skip, nanos.length);
    Arrays.sort(counted);
    return String.format(
        "median %.3f ms, min %.3f ms, max %.3f ms",
        counted[counted.length / 2] / 1e6 / per,
        counted[0] / 1e6 / per,
        counted[counted.length - 1] / 1e6 / per);
  }

  private static String sha256Hex(String text) throws GeneralSecurityException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
