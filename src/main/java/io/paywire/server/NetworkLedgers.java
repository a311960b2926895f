package io.paywire.server;

import io.paywire.bus.LedgerAddresses;
import io.paywire.config.PaywireConfig;
import io.paywire.gradecoin.GradecoinConfig;
import io.paywire.ledger.GradecoinRules;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.node.LedgerVerticle;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where and how each network's ledger runs on a single node: one more {@link LedgerVerticle} (the
 * same ledger service as the main ledger's), in {@code <data>/networks/<name>/} with the main
 * ledger's layout inside it, at the network's own addresses ({@link LedgerAddresses#network}).
 */
public final class NetworkLedgers {

  /** The directory of a data directory that holds one directory per network. */
  public static final String DIRECTORY = "networks";

  private NetworkLedgers() {}

  /** The network's ledger directory: {@code <data>/networks/<name>/}. */
  public static Path directory(Path dataDirectory, PaywireConfig.Network network) {
    return dataDirectory.resolve(DIRECTORY).resolve(network.name());
  }

  /** Longest account name of a Gradecoin network: a fingerprint is 64 hex characters. */
  public static final int GRADECOIN_MAX_NAME_LENGTH = 64;

  /**
   * The network ledger's options: the main ledger's batching, segment and snapshot settings, with
   * the rules of the network's kind: for Gradecoin, those of its config.yaml ({@link
   * GradecoinRules}) and names up to {@value #GRADECOIN_MAX_NAME_LENGTH} characters; for a course
   * network, names that do not contain one another ({@link LedgerRules#distinctNames}).
   *
   * @throws IllegalArgumentException naming the file, if a Gradecoin config.yaml cannot be read
   */
  public static LedgerOptions options(PaywireConfig.Network network, LedgerOptions main) {
    if (network.kind() == PaywireConfig.Network.Kind.COURSE) {
      return new LedgerOptions(
          main.rules().withDistinctNames(),
          main.maxBatchCommands(),
          main.maxBatchBytes(),
          main.segmentBytes(),
          main.snapshotEveryTransfers(),
          main.snapshotsKept());
    }
    if (network.kind() != PaywireConfig.Network.Kind.GRADECOIN) {
      return main;
    }
    GradecoinConfig gradecoin = gradecoinConfig(network);
    LedgerRules rules = main.rules();
    return new LedgerOptions(
            new LedgerRules(
                rules.maxDepositMinor(), rules.maxTransferMinor(), GRADECOIN_MAX_NAME_LENGTH),
            main.maxBatchCommands(),
            main.maxBatchBytes(),
            main.segmentBytes(),
            main.snapshotEveryTransfers(),
            main.snapshotsKept())
        .withGradecoin(
            new GradecoinRules(
                gradecoin.blockTransactionCount(),
                gradecoin.txLowerLimit(),
                gradecoin.txUpperLimit(),
                gradecoin.txGasFee(),
                gradecoin.blockReward(),
                gradecoin.txTrafficReward()));
  }

  private static GradecoinConfig gradecoinConfig(PaywireConfig.Network network) {
    try {
      return GradecoinConfig.load(network.gradecoinConfig());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "networks."
              + network.name()
              + ".gradecoinConfig "
              + network.gradecoinConfig()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The deposit of a registration that names none: a course network's {@code openingBalance}; a
   * Gradecoin network states every deposit (register bonus, bots' starting balances).
   */
  static long defaultDepositMinor(PaywireConfig.Network network, PaywireConfig.Ledger main) {
    return network.kind() == PaywireConfig.Network.Kind.COURSE
        ? network.openingBalance()
        : main.defaultDepositMinor();
  }

  /** The settings of the network's {@link LedgerVerticle}. */
  static LedgerVerticle.Settings settings(
      PaywireConfig.Network network, PaywireConfig config, Path dataDirectory) {
    return new LedgerVerticle.Settings(
        directory(dataDirectory, network),
        options(network, config.ledger().options()),
        defaultDepositMinor(network, config.ledger()),
        config.ledger().maxPendingRequests(),
        LedgerAddresses.network(network.name()));
  }
}
