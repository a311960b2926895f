package io.paywire.ledger;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What readers may ask of a ledger's state: lookups and counts, never a change. {@link Ledger}
 * hands out only this; the engine behind it ({@code LedgerState}) is package-private, so a command
 * can reach the state only through a {@link Batch}, which journals what it changes.
 *
 * <p>Like the state it reads, a view is for the ledger's owner thread, between batch steps.
 */
public interface LedgerView {

  /** Bounds a history page, so one query cannot copy an account's whole past. */
  int MAX_HISTORY_PAGE = 1_000;

  Optional<AccountView> account(String name);

  /** The account holding the key with this fingerprint (lowercase hex SHA-256), if any. */
  Optional<AccountView> accountByFingerprint(String fingerprint);

  /** The balance of an account, without copying the rest of it. */
  OptionalLong balance(String name);

  Optional<TransferView> transfer(TransferId id);

  /**
   * One page of an account's transfers, most recent first. {@code offset} counts from the most
   * recent; {@code limit} is capped at {@link #MAX_HISTORY_PAGE}.
   */
  List<TransferView> history(String name, int offset, int limit);

  /** A Gradecoin ledger's pool, chain and users; empty for a plain ledger. */
  default Optional<GradecoinView> gradecoin() {
    return Optional.empty();
  }

  /** The number of accounts, the issuer included. */
  int accountCount();

  long transferCount();

  /**
   * Recomputes every balance from the transfers and checks all invariants. O(transfers): for
   * recovery, verification and tests, not for every command.
   *
   * @throws IllegalStateException naming the first invariant that does not hold
   */
  void checkInvariants();
}
