package io.paywire.ledger;

/**
 * An account's mutable state. Only {@link LedgerState} changes it, from the ledger's one thread.
 */
final class Account {
  final int number;
  final String name;
  final byte[] publicKey;
  final String fingerprint;
  final long createdMillis;
  long balance;

  /** Sequence numbers of the transfers this account took part in, oldest first. */
  final IntList history = new IntList();

  Account(int number, String name, byte[] publicKey, long createdMillis) {
    this.number = number;
    this.name = name;
    this.publicKey = publicKey;
    this.fingerprint = publicKey.length == 0 ? "" : Fingerprint.of(publicKey);
    this.createdMillis = createdMillis;
  }

  AccountView view() {
    return new AccountView(
        number, name, publicKey.clone(), fingerprint, balance, createdMillis, history.size());
  }
}
