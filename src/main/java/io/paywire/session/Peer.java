package io.paywire.session;

/**
 * The other end of a session as its transport saw it.
 *
 * @param via the entry point, shown in presence: "tls", "compat", "http", "console"
 * @param ip the client's address as seen by this node
 * @param tlsKey SubjectPublicKeyInfo of the client certificate its TLS handshake proved, or null
 */
public record Peer(String via, String ip, byte[] tlsKey) {}
