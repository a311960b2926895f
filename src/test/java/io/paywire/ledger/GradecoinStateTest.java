package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The Gradecoin rules of a ledger ({@link GradecoinState}): each check of a pool transaction and of
 * a block, in its order, with what an accepted one moves. Every rejection must leave balances,
 * transfers, pool and chain as they were.
 */
class GradecoinStateTest {

  /** 2 transactions a block, amounts 1 to 4, gas fee 2, block reward 3, traffic reward 1. */
  static final GradecoinRules GC = new GradecoinRules(2, 1, 4, 2, 3, 1);

  static final LedgerRules RULES = new LedgerRules(1_000_000, 1_000_000, 64);

  private static final List<byte[]> KEYS = new ArrayList<>();

  static {
    for (int i = 0; i < 4; i++) {
      KEYS.add(TestKeys.generateEc("secp256r1"));
    }
  }

  static final String ALICE = fingerprint("alice");
  static final String BOB = fingerprint("bob");
  static final String CAROL = fingerprint("carol");
  static final String POOR = fingerprint("poor");
  static final String BOT = fingerprint("bot");
  static final String NOBODY = fingerprint("nobody");

  private LedgerState state = new LedgerState(RULES, GC);
  private long nextId = 1;
  private long now = 1_700_000_000_000L;

  private void registerAll() {
    accepted(execute(new Command.OpenAccount(id(), ALICE, KEYS.get(0), 20)));
    accepted(execute(new Command.OpenAccount(id(), BOB, KEYS.get(1), 20)));
    accepted(execute(new Command.OpenAccount(id(), CAROL, KEYS.get(2), 20)));
    accepted(execute(new Command.OpenAccount(id(), POOR, KEYS.get(3), 1)));
    accepted(execute(new Command.OpenAccount(id(), BOT, null, 50)));
  }

  // ---- names -----------------------------------------------------------------------------------

  @Test
  void gradecoinLedgerTakesSixtyFourCharacterNamesWhereThePlainOneRefusesThem() {
    registerAll();
    assertThat(state.account(ALICE)).isPresent();

    LedgerState plain = new LedgerState(LedgerRules.DEFAULTS);
    Outcome outcome = plain.execute(new Command.OpenAccount(id(), ALICE, null, 5), now);
    assertThat(((Outcome.Rejected) outcome).code()).isEqualTo(RejectCode.BAD_NAME);
  }

  @Test
  void plainLedgerRefusesGradecoinCommands() {
    state = new LedgerState(LedgerRules.DEFAULTS);
    rejects(tx(ALICE, BOB, 1, txId(1)), RejectCode.NOT_GRADECOIN);
    rejects(block(txId(1), txId(2)), RejectCode.NOT_GRADECOIN);
    assertThat(state.gradecoin()).isEmpty();
  }

  // ---- pool transactions -----------------------------------------------------------------------

  @Test
  void acceptedTransactionChargesTheGasFeeAndEntersThePool() {
    registerAll();
    Command.PoolTransaction tx = tx(ALICE, BOB, 4, txId(1));

    TransferView row = accepted(execute(tx));

    assertThat(row.id()).isEqualTo(tx.id());
    assertThat(row.payer()).isEqualTo(ALICE);
    assertThat(row.payee()).isEqualTo(AccountName.ISSUER);
    assertThat(row.amount()).isEqualTo(2);
    assertThat(balance(ALICE)).isEqualTo(18);
    assertThat(balance(BOB)).isEqualTo(20);
    assertThat(gc().pool(0, 10))
        .containsExactly(
            new GradecoinView.PoolEntry(txId(1), ALICE, BOB, 4, "2022-04-11T20:45:00.120"));
  }

  @Test
  void aFreeGasFeeStillRecordsTheRequestIdAsAZeroRow() {
    state = new LedgerState(RULES, new GradecoinRules(2, 1, 4, 0, 3, 1));
    registerAll();
    Command.PoolTransaction free =
        new Command.PoolTransaction(id(), ALICE, BOB, 4, 0, txId(1), "2022-04-11T20:45:00");

    TransferView row = accepted(execute(free));

    assertThat(row.amount()).isZero();
    assertThat(balance(ALICE)).isEqualTo(20);
    assertThat(state.transfer(free.id())).isPresent();
    Outcome again = execute(free);
    assertThat(again).isEqualTo(new Outcome.Accepted(row, true));
  }

  @Test
  void replayOfTheSameTokenIdIsRecognisedAfterItsBlockToo() {
    registerAll();
    Command.PoolTransaction first = tx(ALICE, BOB, 1, txId(1));
    TransferView row = accepted(execute(first));
    accepted(execute(tx(CAROL, BOB, 1, txId(2))));
    accepted(execute(block(txId(1), txId(2))));
    long alice = balance(ALICE);

    Outcome again = execute(first);

    assertThat(again).isEqualTo(new Outcome.Accepted(row, true));
    assertThat(balance(ALICE)).isEqualTo(alice);
    assertThat(gc().poolSize()).isZero();
    Command.PoolTransaction sameIdOtherContent =
        new Command.PoolTransaction(first.id(), CAROL, BOB, 1, 2, txId(3), "2022-04-11T20:45:00");
    rejects(sameIdOtherContent, RejectCode.ID_REUSED);
  }

  @Test
  void transactionChecksComeInTheIssuesOrder() {
    registerAll();
    accepted(execute(tx(ALICE, BOB, 1, txId(1))));
    // Each command fails every check from its own onwards: only the first may answer.
    rejects(tx(NOBODY, NOBODY, 99, txId(1)), RejectCode.UNKNOWN_ACCOUNT);
    rejects(tx(BOT, NOBODY, 99, txId(1)), RejectCode.BOT_SOURCE);
    rejects(tx(POOR, NOBODY, 99, txId(1)), RejectCode.GAS_UNAFFORDABLE);
    rejects(tx(AccountName.ISSUER, BOB, 1, txId(9)), RejectCode.UNKNOWN_ACCOUNT);
    rejects(tx(ALICE, NOBODY, 99, txId(1)), RejectCode.UNKNOWN_TARGET);
    rejects(tx(ALICE, AccountName.ISSUER, 1, txId(9)), RejectCode.UNKNOWN_TARGET);
    rejects(tx(ALICE, BOB.toUpperCase(Locale.ROOT), 99, txId(1)), RejectCode.PENDING_PAIR);
    rejects(tx(CAROL, CAROL, 99, txId(1)), RejectCode.SELF_TRANSFER);
    rejects(tx(CAROL, BOB, 5, txId(1)), RejectCode.AMOUNT_OUT_OF_BOUNDS);
    rejects(tx(CAROL, BOB, 0, txId(1)), RejectCode.AMOUNT_OUT_OF_BOUNDS);
    spend(CAROL, 16); // 4 left: the fee leaves 2
    rejects(tx(CAROL, BOB, 3, txId(1)), RejectCode.INSUFFICIENT_FUNDS);
    rejects(tx(CAROL, BOB, 2, txId(1)), RejectCode.ID_REUSED);
    accepted(execute(tx(CAROL, BOB, 2, txId(2))));
    assertThat(balance(CAROL)).isEqualTo(2);
  }

  @Test
  void malformedIdsAndTimestampsAndAForeignGasFeeAreRefused() {
    registerAll();
    rejects(tx(ALICE, BOB, 1, "ABC"), RejectCode.MALFORMED);
    rejects(tx(ALICE, BOB, 1, txId(1).toUpperCase(Locale.ROOT)), RejectCode.MALFORMED);
    rejects(
        new Command.PoolTransaction(id(), ALICE, BOB, 1, 2, txId(1), "x".repeat(65)),
        RejectCode.MALFORMED);
    rejects(
        new Command.PoolTransaction(id(), ALICE, BOB, 1, 1, txId(1), "2022-04-11T20:45:00"),
        RejectCode.MALFORMED);
  }

  // ---- blocks ----------------------------------------------------------------------------------

  @Test
  void blockChecksComeInTheIssuesOrder() {
    registerAll();
    accepted(execute(tx(ALICE, BOB, 1, txId(1))));
    accepted(execute(tx(BOB, CAROL, 1, txId(2))));

    rejects(block(txId(9)), RejectCode.BLOCK_TOO_SMALL);
    rejects(block(txId(9), txId(9)), RejectCode.FIRST_NOT_PENDING);
    rejects(block("not-hex", txId(1)), RejectCode.FIRST_NOT_PENDING);
    rejects(block(txId(1), txId(1), txId(9)), RejectCode.DUPLICATE_TRANSACTION);
    rejects(block(txId(1), txId(9)), RejectCode.UNKNOWN_TRANSACTION);
    rejects(block(txId(1), "not-hex"), RejectCode.UNKNOWN_TRANSACTION);
    assertThat(gc().height()).isZero();
    assertThat(gc().lastBlock()).isEmpty();
  }

  @Test
  void blockMovesAmountsRewardsTheProposerAndRecordsTheChain() {
    registerAll();
    accepted(execute(tx(ALICE, BOB, 4, txId(1))));
    accepted(execute(tx(BOB, CAROL, 3, txId(2))));
    accepted(execute(tx(CAROL, ALICE, 1, txId(3))));
    // After the fees: Alice 18, Bob 18, Carol 18; the issuer holds -(20*3+1+50) + 6.
    long issuer = balance(AccountName.ISSUER);

    Command.MineBlock first = block(txId(1), txId(2));
    Outcome outcome = execute(first);

    accepted(outcome);
    // Alice: reward 3, pays 4 - 1. Bob: gets 4, pays 3 - 1. Carol: gets 3.
    assertThat(balance(ALICE)).isEqualTo(18 + 3 - 3);
    assertThat(balance(BOB)).isEqualTo(18 + 4 - 2);
    assertThat(balance(CAROL)).isEqualTo(18 + 3);
    assertThat(balance(AccountName.ISSUER)).isEqualTo(issuer - 3 - 1 - 1);
    assertThat(gc().pool(0, 10)).extracting(GradecoinView.PoolEntry::txId).containsExactly(txId(3));
    GradecoinView.Block one = gc().lastBlock().orElseThrow();
    assertThat(one)
        .isEqualTo(
            new GradecoinView.Block(
                List.of(txId(1), txId(2)), 7, "2022-04-11T21:00:00", hash(1), "", 1));
    assertThat(state.transfer(GradecoinState.rowId(first.id(), 0)).orElseThrow().amount())
        .isEqualTo(3);

    accepted(execute(tx(ALICE, BOB, 1, txId(4))));
    accepted(execute(new Command.MineBlock(id(), List.of(txId(3), txId(4)), 8, "t", hash(2))));
    GradecoinView.Block two = gc().lastBlock().orElseThrow();
    assertThat(two.previousHash()).isEqualTo(hash(1));
    assertThat(two.height()).isEqualTo(2);
    assertThat(gc().height()).isEqualTo(2);
  }

  @Test
  void trafficRewardAboveTheAmountIsPaidWhollyByTheIssuerAndTheSourcePaysNothing() {
    state = new LedgerState(RULES, new GradecoinRules(1, 1, 4, 0, 0, 3));
    registerAll();
    accepted(execute(new Command.PoolTransaction(id(), ALICE, BOB, 2, 0, txId(1), "t")));
    long transfers = state.transferCount();

    accepted(execute(block(txId(1))));

    assertThat(balance(ALICE)).isEqualTo(20);
    assertThat(balance(BOB)).isEqualTo(22);
    // No reward row (0), no row of the source (0): one row from the issuer.
    assertThat(state.transferCount()).isEqualTo(transfers + 1);
  }

  @Test
  void aPaymentToABotMakesTheBotPayBackAsANewPendingTransaction() {
    registerAll();
    accepted(execute(tx(ALICE, BOT, 4, txId(1))));
    accepted(execute(tx(BOB, CAROL, 1, txId(2))));
    now = 1_649_710_800_120L - 1; // execute adds 1: 2022-04-11T21:00:00.120 UTC

    accepted(execute(block(txId(1), txId(2))));

    String replyId = sha256Hex(BOT + ALICE + "2022-04-11 21:00:00.120000000 UTC" + "#1.0");
    assertThat(gc().pool(0, 10))
        .containsExactly(
            new GradecoinView.PoolEntry(replyId, BOT, ALICE, 4, "2022-04-11T21:00:00.120"));
    assertThat(balance(BOT)).isEqualTo(54);

    // The bot's reply is mined like any other transaction: the bot pays 4 - 1.
    accepted(execute(tx(CAROL, BOB, 1, txId(3))));
    accepted(execute(block(replyId, txId(3))));
    assertThat(balance(BOT)).isEqualTo(54 + 3 - 3);
  }

  @Test
  void aBlockWhoseSourcesCannotPayAnyMoreIsRefusedWhole() {
    registerAll();
    // Alice's three payments each passed alone (balance after fee >= amount), but not together.
    accepted(execute(tx(ALICE, BOB, 4, txId(1))));
    accepted(execute(tx(ALICE, CAROL, 4, txId(2))));
    accepted(execute(tx(ALICE, BOT, 4, txId(3))));
    accepted(execute(tx(BOB, CAROL, 4, txId(4))));
    spend(ALICE, 9); // 5 left, and the reward does not go to her: Bob proposes

    Outcome outcome = execute(block(txId(4), txId(1), txId(2), txId(3)));

    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    Outcome.Rejected rejected = (Outcome.Rejected) outcome;
    assertThat(rejected.code()).isEqualTo(RejectCode.INSUFFICIENT_FUNDS);
    assertThat(rejected.reason()).contains(txId(2)).contains(ALICE);
    assertThat(gc().poolSize()).isEqualTo(4);
    assertThat(gc().lastBlock()).isEmpty();
    assertThat(balance(ALICE)).isEqualTo(5);
  }

  @Test
  void ofTwoRacingProposalsOfTheSameBlockExactlyOneIsAccepted() {
    registerAll();
    accepted(execute(tx(ALICE, BOB, 1, txId(1))));
    accepted(execute(tx(BOB, CAROL, 1, txId(2))));
    accepted(execute(tx(CAROL, ALICE, 1, txId(3))));
    Command.MineBlock proposal = block(txId(1), txId(2));
    Command.MineBlock rival =
        new Command.MineBlock(id(), List.of(txId(3), txId(2)), 9, "t", hash(9));

    accepted(execute(proposal));

    rejects(proposal, RejectCode.FIRST_NOT_PENDING);
    rejects(rival, RejectCode.UNKNOWN_TRANSACTION);
    assertThat(gc().height()).isEqualTo(1);
  }

  @Test
  void rollingBackABatchRestoresPoolOrderAndChain() {
    registerAll();
    accepted(execute(tx(ALICE, BOB, 1, txId(1))));
    accepted(execute(tx(BOB, CAROL, 1, txId(2))));
    accepted(execute(tx(CAROL, ALICE, 1, txId(3))));
    accepted(execute(tx(ALICE, BOT, 1, txId(4))));
    Picture before = picture();
    LedgerState.Mark mark = state.mark();

    accepted(execute(block(txId(2), txId(4))));
    accepted(execute(tx(BOB, ALICE, 1, txId(5))));
    state.rollBack(mark);

    assertThat(picture()).isEqualTo(before);
    assertThat(gc().lastBlock()).isEmpty();
    state.checkInvariants();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private GradecoinView gc() {
    return state.gradecoin().orElseThrow();
  }

  private TransferId id() {
    return new TransferId(0x6c, nextId++);
  }

  static String txId(int n) {
    return sha256Hex("tx" + n);
  }

  static String hash(int n) {
    return sha256Hex("block" + n);
  }

  static String fingerprint(String who) {
    return sha256Hex(who);
  }

  static String sha256Hex(String text) {
    return HexFormat.of()
        .formatHex(Fingerprint.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private Command.PoolTransaction tx(String source, String target, long amount, String txId) {
    return new Command.PoolTransaction(
        id(), source, target, amount, GC.txGasFee(), txId, "2022-04-11T20:45:00.120");
  }

  private Command.MineBlock block(String... txIds) {
    return new Command.MineBlock(id(), List.of(txIds), 7, "2022-04-11T21:00:00", hash(1));
  }

  /** Moves {@code amount} away from {@code name} with a plain transfer to Bob. */
  private void spend(String name, long amount) {
    accepted(execute(Command.Transfer.unsigned(id(), name, BOB, amount)));
  }

  private Outcome execute(Command command) {
    Outcome outcome = state.execute(command, ++now);
    state.checkInvariants();
    return outcome;
  }

  private record Picture(
      long transfers, List<Long> balances, List<GradecoinView.PoolEntry> pool, long height) {}

  private Picture picture() {
    List<Long> balances = new ArrayList<>();
    for (int i = 0; i < state.accountCount(); i++) {
      balances.add(state.accounts.get(i).balance);
    }
    return state.gradecoin().isEmpty()
        ? new Picture(state.transferCount(), balances, List.of(), 0)
        : new Picture(state.transferCount(), balances, gc().pool(0, 1000), gc().height());
  }

  private void rejects(Command command, RejectCode code) {
    Picture before = picture();
    Outcome outcome = execute(command);
    assertThat(outcome).as("%s", command).isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Rejected) outcome).code()).as("%s", command).isEqualTo(code);
    assertThat(picture()).isEqualTo(before);
  }

  private static TransferView accepted(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    Outcome.Accepted accepted = (Outcome.Accepted) outcome;
    assertThat(accepted.duplicate()).isFalse();
    return accepted.transfer();
  }

  private long balance(String name) {
    return state.balance(name).orElseThrow();
  }
}
