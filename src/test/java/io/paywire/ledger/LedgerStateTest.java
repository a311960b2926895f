package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.testing.TestKeys;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of {@link LedgerState#execute} one at a time. Every command goes through {@link
 * #execute}, which checks the invariants after each step; every rejection goes through {@link
 * #rejects}, which also checks that nothing changed.
 */
class LedgerStateTest {

  private static final long MAX_DEPOSIT = 1_000_000;
  private static final long MAX_TRANSFER = 50_000;
  private static final LedgerRules RULES = new LedgerRules(MAX_DEPOSIT, MAX_TRANSFER);

  private static final byte[] RSA_2048 = TestKeys.generate("RSA", 2048);
  private static final byte[] RSA_1024 = TestKeys.generate("RSA", 1024);
  private static final byte[] EC_P256 = TestKeys.generateEc("secp256r1");
  private static final byte[] EC_P384 = TestKeys.generateEc("secp384r1");
  private static final byte[] ED25519 = TestKeys.generate("Ed25519", 0);

  private LedgerState state = new LedgerState(RULES);

  /** Names of the accounts opened so far, as registered; the issuer is not among them. */
  private final List<String> opened = new ArrayList<>();

  private long nextId = 1;
  private long now = 1_700_000_000_000L;

  // ---- accounts --------------------------------------------------------------------------------

  @Test
  void opensAccountFundedByTheIssuer() {
    TransferView deposit = accepted(open("Alice", 500));

    assertThat(deposit).isEqualTo(new TransferView(0, id(1), "issuer", "Alice", 500, now));
    AccountView alice = state.account("alice").orElseThrow();
    assertThat(alice.name()).isEqualTo("Alice");
    assertThat(alice.number()).isEqualTo(1);
    assertThat(alice.balance()).isEqualTo(500);
    assertThat(alice.createdMillis()).isEqualTo(now);
    assertThat(alice.transferCount()).isEqualTo(1);
    assertThat(alice.hasKey()).isFalse();
    assertThat(balance("issuer")).isEqualTo(-500);
    assertThat(state.accountCount()).isEqualTo(2);
  }

  @Test
  void rejectsNameDifferingOnlyInCase() {
    accepted(open("Alice", 500));

    rejects(openCommand("Alice", 10), RejectCode.NAME_TAKEN);
    rejects(openCommand("alice", 10), RejectCode.NAME_TAKEN);
    rejects(openCommand("ALICE", 10), RejectCode.NAME_TAKEN);
  }

  @Test
  void withDistinctNamesANameMayNotContainAnotherNorBePartOfOne() {
    state = new LedgerState(RULES.withDistinctNames());
    accepted(open("bob", 500));

    rejects(openCommand("bobby", 10), RejectCode.NAME_TAKEN);
    rejects(openCommand("Abob2", 10), RejectCode.NAME_TAKEN);
    rejects(openCommand("bo", 10), RejectCode.NAME_TAKEN);
    rejects(openCommand("B", 10), RejectCode.NAME_TAKEN);
    // The issuer is never listed: a name may hold "issuer" (nor is it reserved as a part).
    accepted(open("alice", 500));
    accepted(open("issuers1", 500));
  }

  @Test
  void withoutDistinctNamesOnlyTheSameNameIsTaken() {
    accepted(open("bob", 500));
    accepted(open("bobby", 500));
    accepted(open("bo", 500));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "abcdefghijklmnopqrstuvwxyz0123456",
        "Jo anne",
        " alice",
        "Jöanne",
        "alice#1",
        "tab\tname",
        "ali/ce",
        "\u212Aarl"
      })
  void rejectsBadNames(String name) {
    rejects(openCommand(name, 10), RejectCode.BAD_NAME);
  }

  @Test
  void acceptsNamesOfAsciiLettersDigitsAndPunctuationUpTo32Characters() {
    accepted(open("a", 1));
    accepted(open("A-b_c.9", 1));
    accepted(open("x".repeat(AccountName.MAX_LENGTH), 1));
  }

  @Test
  void depositOutOfRange() {
    for (long deposit : new long[] {0, -1, Long.MIN_VALUE, MAX_DEPOSIT + 1, Long.MAX_VALUE}) {
      rejects(openCommand("Alice", deposit), RejectCode.DEPOSIT_OUT_OF_RANGE);
    }
    accepted(open("Alice", 1));
    accepted(open("Bob", MAX_DEPOSIT));
  }

  @Test
  void acceptsRsa2048EcP256AndEd25519Keys() {
    for (byte[] key : List.of(RSA_2048, EC_P256, ED25519)) {
      String name = "key" + opened.size();
      accepted(execute(new Command.OpenAccount(id(nextId++), name, key, 10)));
      AccountView account = state.account(name).orElseThrow();
      assertThat(account.hasKey()).isTrue();
      assertThat(account.publicKey()).isEqualTo(key);
    }
  }

  @Test
  void rejectsRsa1024EcP384AndGarbageKeysAsBadPublicKey() {
    byte[] truncated = Arrays.copyOf(EC_P256, EC_P256.length - 1);
    for (byte[] key : List.of(RSA_1024, EC_P384, new byte[] {1, 2, 3}, truncated)) {
      rejects(new Command.OpenAccount(id(nextId++), "Alice", key, 10), RejectCode.BAD_PUBLIC_KEY);
    }
  }

  @Test
  void aKeyBelongsToOneAccountAndIsFoundByItsFingerprint() {
    accepted(execute(new Command.OpenAccount(id(nextId++), "Alice", EC_P256, 10)));
    rejects(new Command.OpenAccount(id(nextId++), "Bob", EC_P256, 10), RejectCode.KEY_TAKEN);
    String fingerprint = state.account("Alice").orElseThrow().fingerprint();
    assertThat(state.accountByFingerprint(fingerprint).orElseThrow().name()).isEqualTo("Alice");
    assertThat(state.accountByFingerprint("0".repeat(64))).isEmpty();
  }

  @Test
  void fingerprintIsLowercaseHexSha256OfTheKey() throws Exception {
    accepted(execute(new Command.OpenAccount(id(nextId++), "Alice", ED25519, 10)));
    accepted(open("Bob", 10));

    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ED25519));
    assertThat(state.account("alice").orElseThrow().fingerprint())
        .isEqualTo(expected)
        .matches("[0-9a-f]{64}");
    assertThat(state.account("bob").orElseThrow().fingerprint()).isEmpty();
  }

  @Test
  void reportsSupplyExhaustedWhenIssuerWouldOverflow() {
    state = new LedgerState(new LedgerRules(Long.MAX_VALUE, Long.MAX_VALUE));
    accepted(open("Whale", Long.MAX_VALUE));

    rejects(openCommand("Minnow", 2), RejectCode.SUPPLY_EXHAUSTED);
    rejects(openCommand("Minnow", Long.MAX_VALUE), RejectCode.SUPPLY_EXHAUSTED);
  }

  @Test
  void transfersStayWholeWhenTheEntireSupplyIsIssued() {
    state = new LedgerState(new LedgerRules(Long.MAX_VALUE, Long.MAX_VALUE));
    accepted(open("Whale", Long.MAX_VALUE));
    open("Minnow", 1); // today accepted; SUPPLY_EXHAUSTED would be the fix

    assertThatCode(() -> pay("Minnow", "Whale", 1)).doesNotThrowAnyException();
    state.checkInvariants();
  }

  // ---- transfers -------------------------------------------------------------------------------

  @Test
  void movesAmountFromPayerToPayeeWhateverCaseTheClientUses() {
    accepted(open("Alice", 500));
    accepted(open("Bob", 100));

    TransferView transfer = accepted(pay("ALICE", "bob", 200));

    assertThat(transfer).isEqualTo(new TransferView(2, id(3), "Alice", "Bob", 200, now));
    assertThat(balance("Alice")).isEqualTo(300);
    assertThat(balance("Bob")).isEqualTo(300);
    assertThat(balance("issuer")).isEqualTo(-600);
  }

  @Test
  void rejectsTransferAboveBalance() {
    accepted(open("Alice", 500));
    accepted(open("Bob", 100));

    rejects(transferCommand("Alice", "Bob", 501), RejectCode.INSUFFICIENT_FUNDS);
    accepted(pay("Alice", "Bob", 500));
    assertThat(balance("Alice")).isZero();
    rejects(transferCommand("Alice", "Bob", 1), RejectCode.INSUFFICIENT_FUNDS);
  }

  @Test
  void rejectsSelfTransfer() {
    accepted(open("Alice", 500));

    rejects(transferCommand("Alice", "Alice", 1), RejectCode.SELF_TRANSFER);
    rejects(transferCommand("alice", "ALICE", 1), RejectCode.SELF_TRANSFER);
  }

  @Test
  void rejectsZeroAndNegativeAmounts() {
    accepted(open("Alice", 500));
    accepted(open("Bob", 100));

    for (long amount : new long[] {0, -1, Long.MIN_VALUE}) {
      rejects(transferCommand("Alice", "Bob", amount), RejectCode.AMOUNT_NOT_POSITIVE);
    }
  }

  @Test
  void rejectsAmountAboveConfiguredMaximum() {
    accepted(open("Alice", MAX_DEPOSIT));
    accepted(open("Bob", 100));

    rejects(transferCommand("Alice", "Bob", MAX_TRANSFER + 1), RejectCode.AMOUNT_ABOVE_MAXIMUM);
    rejects(transferCommand("Alice", "Bob", Long.MAX_VALUE), RejectCode.AMOUNT_ABOVE_MAXIMUM);
    accepted(pay("Alice", "Bob", MAX_TRANSFER));
  }

  @Test
  void rejectsUnknownPayerAndPayee() {
    accepted(open("Alice", 500));

    rejects(transferCommand("nobody", "Alice", 1), RejectCode.UNKNOWN_ACCOUNT);
    rejects(transferCommand("Alice", "nobody", 1), RejectCode.UNKNOWN_ACCOUNT);
    rejects(transferCommand(null, "Alice", 1), RejectCode.UNKNOWN_ACCOUNT);
    rejects(transferCommand("Alice", null, 1), RejectCode.UNKNOWN_ACCOUNT);
  }

  @Test
  void issuerCannotBePaidOrPay() {
    accepted(open("Alice", 500));

    rejects(transferCommand("Alice", "issuer", 1), RejectCode.UNKNOWN_ACCOUNT);
    rejects(transferCommand("issuer", "Alice", 1), RejectCode.UNKNOWN_ACCOUNT);
    rejects(transferCommand("ISSUER", "Alice", 1), RejectCode.UNKNOWN_ACCOUNT);
    rejects(openCommand("issuer", 10), RejectCode.NAME_TAKEN);
    rejects(openCommand("Issuer", 10), RejectCode.NAME_TAKEN);
  }

  // ---- ids and retries -------------------------------------------------------------------------

  @Test
  void returnsOriginalTransferWhenSameIdAndContentRepeat() {
    accepted(open("Alice", 500));
    accepted(open("Bob", 100));
    TransferView original =
        accepted(execute(Command.Transfer.unsigned(id(77), "Alice", "Bob", 50)));

    Outcome retry = execute(Command.Transfer.unsigned(id(77), "alice", "BOB", 50));

    assertThat(retry).isEqualTo(new Outcome.Accepted(original, true));
    assertThat(balance("Alice")).isEqualTo(450);
    assertThat(balance("Bob")).isEqualTo(150);
    assertThat(state.transferCount()).isEqualTo(3);
  }

  @Test
  void returnsOriginalDepositWhenSameOpenRepeats() {
    Command.OpenAccount open = new Command.OpenAccount(id(5), "Alice", ED25519, 500);
    TransferView original = accepted(execute(open));

    Outcome retry = execute(new Command.OpenAccount(id(5), "Alice", ED25519.clone(), 500));

    assertThat(retry).isEqualTo(new Outcome.Accepted(original, true));
    assertThat(balance("Alice")).isEqualTo(500);
    assertThat(state.accountCount()).isEqualTo(2);
  }

  @Test
  void rejectsSameIdWithDifferentContent() {
    accepted(execute(new Command.OpenAccount(id(5), "Alice", null, 500)));
    accepted(open("Bob", 100));
    accepted(open("Carol", 100));
    accepted(execute(Command.Transfer.unsigned(id(77), "Alice", "Bob", 50)));

    rejects(Command.Transfer.unsigned(id(77), "Alice", "Bob", 51), RejectCode.ID_REUSED);
    rejects(Command.Transfer.unsigned(id(77), "Alice", "Carol", 50), RejectCode.ID_REUSED);
    rejects(Command.Transfer.unsigned(id(77), "Bob", "Alice", 50), RejectCode.ID_REUSED);
    rejects(new Command.OpenAccount(id(77), "Dave", null, 50), RejectCode.ID_REUSED);
    rejects(Command.Transfer.unsigned(id(5), "Alice", "Bob", 500), RejectCode.ID_REUSED);
    rejects(new Command.OpenAccount(id(5), "Alice", null, 501), RejectCode.ID_REUSED);
    rejects(new Command.OpenAccount(id(5), "Alice", ED25519, 500), RejectCode.ID_REUSED);
    // The registered spelling is part of a registration's content.
    rejects(new Command.OpenAccount(id(5), "alice", null, 500), RejectCode.ID_REUSED);
  }

  @Test
  void rejectsUnnamedPayerBeforeLookingAtTheId() {
    accepted(open("Alice", 500));
    accepted(open("Bob", 100));
    accepted(execute(Command.Transfer.unsigned(id(77), "Alice", "Bob", 50)));

    rejects(Command.Transfer.unsigned(id(77), null, "Bob", 50), RejectCode.UNKNOWN_ACCOUNT);
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Test
  void historyIsMostRecentFirstAndPaged() {
    accepted(open("Alice", 1_000));
    accepted(open("Bob", 1_000));
    for (long amount = 1; amount <= 5; amount++) {
      accepted(pay("Alice", "Bob", amount));
    }

    assertThat(amounts(state.history("alice", 0, 3))).containsExactly(5L, 4L, 3L);
    assertThat(amounts(state.history("ALICE", 3, 3))).containsExactly(2L, 1L, 1_000L);
    assertThat(amounts(state.history("Bob", 4, 10))).containsExactly(1L, 1_000L);
    assertThat(state.history("Alice", 6, 3)).isEmpty();
    assertThat(state.history("Alice", Integer.MAX_VALUE, Integer.MAX_VALUE)).isEmpty();
    assertThat(state.history("Alice", -1, 3)).isEmpty();
    assertThat(state.history("Alice", 0, 0)).isEmpty();
    assertThat(state.history("nobody", 0, 3)).isEmpty();
    assertThat(state.history(null, 0, 3)).isEmpty();
    assertThat(state.history("issuer", 0, 10))
        .extracting(TransferView::payee)
        .containsExactly("Bob", "Alice");
  }

  @Test
  void historyPageIsCappedAtTheMaximum() {
    accepted(open("Alice", 10_000));
    accepted(open("Bob", 1));
    for (int i = 0; i < LedgerState.MAX_HISTORY_PAGE + 5; i++) {
      state.execute(transferCommand("Alice", "Bob", 1), now);
    }

    List<TransferView> page = state.history("Alice", 0, Integer.MAX_VALUE);
    assertThat(page).hasSize(LedgerState.MAX_HISTORY_PAGE);
    assertThat(page.get(0).sequence()).isEqualTo(state.transferCount() - 1);
  }

  @Test
  void findsTransferById() {
    accepted(open("Alice", 500));
    accepted(open("Bob", 100));
    TransferView transfer = accepted(execute(Command.Transfer.unsigned(id(77), "Alice", "Bob", 5)));

    assertThat(state.transfer(id(77))).contains(transfer);
    assertThat(state.transfer(id(1)).orElseThrow().payee()).isEqualTo("Alice");
    assertThat(state.transfer(id(78))).isEmpty();
    assertThat(state.transfer(new TransferId(77, 0))).isEmpty();
  }

  // ---- replay and invariants -------------------------------------------------------------------

  @Test
  void replayRefusesACommandThatWouldBreakAnInvariant() {
    state.replay(new Command.OpenAccount(id(1), "Alice", null, 500), now);
    state.replay(new Command.OpenAccount(id(2), "Bob", null, 100), now);
    opened.addAll(List.of("Alice", "Bob"));

    List<Command> broken =
        List.of(
            Command.Transfer.unsigned(id(3), "Alice", "Bob", 501),
            Command.Transfer.unsigned(id(3), "Alice", "Alice", 1),
            Command.Transfer.unsigned(id(3), "Alice", "nobody", 1),
            Command.Transfer.unsigned(id(3), "Alice", "Bob", 0),
            new Command.OpenAccount(id(3), "Carol", null, 0),
            new Command.OpenAccount(id(3), "alice", null, 1),
            new Command.OpenAccount(id(1), "Alice", null, 500));
    for (Command command : broken) {
      long transfers = state.transferCount();
      assertThatThrownBy(() -> state.replay(command, now))
          .as("%s", command)
          .isInstanceOf(IllegalStateException.class);
      assertThat(state.transferCount()).isEqualTo(transfers);
      assertInvariants();
    }
  }

  @Test
  void replayAppliesCommandsAcceptedUnderLooserRules() {
    state.replay(new Command.OpenAccount(id(1), "Alice", null, MAX_DEPOSIT * 3), now);
    state.replay(new Command.OpenAccount(id(2), "Bob", null, 1), now);
    state.replay(Command.Transfer.unsigned(id(3), "Alice", "Bob", MAX_TRANSFER + 1), now);
    opened.addAll(List.of("Alice", "Bob"));

    assertThat(balance("Bob")).isEqualTo(MAX_TRANSFER + 2);
    assertInvariants();
  }

  @Test
  void balancesSumToZeroAfterEveryStep() {
    open("Alice", 700);
    open("Bob", 300);
    pay("Alice", "Bob", 250);
    pay("Bob", "Alice", 10_000);
    open("Carol", 0);
    pay("Bob", "Carol", 550);
    open("Carol", 1);
    pay("Bob", "Carol", 550);

    assertThat(balance("Alice") + balance("Bob") + balance("Carol")).isEqualTo(1_001);
    assertThat(balance("issuer")).isEqualTo(-1_001);
  }

  // ---- batches ---------------------------------------------------------------------------------

  @Test
  void batchRejectsSignatureLongerThan1024BytesAsMalformed() {
    accepted(open("Alice", 500));
    accepted(open("Bob", 100));
    Batch batch = new Batch(null, state, LedgerOptions.DEFAULTS, now);

    Outcome longPayer =
        batch.execute(
            new Command.Transfer(id(10), "Alice", "Bob", 1, new byte[1025], new byte[64]));
    Outcome longPayee =
        batch.execute(
            new Command.Transfer(id(11), "Alice", "Bob", 1, new byte[64], new byte[1025]));

    assertThat(longPayer)
        .isInstanceOf(Outcome.Rejected.class)
        .extracting(o -> ((Outcome.Rejected) o).code())
        .isEqualTo(RejectCode.MALFORMED);
    assertThat(longPayee)
        .isInstanceOf(Outcome.Rejected.class)
        .extracting(o -> ((Outcome.Rejected) o).code())
        .isEqualTo(RejectCode.MALFORMED);
    assertThat(batch.hasRecords()).isFalse();
    assertThat(balance("Alice")).isEqualTo(500);

    accepted(
        batch.execute(
            new Command.Transfer(id(12), "Alice", "Bob", 1, new byte[1024], new byte[1024])));
    assertThat(batch.hasRecords()).isTrue();
  }

  @Test
  void batchRejectsRegistrationWithoutNameInsteadOfThrowing() {
    Batch batch = new Batch(null, state, LedgerOptions.DEFAULTS, now);

    assertThat(batch.execute(openCommand(null, 10))).isInstanceOf(Outcome.Rejected.class);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static TransferId id(long n) {
    return new TransferId(0x5eed, n);
  }

  private Command.OpenAccount openCommand(String name, long deposit) {
    return new Command.OpenAccount(id(nextId++), name, null, deposit);
  }

  private Command.Transfer transferCommand(String payer, String payee, long amount) {
    return Command.Transfer.unsigned(id(nextId++), payer, payee, amount);
  }

  private Outcome open(String name, long deposit) {
    return execute(openCommand(name, deposit));
  }

  private Outcome pay(String payer, String payee, long amount) {
    return execute(transferCommand(payer, payee, amount));
  }

  /** Executes at a new time and checks every invariant afterwards. */
  private Outcome execute(Command command) {
    Outcome outcome = state.execute(command, ++now);
    if (outcome instanceof Outcome.Accepted accepted
        && !accepted.duplicate()
        && command instanceof Command.OpenAccount open) {
      opened.add(open.name());
    }
    assertInvariants();
    return outcome;
  }

  /** Executes a command that must be rejected with {@code code} and leave everything as it was. */
  private void rejects(Command command, RejectCode code) {
    long transfers = state.transferCount();
    int accounts = state.accountCount();
    List<Long> balances = opened.stream().map(this::balance).toList();

    Outcome outcome = execute(command);

    assertThat(outcome).as("%s", command).isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Rejected) outcome).code()).as("%s", command).isEqualTo(code);
    assertThat(state.transferCount()).isEqualTo(transfers);
    assertThat(state.accountCount()).isEqualTo(accounts);
    assertThat(opened.stream().map(this::balance).toList()).isEqualTo(balances);
  }

  private static TransferView accepted(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    Outcome.Accepted accepted = (Outcome.Accepted) outcome;
    assertThat(accepted.duplicate()).isFalse();
    return accepted.transfer();
  }

  /** The sum over every account (the issuer and all opened ones) is zero; no user owes money. */
  private void assertInvariants() {
    state.checkInvariants();
    assertThat(state.accountCount()).isEqualTo(opened.size() + 1);
    long sum = balance(AccountName.ISSUER);
    for (String name : opened) {
      assertThat(balance(name)).as(name).isNotNegative();
      sum = Math.addExact(sum, balance(name));
    }
    assertThat(sum).isZero();
  }

  private long balance(String name) {
    return state.account(name).orElseThrow().balance();
  }

  private static List<Long> amounts(List<TransferView> page) {
    return page.stream().map(TransferView::amount).toList();
  }
}
