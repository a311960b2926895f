package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.ledger.Command;
import io.paywire.ledger.GradecoinRules;
import io.paywire.ledger.LedgerOptions;
import io.paywire.ledger.LedgerRules;
import io.paywire.ledger.TransferId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerEntryTest {

  private static LedgerEntry entry(List<Command> commands) {
    return new LedgerEntry(
        1_760_000_000_000L, LedgerEntry.Terms.of(LedgerOptions.DEFAULTS), commands);
  }

  @Test
  void readsBackEveryFieldAndNamesARefusedNameUnchanged() {
    List<Command> commands =
        List.of(
            new Command.OpenAccount(
                new TransferId(1, 2), "Jo\u212Aé\uD800", new byte[] {1, 2, 3}, 50),
            new Command.Transfer(new TransferId(3, 4), "alice", null, 7, new byte[] {9}, null));
    LedgerEntry read = LedgerEntry.decode(ByteBuffer.wrap(entry(commands).encode()));

    assertThat(read.timeMillis()).isEqualTo(1_760_000_000_000L);
    assertThat(read.terms()).isEqualTo(LedgerEntry.Terms.of(LedgerOptions.DEFAULTS));
    Command.OpenAccount open = (Command.OpenAccount) read.commands().get(0);
    assertThat(open.name()).isEqualTo("Jo\u212Aé\uD800");
    assertThat(open.publicKey()).containsExactly(1, 2, 3);
    assertThat(open.deposit()).isEqualTo(50);
    Command.Transfer transfer = (Command.Transfer) read.commands().get(1);
    assertThat(transfer.payee()).isNull();
    assertThat(transfer.payerSignature()).containsExactly(9);
    assertThat(read.encode()).isEqualTo(entry(commands).encode());
  }

  @Test
  void readsBackGradecoinCommandsWhateverTheyHold() {
    List<Command> commands =
        List.of(
            new Command.PoolTransaction(
                new TransferId(5, 6), "Alice", "b\u00f6b", 4, 2, "not hex", "2022-04-11T20:45:00"),
            new Command.PoolTransaction(new TransferId(7, 8), null, null, -1, -2, null, null),
            new Command.MineBlock(new TransferId(9, 10), List.of("a", "b\uD800"), 42, "t", "h"),
            new Command.MineBlock(new TransferId(11, 12), null, 0, null, null, 3, 1));
    byte[] bytes = entry(commands).encode();
    LedgerEntry read = LedgerEntry.decode(ByteBuffer.wrap(bytes));

    assertThat(read.commands()).hasSize(4);
    assertThat(read.commands().get(0)).isEqualTo(commands.get(0));
    assertThat(read.commands().get(1)).isEqualTo(commands.get(1));
    assertThat(read.commands().get(2)).isEqualTo(commands.get(2));
    assertThat(read.commands().get(3)).isEqualTo(commands.get(3));
    assertThat(read.encode()).isEqualTo(bytes);
  }

  @Test
  void aGradecoinLedgersRulesAndNameLengthAreTermsOfTheEntry() {
    LedgerOptions gradecoin =
        new LedgerOptions(new LedgerRules(100, 100, 64), 64, 1 << 16, 1 << 20, 0, 2)
            .withGradecoin(new GradecoinRules(4, 1, 4, 2, 2, 2));
    LedgerEntry.Terms terms = LedgerEntry.Terms.of(gradecoin);
    byte[] bytes = new LedgerEntry(5, terms, List.of()).encode();

    LedgerEntry.Terms read = LedgerEntry.decode(ByteBuffer.wrap(bytes)).terms();

    assertThat(read).isEqualTo(terms);
    assertThat(read).isNotEqualTo(LedgerEntry.Terms.of(gradecoin.withGradecoin(null)));
    assertThat(read)
        .isNotEqualTo(
            LedgerEntry.Terms.of(gradecoin.withGradecoin(new GradecoinRules(4, 1, 4, 2, 3, 2))));
  }

  @Test
  void aVersionTwoEntryIsReadWithThePlainLedgersTerms() {
    ByteBuffer v2 = ByteBuffer.allocate(1 + 8 + 24 + 4);
    v2.put((byte) 2).putLong(7).putLong(1_000_000_000L).putLong(1_000_000_000L);
    v2.putInt(8_192).putInt(4 << 20).putInt(0).flip();

    LedgerEntry read = LedgerEntry.decode(v2);

    assertThat(read.timeMillis()).isEqualTo(7);
    assertThat(read.terms()).isEqualTo(LedgerEntry.Terms.of(LedgerOptions.DEFAULTS));
  }

  @Test
  void readsBackTheSmallestCommands() {
    List<Command> smallest =
        List.of(
            new Command.OpenAccount(new TransferId(1, 1), "", null, 1),
            new Command.OpenAccount(new TransferId(2, 2), "bob", null, 1_000),
            Command.Transfer.unsigned(new TransferId(3, 3), "", "", 1));
    for (Command command : smallest) {
      byte[] bytes = entry(List.of(command)).encode();
      assertThat(LedgerEntry.decode(ByteBuffer.wrap(bytes)).encode())
          .as("%s", command)
          .isEqualTo(bytes);
    }
    assertThat(LedgerEntry.decode(ByteBuffer.wrap(entry(smallest).encode())).commands()).hasSize(3);
  }

  @Test
  void refusesTruncatedOrTrailingOrOversizedEntries() {
    byte[] bytes =
        entry(List.of(Command.Transfer.unsigned(new TransferId(1, 1), "a", "b", 1))).encode();
    for (int cut = 0; cut < bytes.length; cut++) {
      ByteBuffer shorter = ByteBuffer.wrap(bytes, 0, cut);
      assertThatThrownBy(() -> LedgerEntry.decode(shorter))
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> LedgerEntry.decode(ByteBuffer.wrap(longer)))
        .isInstanceOf(IllegalArgumentException.class);
    ByteBuffer huge = ByteBuffer.allocate(LedgerEntry.MAX_ENTRY_BYTES + 1);
    assertThatThrownBy(() -> LedgerEntry.decode(huge)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBatchStopsAtTheLedgersCommandLimit() {
    LedgerOptions two = new LedgerOptions(LedgerRules.DEFAULTS, 2, 4 << 20, 64L << 20, 0, 2);
    LedgerEntry.Builder builder = new LedgerEntry.Builder(two);
    Command pay = Command.Transfer.unsigned(new TransferId(1, 1), "a", "b", 1);
    assertThat(builder.tryAdd(pay)).isTrue();
    assertThat(builder.tryAdd(pay)).isTrue();
    assertThat(builder.tryAdd(pay)).isFalse();
    assertThat(builder.size()).isEqualTo(2);
  }

  @Test
  void aCommandLargerThanAnyEntryIsRefused() {
    LedgerEntry.Builder builder = new LedgerEntry.Builder(LedgerOptions.DEFAULTS);
    Command huge =
        new Command.OpenAccount(
            new TransferId(1, 1), "a", new byte[LedgerEntry.MAX_ENTRY_BYTES], 1);
    assertThat(builder.tryAdd(huge)).isFalse();
    assertThat(builder.isEmpty()).isTrue();
  }

  @Test
  void anEntryOfAnotherVersionIsUnreadableNotMalformed() {
    byte[] bytes =
        entry(List.of(Command.Transfer.unsigned(new TransferId(1, 1), "a", "b", 1))).encode();
    bytes[0] = 1; // version 1 named a journal position: a member must not guess at it
    assertThatThrownBy(() -> LedgerEntry.decode(ByteBuffer.wrap(bytes)))
        .isInstanceOf(LedgerEntry.UnknownVersionException.class);
  }

  @Test
  void theDistinctNamesRuleIsATermOfVersion4AndNeverOfVersion3() {
    LedgerOptions course =
        new LedgerOptions(
            LedgerOptions.DEFAULTS.rules().withDistinctNames(),
            LedgerOptions.DEFAULTS.maxBatchCommands(),
            LedgerOptions.DEFAULTS.maxBatchBytes(),
            LedgerOptions.DEFAULTS.segmentBytes(),
            LedgerOptions.DEFAULTS.snapshotEveryTransfers(),
            LedgerOptions.DEFAULTS.snapshotsKept());
    LedgerEntry.Terms terms = LedgerEntry.Terms.of(course);
    List<Command> commands = List.of(Command.Transfer.unsigned(new TransferId(1, 1), "a", "b", 1));
    byte[] bytes = new LedgerEntry(1L, terms, commands).encode();
    assertThat(bytes[0]).isEqualTo((byte) 4);
    LedgerEntry read = LedgerEntry.decode(ByteBuffer.wrap(bytes));
    assertThat(read.terms()).isEqualTo(terms);
    assertThat(read.terms()).isNotEqualTo(LedgerEntry.Terms.of(LedgerOptions.DEFAULTS));

    // A version-3 entry is read with the rule off; one that claims it is malformed.
    byte[] plain = entry(commands).encode();
    plain[0] = 3;
    assertThat(LedgerEntry.decode(ByteBuffer.wrap(plain)).terms())
        .isEqualTo(LedgerEntry.Terms.of(LedgerOptions.DEFAULTS));
    bytes[0] = 3;
    assertThatThrownBy(() -> LedgerEntry.decode(ByteBuffer.wrap(bytes)))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(LedgerEntry.UnknownVersionException.class);
  }
}
