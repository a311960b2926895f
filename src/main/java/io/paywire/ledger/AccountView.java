package io.paywire.ledger;

/**
 * An account as readers see it.
 *
 * @param publicKey X.509 SubjectPublicKeyInfo, or empty for a keyless account
 * @param fingerprint lowercase hex SHA-256 of {@code publicKey}, or empty for a keyless account
 */
public record AccountView(
    int number,
    String name,
    byte[] publicKey,
    String fingerprint,
    long balance,
    long createdMillis,
    int transferCount) {

  public boolean hasKey() {
    return publicKey.length > 0;
  }
}
