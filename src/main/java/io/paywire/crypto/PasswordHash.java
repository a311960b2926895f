package io.paywire.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle), for one-time enrollment passwords: a password is hashed
 * as soon as it is read and only the hash is kept. Parameters follow OWASP's minimum for Argon2id
 * (19 MiB, 2 passes, 1 lane): about 50 ms a hash on this project's 2-core machine.
 */
public final class PasswordHash {

  public static final int MEMORY_KIB = 19 * 1024;
  public static final int ITERATIONS = 2;
  public static final int PARALLELISM = 1;
  public static final int SALT_BYTES = 16;
  public static final int HASH_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(byte[] salt, byte[] hash) {
    this.salt = salt;
    this.hash = hash;
  }

  /** Hashes {@code password} with a fresh salt. Slow on purpose; not for an event loop. */
  public static PasswordHash of(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new PasswordHash(salt, derive(password, salt));
  }

  /** Whether {@code password} is the one hashed; the same work whatever the answer. */
  public boolean matches(String password) {
    return MessageDigest.isEqual(hash, derive(password, salt));
  }

  private static byte[] derive(String password, byte[] salt) {
    Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
    argon2.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(MEMORY_KIB)
            .withIterations(ITERATIONS)
            .withParallelism(PARALLELISM)
            .withSalt(salt)
            .build());
    byte[] out = new byte[HASH_BYTES];
    argon2.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
