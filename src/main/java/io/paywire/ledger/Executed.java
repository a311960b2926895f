package io.paywire.ledger;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one command did in its batch, with the figures its reply and its announcement show, read
 * right after it (later commands of the same batch may change them again): the account a
 * registration opened, or the payer's and the payee's balances after a payment (a Gradecoin pool
 * transaction's source is its payer), or the block a Gradecoin block command added. All are empty
 * for a rejected command.
 */
public record Executed(
    Outcome outcome,
    Optional<AccountView> account,
    OptionalLong payerBalance,
    OptionalLong payeeBalance,
    Optional<GradecoinView.Block> block) {

  public Executed(
      Outcome outcome,
      Optional<AccountView> account,
      OptionalLong payerBalance,
      OptionalLong payeeBalance) {
    this(outcome, account, payerBalance, payeeBalance, Optional.empty());
  }

  static Executed rejected(Outcome.Rejected rejected) {
    return new Executed(rejected, Optional.empty(), OptionalLong.empty(), OptionalLong.empty());
  }
}
