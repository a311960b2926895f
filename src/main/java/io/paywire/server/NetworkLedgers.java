package io.paywire.server;

import io.paywire.bus.LedgerAddresses;
import io.paywire.config.PaywireConfig;
import io.paywire.ledger.LedgerOptions;
import io.paywire.node.LedgerVerticle;
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

  /**
   * The network ledger's options: the main ledger's batching, segment and snapshot settings, with
   * the rules of the network's kind. The seam where a kind's own rules plug in (Gradecoin's: issue
   * 24); until then every kind takes the main ledger's rules (names up to 32 characters).
   */
  public static LedgerOptions options(PaywireConfig.Network network, LedgerOptions main) {
    return main;
  }

  /**
   * The deposit of a registration that names none: a course network's {@code openingBalance}; for
   * Gradecoin the main ledger's default until its rules (the register bonus) plug in.
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
