package io.paywire.cluster;

/**
 * A proposal that certainly applied nothing, on any member: its entry was formed on a journal
 * position that had passed by the time it was committed, or it was never proposed. Its requests may
 * be proposed again.
 */
public final class ProposalNotAppliedException extends Exception {
  public ProposalNotAppliedException(String message) {
    super(message, null, false, false);
  }
}
