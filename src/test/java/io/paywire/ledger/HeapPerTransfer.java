package io.paywire.ledger;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Random;

/**
 * Measures the heap a ledger's history takes per transfer: applies {@code N} payments among {@code
 * ACCOUNTS} accounts to an {@link InMemoryLedger} (the same {@code LedgerState} a node keeps:
 * transfer columns, id index, per-account histories), and after every step forces a full collection
 * and reads the used heap. Not a test (surefire skips it); run as docs/benchmarks.md says:
 *
 * <pre>
 * java -Xmx3g -XX:+UseG1GC -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *   io.paywire.ledger.HeapPerTransfer 4000000 1000 1000000
 * </pre>
 */
public final class HeapPerTransfer {

  private static final int GC_ROUNDS = 4;

  private HeapPerTransfer() {}

  public static void main(String[] args) throws InterruptedException {
    int transfers = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int accounts = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int step = args.length > 2 ? Integer.parseInt(args[2]) : 500_000;
    Random random = new Random(1);
    long before = usedAfterGc();
    InMemoryLedger ledger = new InMemoryLedger(LedgerRules.DEFAULTS);
    long time = 1_800_000_000_000L;
    for (int i = 0; i < accounts; i++) {
      require(
          ledger.execute(
              new Command.OpenAccount(TransferId.random(random), "user" + i, null, 1_000_000_000L),
              time));
    }
    System.out.printf("accounts %d, heap before %d MiB%n", accounts, before >> 20);
    System.out.println("transfers,usedBytes,bytesPerTransfer");
    for (int done = 0; done < transfers; ) {
      int until = Math.min(transfers, done + step);
      for (; done < until; done++) {
        int payer = random.nextInt(accounts);
        int payee = (payer + 1 + random.nextInt(accounts - 1)) % accounts;
        require(
            ledger.execute(
                Command.Transfer.unsigned(
                    TransferId.random(random), "user" + payer, "user" + payee, 1),
                ++time));
      }
      long used = usedAfterGc() - before;
      long total = ledger.view().transferCount();
      System.out.printf("%d,%d,%.1f%n", total, used, (double) used / total);
    }
    Reference.reachabilityFence(ledger);
  }

  private static void require(Outcome outcome) {
    if (!(outcome instanceof Outcome.Accepted)) {
      throw new IllegalStateException("not accepted: " + outcome);
    }
  }

  /** Used heap after a few full collections, so what is left is what is reachable. */
  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < GC_ROUNDS; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
