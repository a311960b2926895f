package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.SimulatedDisk.PowerCut;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Random load on a ledger over a {@link SimulatedDisk}, with the power cut at random points (inside
 * a journal write, between a write and its fsync, in the middle of a snapshot, during recovery
 * itself). After every cut the ledger is reopened and must hold every transfer it acknowledged,
 * unchanged; pass {@code verify} and every invariant; and recover from a snapshot at least as new
 * as the last one whose write returned.
 *
 * <p>Unlike a SIGKILL, which leaves the page cache to the kernel, a simulated cut loses every byte
 * and every directory entry that was not forced: this fails if the journal's fsync or the directory
 * fsync after a snapshot rename is left out.
 */
class PowerCutProperties {

  private static final Path DATA = Path.of("/simulated/data");

  /** Small segments, so the load rolls into new segment files; a snapshot is taken by hand. */
  private static final LedgerOptions OPTIONS =
      new LedgerOptions(new LedgerRules(1_000_000, 1_000), 64, 64 << 10, (64 << 10) + 1024, 0, 2);

  private static final int CUTS_PER_TRY = 4;
  private static final int MAX_OPERATIONS_BEFORE_CUT = 600;

  /** What an acknowledgement promised about a transfer. */
  private record Promised(String payer, String payee, long amount) {}

  @Property(tries = 40)
  void everyAcknowledgedTransferSurvivesPowerCuts(@ForAll long seed) throws IOException {
    SimulatedDisk disk = new SimulatedDisk(seed);
    Random random = new Random(seed);
    Map<TransferId, Promised> acknowledged = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    long snapshotAcknowledged = -1; // the batch sequence the last written snapshot starts at
    long time = 1_700_000_000_000L;
    long nextId = 0;

    Ledger ledger = Ledger.open(DATA, OPTIONS, disk);
    for (int round = 0; round < CUTS_PER_TRY; round++) {
      disk.cutPowerAfter(1 + random.nextInt(MAX_OPERATIONS_BEFORE_CUT));
      try {
        while (true) {
          if (random.nextInt(20) == 0 && ledger.state().transferCount() > 0) {
            Snapshot.Image image = ledger.captureSnapshot();
            ledger.writeSnapshot(image);
            snapshotAcknowledged = image.position().nextBatchSequence();
            continue;
          }
          Batch batch = ledger.newBatch(++time);
          Map<TransferId, Promised> promised = new LinkedHashMap<>();
          int commands = 1 + random.nextInt(40);
          for (int i = 0; i < commands && !batch.isFull(); i++) {
            TransferId id = new TransferId(seed, nextId++);
            Command command;
            if (names.size() < 2 || random.nextInt(10) == 0) {
              String name = "u" + names.size();
              names.add(name);
              command = new Command.OpenAccount(id, name, null, 1 + random.nextInt(100_000));
            } else {
              command =
                  Command.Transfer.unsigned(
                      id,
                      names.get(random.nextInt(names.size())),
                      names.get(random.nextInt(names.size())),
                      1 + random.nextInt(1_000));
            }
            if (batch.execute(command) instanceof Outcome.Accepted accepted) {
              TransferView view = accepted.transfer();
              promised.put(id, new Promised(view.payer(), view.payee(), view.amount()));
            }
          }
          ledger.write(batch);
          acknowledged.putAll(promised); // the replies leave now, not before
        }
      } catch (PowerCut | IOException cut) {
        if (!disk.dead()) {
          throw cut; // a failure of the ledger's own, not the simulated power
        }
      }
      disk.restart();

      if (random.nextBoolean()) { // and once more while recovering
        disk.cutPowerAfter(1 + random.nextInt(60));
        try {
          Ledger.open(DATA, OPTIONS, disk);
        } catch (PowerCut | IOException cut) {
          if (!disk.dead()) {
            throw cut;
          }
        }
        disk.restart();
      }

      ledger = Ledger.open(DATA, OPTIONS, disk);
      assertRecovered(ledger, disk, seed, round, acknowledged, snapshotAcknowledged);
      Statistics.label("recovered from")
          .collect(ledger.recovery().snapshot().isPresent() ? "snapshot" : "journal");
      Statistics.label("torn tail").collect(ledger.recovery().tornBytesTruncated() > 0);
    }
    ledger.close();
  }

  private static void assertRecovered(
      Ledger ledger,
      SimulatedDisk disk,
      long seed,
      int round,
      Map<TransferId, Promised> acknowledged,
      long snapshotAcknowledged)
      throws IOException {
    LedgerView state = ledger.state();
    List<String> lost = new ArrayList<>();
    acknowledged.forEach(
        (id, promised) -> {
          Optional<TransferView> held = state.transfer(id);
          if (held.isEmpty()
              || !promised.equals(
                  new Promised(held.get().payer(), held.get().payee(), held.get().amount()))) {
            lost.add(id + " " + promised + " -> " + held);
          }
        });
    assertThat(lost)
        .as(
            "seed %d, after cut %d: acknowledged transfers lost or changed (of %d)",
            seed, round + 1, acknowledged.size())
        .isEmpty();
    state.checkInvariants();
    Verifier.Report report = Verifier.verify(DATA, disk);
    assertThat(report.headHash()).isEqualTo(ledger.position().headHashHex());
    assertThat(report.transfers()).isEqualTo(state.transferCount());
    if (snapshotAcknowledged >= 0) {
      long used =
          ledger
              .recovery()
              .snapshot()
              .map(p -> Long.parseLong(p.getFileName().toString().replaceAll("\\D", "")))
              .orElse(-1L);
      assertThat(used)
          .as(
              "seed %d, after cut %d: recovery used a snapshot older than the last one written",
              seed, round + 1)
          .isGreaterThanOrEqualTo(snapshotAcknowledged);
    }
  }
}
