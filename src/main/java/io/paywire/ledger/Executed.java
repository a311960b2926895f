package io.paywire.ledger;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one command did in its batch, with the figures its reply and its announcement show, read
 * right after it (later commands of the same batch may change them again): the account a
 * registration opened, or the payer's and the payee's balances after a payment. All are empty for a
 * rejected command.
 */
public record Executed(
    Outcome outcome,
    Optional<AccountView> account,
    OptionalLong payerBalance,
    OptionalLong payeeBalance) {

  static Executed rejected(Outcome.Rejected rejected) {
    return new Executed(rejected, Optional.empty(), OptionalLong.empty(), OptionalLong.empty());
  }
}
