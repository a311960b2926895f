package io.paywire.crypto;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Single-thread signature verifications per second, JDK provider against Bouncy Castle, the
 * measurement behind the provider choice in {@link Signatures}. Not a test: run it by hand,
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.paywire.crypto.SignatureSpeed
 * </pre>
 *
 * Each figure is a 1-second warm-up followed by a ~2-second count; compare runs on the same
 * machine.
 */
public final class SignatureSpeed {

  private static final byte[] MESSAGE =
      "PAY alice bob 125 EUR nonce=4f1c2a9e7d3b time=1767225600000"
          .getBytes(StandardCharsets.UTF_8);
  private static final long WARM_UP_NANOS = 1_000_000_000L;
  private static final long MEASURE_NANOS = 2_000_000_000L;

  private SignatureSpeed() {}

  public static void main(String[] args) throws Exception {
    Provider bc = new BouncyCastleProvider();
    System.out.printf(
        Locale.ROOT,
        "%s %s, %s, 1 thread%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        bc.getName() + " " + bc.getVersionStr());
    KeyPair rsa = KeyType.RSA.generate();
    KeyPair ec = KeyType.EC.generate();
    KeyPair ed = KeyType.ED25519.generate();

    report("RSA-2048 SHA256withRSA  JDK", rsa, "SHA256withRSA", null);
    report("RSA-2048 SHA256withRSA  BC ", rsa, "SHA256withRSA", bc);
    report("EC P-256 SHA256withECDSA JDK", ec, "SHA256withECDSA", null);
    report("EC P-256 SHA256withECDSA BC ", ec, "SHA256withECDSA", bc);
    report("Ed25519                  JDK", ed, "Ed25519", null);
    report("Ed25519                  BC ", ed, "Ed25519", bc);
    for (KeyPair keys : new KeyPair[] {rsa, ec, ed}) {
      byte[] signature = Signatures.sign(keys.getPrivate(), MESSAGE);
      double rate = rate(() -> Signatures.verify(keys.getPublic(), MESSAGE, signature));
      System.out.printf(
          Locale.ROOT, "Signatures.verify %-10s %,12.0f /s%n", KeyType.of(keys.getPublic()), rate);
    }
  }

  private static void report(String label, KeyPair keys, String algorithm, Provider provider)
      throws Exception {
    Signature signature =
        provider == null
            ? Signature.getInstance(algorithm)
            : Signature.getInstance(algorithm, provider);
    signature.initSign(keys.getPrivate());
    signature.update(MESSAGE);
    byte[] signed = signature.sign();
    double rate =
        rate(
            () -> {
              signature.initVerify(keys.getPublic());
              signature.update(MESSAGE);
              return signature.verify(signed);
            });
    System.out.printf(Locale.ROOT, "%s %,12.0f /s%n", label, rate);
  }

  private interface Verification {
    boolean run() throws Exception;
  }

  /** Verifications per second over MEASURE_NANOS after WARM_UP_NANOS; fails if one is false. */
  private static double rate(Verification verification) throws Exception {
    long end = System.nanoTime() + WARM_UP_NANOS;
    while (System.nanoTime() < end) {
      check(verification.run());
    }
    long count = 0;
    long start = System.nanoTime();
    long now;
    do {
      check(verification.run());
      count++;
      now = System.nanoTime();
    } while (now - start < MEASURE_NANOS);
    return count * 1e9 / (now - start);
  }

  private static void check(boolean verified) {
    if (!verified) {
      throw new IllegalStateException("a valid signature failed to verify");
    }
  }
}
