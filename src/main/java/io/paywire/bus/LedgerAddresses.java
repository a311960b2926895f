package io.paywire.bus;

import java.util.Objects;

/**
 * Where one ledger of a node is served on the event bus: every address of {@link LedgerApi} is
 * derived from a prefix, so a node's ledgers (its main ledger and each network's) never share an
 * address. {@link LedgerApi}'s constants are the main ledger's addresses and name the operations;
 * {@link #of} gives the same operation's address on this ledger. The main ledger keeps exactly the
 * addresses it always had (docs/event-bus.md).
 *
 * @param prefix every address of the ledger starts with this and a dot: {@code paywire.ledger} for
 *     the main ledger, {@code paywire.network.<name>.ledger} for a network
 */
public record LedgerAddresses(String prefix) {

  private static final String MAIN_PREFIX = "paywire.ledger";

  /** The node's main ledger: {@code paywire.ledger.*}, as {@link LedgerApi} names them. */
  public static final LedgerAddresses MAIN = new LedgerAddresses(MAIN_PREFIX);

  public LedgerAddresses {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty() || prefix.startsWith(".") || prefix.endsWith(".")) {
      throw new IllegalArgumentException("a ledger's address prefix must not be empty or dotted");
    }
  }

  /**
   * The ledger of the network {@code name}: {@code paywire.network.<name>.ledger.*}. The name is
   * the network's, validated with the configuration ({@code networks.<name>}); it holds no dot.
   */
  public static LedgerAddresses network(String name) {
    if (name.isEmpty() || name.contains(".")) {
      throw new IllegalArgumentException("a network's name holds no dot and is not empty: " + name);
    }
    return new LedgerAddresses("paywire.network." + name + ".ledger");
  }

  /** Whether these are the main ledger's addresses. */
  public boolean isMain() {
    return prefix.equals(MAIN_PREFIX);
  }

  /**
   * This ledger's address for the operation {@code mainAddress} (one of {@link LedgerApi}'s
   * addresses) names: for the main ledger the address itself.
   */
  public String of(String mainAddress) {
    if (!mainAddress.startsWith(MAIN_PREFIX + ".")) {
      throw new IllegalArgumentException("not a ledger address of LedgerApi: " + mainAddress);
    }
    return prefix + mainAddress.substring(MAIN_PREFIX.length());
  }

  /**
   * The operation (one of {@link LedgerApi}'s addresses) that {@code address} of this ledger names,
   * or null if {@code address} is not one of this ledger's; the inverse of {@link #of}.
   */
  public String operation(String address) {
    if (address == null || !address.startsWith(prefix + ".")) {
      return null;
    }
    return MAIN_PREFIX + address.substring(prefix.length());
  }

  /** {@link LedgerApi#REQUESTS} of this ledger. */
  public String requests() {
    return of(LedgerApi.REQUESTS);
  }

  /** {@link LedgerApi#STATUS} of this ledger. */
  public String status() {
    return of(LedgerApi.STATUS);
  }

  /** {@link LedgerApi#LEADER_CHANGED} of this ledger (a cluster member's, local to each node). */
  public String leaderChanged() {
    return of(LedgerApi.LEADER_CHANGED);
  }

  /**
   * Where this ledger publishes its payments ({@link TransferEvents}): {@link
   * TransferEvents#ADDRESS} for the main ledger, {@code <prefix>.transfer-events} for a network, so
   * no listener of the main ledger hears a network's payments.
   */
  public String transferEvents() {
    return isMain() ? TransferEvents.ADDRESS : prefix + ".transfer-events";
  }

  @Override
  public String toString() {
    return prefix;
  }
}
