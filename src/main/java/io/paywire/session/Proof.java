package io.paywire.session;

/** How a login shows that it holds the account's key. */
public sealed interface Proof {

  /**
   * The key of the client certificate of the session's TLS handshake ({@link Peer#tlsKey()}). An
   * account without a key may log in by name this way, as in the original program, but such a login
   * is not key-proven and may not pay directly.
   */
  record TlsHandshake() implements Proof {}

  /**
   * A one-time nonce from {@link Sessions#challenge(String)}, signed with the account's key. ECDSA
   * signatures may be DER or IEEE P1363 ({@code r||s}, as WebCrypto makes them).
   */
  record SignedChallenge(byte[] nonce, byte[] signature) implements Proof {}

  /**
   * No proof at all: the name alone, as the course's phase-1 dialects log in. Accepted only by a
   * sandbox network's sessions ({@link Sessions#sandbox}), whose ledger holds play money apart from
   * the main ledger; everywhere else it fails as a wrong key would.
   */
  record Name() implements Proof {}
}
