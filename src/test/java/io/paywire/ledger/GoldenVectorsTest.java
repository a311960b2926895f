package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden vectors of the on-disk format: a small journal and a snapshot, made once from fixed
 * commands at fixed times and committed under {@code src/test/resources/golden/ledger-v1}. Today's
 * code must read them back to the same state and head hash, and write the same bytes from the same
 * commands; so a change of the journal or snapshot format cannot slip in unnoticed. The head hash
 * is also written in docs/storage.md.
 *
 * <p>A deliberate format change means new vectors (and a new format version): run {@code mvn -q
 * test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt} and {@code java -cp
 * target/classes:target/test-classes:$(cat target/cp.txt) io.paywire.ledger.GoldenVectorsTest},
 * then update {@link #HEAD_HASH} and docs/storage.md.
 */
class GoldenVectorsTest {

  static final String HEAD_HASH =
      "3e8c3da1d1b8c0bc153326101580f437a25204b4f05889008df58ffe1a805cc6";

  private static final Path SOURCE = Path.of("src/test/resources/golden/ledger-v1");
  private static final LedgerOptions OPTIONS =
      new LedgerOptions(LedgerRules.DEFAULTS, 8_192, 4 << 20, 64L << 20, 0, 2);
  private static final long T0 = 1_700_000_000_000L;

  /** An Ed25519 SubjectPublicKeyInfo, so the vectors hold a key too. */
  private static final byte[] ALICE_KEY =
      HexFormat.of()
          .parseHex(
              "302a300506032b657003210020ebf7715ef5d5ddd39dfb3c4f788d6d9170d5a20f247a690e4f16330a49e87b");

  @TempDir Path dir;

  @Test
  void goldenDirectoryRecoversFromItsSnapshotToTheRecordedState() throws Exception {
    Path data = JournalRoundTripTest.copyDirectory(golden(), dir.resolve("data"));
    try (Ledger ledger = Ledger.open(data, OPTIONS)) {
      assertThat(ledger.recovery().snapshot())
          .map(p -> p.getFileName().toString())
          .hasValue("snapshot-00000000000000000002.bin");
      assertThat(ledger.recovery().batchesReplayed()).isEqualTo(1);
      assertThat(ledger.recovery().tornBytesTruncated()).isZero();
      assertThat(ledger.position().nextBatchSequence()).isEqualTo(3);
      assertThat(ledger.position().headHashHex()).isEqualTo(HEAD_HASH);

      LedgerView state = ledger.state();
      assertThat(state.accountCount()).isEqualTo(5);
      assertThat(state.transferCount()).isEqualTo(8);
      assertThat(state.balance("alice")).hasValue(1_000 - 250 - 100);
      assertThat(state.balance("bob")).hasValue(500 + 250 - 75);
      assertThat(state.balance("carol")).hasValue(20 + 75 - 5);
      assertThat(state.balance("dave")).hasValue(1 + 5 + 100);
      assertThat(state.balance("issuer")).hasValue(-(1_000 + 500 + 20 + 1));
      assertThat(state.account("alice").orElseThrow().publicKey()).isEqualTo(ALICE_KEY);
      assertThat(state.transfer(new TransferId(0x601d, 4)).orElseThrow())
          .isEqualTo(new TransferView(3, new TransferId(0x601d, 4), "alice", "Bob", 250, T0 + 1));
      state.checkInvariants();
    }
  }

  @Test
  void goldenJournalVerifiesFromTheFirstBatch() throws Exception {
    Verifier.Report report = Verifier.verify(golden());
    assertThat(report.headHash()).isEqualTo(HEAD_HASH);
    assertThat(report.batches()).isEqualTo(3);
    assertThat(report.transfers()).isEqualTo(8);
    assertThat(report.accounts()).isEqualTo(5);
  }

  @Test
  void sameCommandsWriteTheGoldenBytes() throws Exception {
    Path written = dir.resolve("written");
    write(written);
    List<Path> goldenFiles = files(golden());
    assertThat(files(written)).isEqualTo(goldenFiles);
    for (Path file : goldenFiles) {
      assertThat(Files.readAllBytes(written.resolve(file)))
          .as("bytes of %s", file)
          .isEqualTo(Files.readAllBytes(golden().resolve(file)));
    }
  }

  @Test
  void storageDocumentGivesTheGoldenHeadHash() throws IOException {
    assertThat(Files.readString(Path.of("docs/storage.md"), StandardCharsets.UTF_8))
        .contains(HEAD_HASH);
  }

  /**
   * Writes the vectors into the source tree, run by hand (see the class comment); not a test, so
   * the suite never skips anything.
   */
  public static void main(String[] args) throws IOException {
    Path made = Files.createTempDirectory("golden").resolve("made");
    write(made);
    for (Path file : files(made)) {
      Path target = SOURCE.resolve(file);
      Files.createDirectories(target.getParent());
      Files.write(target, Files.readAllBytes(made.resolve(file)));
    }
    try (Ledger ledger = Ledger.open(made, OPTIONS)) {
      System.out.println("golden head hash " + ledger.position().headHashHex());
    }
  }

  /**
   * The fixed history: three batches, a snapshot after the second. Signatures are arbitrary bytes
   * (the ledger keeps them as proof, it does not check them), so the vectors hold them too.
   */
  private static void write(Path data) throws IOException {
    try (Ledger ledger = Ledger.open(data, OPTIONS)) {
      Batch first = ledger.newBatch(T0);
      accept(first.execute(new Command.OpenAccount(id(1), "alice", ALICE_KEY, 1_000)));
      accept(first.execute(new Command.OpenAccount(id(2), "Bob", null, 500)));
      accept(first.execute(new Command.OpenAccount(id(3), "carol", null, 20)));
      ledger.write(first);

      Batch second = ledger.newBatch(T0 + 1);
      accept(
          second.execute(
              new Command.Transfer(id(4), "ALICE", "bob", 250, bytes(64, 0xa1), bytes(64, 0xb0))));
      accept(second.execute(Command.Transfer.unsigned(id(5), "bob", "carol", 75)));
      ledger.write(second);
      ledger.writeSnapshot(ledger.captureSnapshot());

      Batch third = ledger.newBatch(T0 + 2);
      accept(third.execute(new Command.OpenAccount(id(6), "dave", null, 1)));
      accept(third.execute(Command.Transfer.unsigned(id(7), "carol", "dave", 5)));
      accept(
          third.execute(new Command.Transfer(id(8), "alice", "dave", 100, bytes(3, 0x5a), null)));
      ledger.write(third);
    }
  }

  private static TransferId id(long n) {
    return new TransferId(0x601d, n);
  }

  private static byte[] bytes(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static void accept(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
  }

  /** The journal and snapshot files under {@code root}, relative to it, sorted. */
  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(root::relativize)
          .filter(p -> p.startsWith("journal") || p.startsWith("snapshots"))
          .sorted()
          .toList();
    }
  }

  private static Path golden() throws URISyntaxException {
    return Path.of(GoldenVectorsTest.class.getResource("/golden/ledger-v1").toURI());
  }
}
