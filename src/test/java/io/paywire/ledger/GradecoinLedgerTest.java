package io.paywire.ledger;

import static io.paywire.ledger.GradecoinStateTest.ALICE;
import static io.paywire.ledger.GradecoinStateTest.BOB;
import static io.paywire.ledger.GradecoinStateTest.BOT;
import static io.paywire.ledger.GradecoinStateTest.CAROL;
import static io.paywire.ledger.GradecoinStateTest.GC;
import static io.paywire.ledger.GradecoinStateTest.RULES;
import static io.paywire.ledger.GradecoinStateTest.hash;
import static io.paywire.ledger.GradecoinStateTest.txId;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.JournalRoundTripTest.Picture;
import io.paywire.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gradecoin ledger on disk: the same commands at the same batch times give the same journal bytes
 * and the same state; the pool (in order), the last block and the chain come back from the journal
 * alone and from a snapshot plus the journal; the verifier passes.
 */
class GradecoinLedgerTest {

  static final LedgerOptions OPTIONS =
      new LedgerOptions(RULES, 8_192, 64 << 10, (64 << 10) + 1024, 0, 2).withGradecoin(GC);

  private static final byte[] ALICE_KEY = TestKeys.generateEc("secp256r1");
  private static final byte[] BOB_KEY = TestKeys.generateEc("secp256r1");
  private static final byte[] CAROL_KEY = TestKeys.generateEc("secp256r1");

  @TempDir Path first;
  @TempDir Path second;

  /** A pool, two blocks, a bot's reply mined, refusals in between; the pool is left non-empty. */
  static List<List<Command>> flow() {
    List<List<Command>> batches = new ArrayList<>();
    batches.add(
        List.of(
            new Command.OpenAccount(id(1), ALICE, ALICE_KEY, 20),
            new Command.OpenAccount(id(2), BOB, BOB_KEY, 20),
            new Command.OpenAccount(id(3), CAROL, CAROL_KEY, 20),
            new Command.OpenAccount(id(4), BOT, null, 50)));
    batches.add(
        List.of(
            tx(10, ALICE, BOT, 4, 1),
            tx(11, BOB, CAROL, 3, 2),
            tx(12, CAROL, ALICE, 2, 3),
            tx(13, CAROL, CAROL, 2, 4))); // refused: self
    batches.add(
        List.of(
            new Command.MineBlock(
                id(20), List.of(txId(1), txId(2)), 5, "2022-04-11T21:00:00", hash(1)),
            new Command.MineBlock(
                id(21), List.of(txId(1), txId(2)), 6, "2022-04-11T21:00:01", hash(2)),
            tx(14, BOB, ALICE, 1, 5),
            tx(16, ALICE, BOB, 1, 7)));
    return batches;
  }

  /** Mines the bot's reply (read from the pool) with Carol's pending payment. */
  static List<Command> secondBlock(LedgerView state) {
    GradecoinView gc = state.gradecoin().orElseThrow();
    String reply =
        gc.pool(0, 10).stream()
            .filter(e -> e.source().equals(BOT))
            .findFirst()
            .orElseThrow()
            .txId();
    return List.of(
        new Command.MineBlock(id(30), List.of(reply, txId(3)), 9, "2022-04-11T22:00:00.5", hash(3)),
        tx(15, ALICE, CAROL, 1, 6));
  }

  /** Runs the flow, one batch a second; snapshots after the third batch if asked. */
  static void run(Ledger ledger, boolean snapshot) throws IOException {
    long time = 1_649_710_800_000L;
    for (List<Command> batch : flow()) {
      ledger.apply(time += 1_000, batch);
    }
    if (snapshot) {
      ledger.writeSnapshot(ledger.captureSnapshot());
    }
    ledger.apply(time += 1_000, secondBlock(ledger.state()));
  }

  @Test
  void theSameCommandsGiveTheSameJournalBytesAndTheSameState() throws IOException {
    Picture one;
    Picture two;
    try (Ledger ledger = Ledger.open(first, OPTIONS)) {
      run(ledger, false);
      one = Picture.of(ledger);
      assertThat(gradecoin(ledger)).isEqualTo(gradecoin(ledger));
    }
    try (Ledger ledger = Ledger.open(second, OPTIONS)) {
      run(ledger, false);
      two = Picture.of(ledger);
    }

    assertThat(two).isEqualTo(one);
    assertThat(journalBytes(second)).isEqualTo(journalBytes(first));
  }

  @Test
  void poolOrderLastBlockAndChainComeBackFromTheJournalAndFromASnapshot() throws IOException {
    Picture written;
    GcPicture writtenGc;
    try (Ledger ledger = Ledger.open(first, OPTIONS)) {
      run(ledger, false);
      written = Picture.of(ledger);
      writtenGc = gradecoin(ledger);
    }
    try (Ledger ledger = Ledger.open(second, OPTIONS)) {
      run(ledger, true);
    }
    assertThat(writtenGc.pool())
        .extracting(GradecoinView.PoolEntry::txId)
        .containsExactly(txId(5), txId(7), txId(6));
    assertThat(writtenGc.lastBlock().height()).isEqualTo(2);
    assertThat(writtenGc.lastBlock().previousHash()).isEqualTo(hash(1));

    try (Ledger fromJournal = Ledger.open(first, OPTIONS)) {
      assertThat(fromJournal.recovery().snapshot()).isEmpty();
      assertThat(Picture.of(fromJournal)).isEqualTo(written);
      assertThat(gradecoin(fromJournal)).isEqualTo(writtenGc);
    }
    try (Ledger fromSnapshot = Ledger.open(second, OPTIONS)) {
      assertThat(fromSnapshot.recovery().snapshot()).isPresent();
      assertThat(fromSnapshot.recovery().batchesReplayed()).isEqualTo(1);
      assertThat(Picture.of(fromSnapshot)).isEqualTo(written);
      assertThat(gradecoin(fromSnapshot)).isEqualTo(writtenGc);
    }
  }

  @Test
  void theVerifierReplaysAGradecoinLedger() throws IOException {
    long transfers;
    try (Ledger ledger = Ledger.open(first, OPTIONS)) {
      run(ledger, false);
      transfers = ledger.state().transferCount();
    }

    Verifier.Report report = Verifier.verify(first);

    assertThat(report.accounts()).isEqualTo(5);
    assertThat(report.transfers()).isEqualTo(transfers);
  }

  @Test
  void aPlainLedgerStillWritesAndReadsVersionOneSnapshotsAndAGradecoinOneVersionTwo()
      throws IOException {
    LedgerOptions plain = new LedgerOptions(LedgerRules.DEFAULTS, 8_192, 64 << 10, 66 << 10, 0, 2);
    Picture written;
    Path file;
    try (Ledger ledger = Ledger.open(first, plain)) {
      ledger.apply(1_000, List.of(new Command.OpenAccount(id(1), "alice", null, 30)));
      file = ledger.writeSnapshot(ledger.captureSnapshot());
      ledger.apply(2_000, List.of(new Command.OpenAccount(id(2), "bob", null, 40)));
      written = Picture.of(ledger);
    }
    assertThat(ByteBuffer.wrap(Files.readAllBytes(file)).getInt(4)).isEqualTo(Snapshot.VERSION_1);
    try (Ledger reopened = Ledger.open(first, plain)) {
      assertThat(reopened.recovery().snapshot()).contains(file);
      assertThat(Picture.of(reopened)).isEqualTo(written);
      assertThat(reopened.state().gradecoin()).isEmpty();
    }

    try (Ledger ledger = Ledger.open(second, OPTIONS)) {
      run(ledger, false);
      file = ledger.writeSnapshot(ledger.captureSnapshot());
    }
    assertThat(ByteBuffer.wrap(Files.readAllBytes(file)).getInt(4)).isEqualTo(Snapshot.VERSION);
  }

  @Test
  void aDamagedGradecoinSectionMakesTheSnapshotUnusable() throws IOException {
    Path file;
    GcPicture written;
    try (Ledger ledger = Ledger.open(first, OPTIONS)) {
      run(ledger, false);
      file = ledger.writeSnapshot(ledger.captureSnapshot());
      written = gradecoin(ledger);
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 5] ^= 1; // the last byte of the last block's last transaction id
    Files.write(file, bytes);

    try (Ledger reopened = Ledger.open(first, OPTIONS)) {
      assertThat(reopened.recovery().snapshot()).isEmpty();
      assertThat(gradecoin(reopened)).isEqualTo(written);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The Gradecoin state a reader sees. */
  record GcPicture(
      List<GradecoinView.PoolEntry> pool,
      GradecoinView.Block lastBlock,
      long height,
      List<GradecoinView.User> users) {}

  static GcPicture gradecoin(Ledger ledger) {
    GradecoinView gc = ledger.state().gradecoin().orElseThrow();
    return new GcPicture(
        gc.pool(0, GradecoinView.MAX_PAGE),
        gc.lastBlock().orElse(null),
        gc.height(),
        gc.users(0, GradecoinView.MAX_PAGE));
  }

  private static byte[] journalBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(Ledger.journalDirectory(dir))) {
      List<Path> sorted = files.sorted().toList();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (Path file : sorted) {
        all.write(Files.readAllBytes(file));
      }
      return all.toByteArray();
    }
  }

  static TransferId id(long n) {
    return new TransferId(0x9c, n);
  }

  static Command.PoolTransaction tx(long id, String source, String target, long amount, int tx) {
    return new Command.PoolTransaction(
        id(id), source, target, amount, GC.txGasFee(), txId(tx), "2022-04-11T20:45:00.120");
  }
}
