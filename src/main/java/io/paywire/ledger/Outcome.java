package io.paywire.ledger;

/** The result of one command: accepted (possibly as a repeat of an earlier one) or rejected. */
public sealed interface Outcome permits Outcome.Accepted, Outcome.Rejected {

  /**
   * @param duplicate true when the same id and content had already been accepted: nothing was
   *     applied this time and {@code transfer} is the original
   */
  record Accepted(TransferView transfer, boolean duplicate) implements Outcome {}

  record Rejected(RejectCode code, String reason) implements Outcome {}
}
