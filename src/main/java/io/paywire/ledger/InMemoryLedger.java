package io.paywire.ledger;

/**
 * The rules engine alone, without a journal: for benchmarks and tools that measure or try the
 * rules. Nothing it holds is durable, and a node never uses it; a node's ledger is {@link Ledger}.
 */
public final class InMemoryLedger {
  private final LedgerState state;

  public InMemoryLedger(LedgerRules rules) {
    this.state = new LedgerState(rules);
  }

  /** Checks a command against every rule and applies it if it passes. */
  public Outcome execute(Command command, long timeMillis) {
    return state.execute(command, timeMillis);
  }

  public LedgerView view() {
    return state;
  }
}
