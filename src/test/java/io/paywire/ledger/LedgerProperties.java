package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random command sequences against {@link LedgerState} and against a model written here from the
 * rules alone: a map of lowercase name to balance and a map of id to what it moved. Names come from
 * a small pool with case variants and ids from a small pool, so that clashes, retries and id reuse
 * are frequent.
 */
class LedgerProperties {

  private static final LedgerRules RULES = new LedgerRules(1_000, 400);
  private static final byte[] GOOD_KEY = ed25519();
  private static final byte[] BAD_KEY = {0x30, 0x03, 1, 2, 3};
  private static final long START_MILLIS = 1_700_000_000_000L;

  @Property(tries = 200)
  void ledgerAgreesWithTheModelAfterEveryCommand(@ForAll("commands") List<Command> commands) {
    LedgerState state = new LedgerState(RULES);
    Model model = new Model();
    long time = START_MILLIS;
    for (Command command : commands) {
      time++;
      String expected = model.execute(command);
      Outcome outcome = state.execute(command, time);
      Statistics.label("outcome").collect(expected);

      assertThat(kind(outcome)).as("%s", command).isEqualTo(expected);
      if (outcome instanceof Outcome.Accepted accepted) {
        Model.Moved moved = model.transfers.get(command.id());
        TransferView view = accepted.transfer();
        assertThat(List.of(lower(view.payer()), lower(view.payee()), view.amount()))
            .isEqualTo(List.of(moved.payer(), moved.payee(), moved.amount()));
        assertThat(state.execute(command, time + 1))
            .as("retry of %s", command)
            .isEqualTo(new Outcome.Accepted(view, true));
      }
      assertAgree(state, model);
    }
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("accepted").count(n -> n > 500);
              coverage.check("duplicate").count(n -> n > 50);
              for (RejectCode code : RejectCode.values()) {
                if (code != RejectCode.MALFORMED
                    && code != RejectCode.SUPPLY_EXHAUSTED
                    && code != RejectCode.LEDGER_FULL
                    // Gradecoin's codes, NOT_GRADECOIN on: no command here; GradecoinStateTest
                    && code.compareTo(RejectCode.NOT_GRADECOIN) < 0) {
                  coverage.check(code.name()).count(n -> n > 20);
                }
              }
            });
  }

  @Property(tries = 200)
  void replayingTheAcceptedCommandsRebuildsTheSameState(
      @ForAll("commands") List<Command> commands) {
    LedgerState original = new LedgerState(RULES);
    List<Command> journal = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    long time = START_MILLIS;
    for (Command command : commands) {
      time += 7;
      if (original.execute(command, time) instanceof Outcome.Accepted accepted
          && !accepted.duplicate()) {
        journal.add(command);
        times.add(time);
      }
    }

    LedgerState replayed = new LedgerState(RULES);
    for (int i = 0; i < journal.size(); i++) {
      replayed.replay(journal.get(i), times.get(i));
    }

    replayed.checkInvariants();
    assertThat(replayed.accountCount()).isEqualTo(original.accountCount());
    assertThat(replayed.transferCount()).isEqualTo(original.transferCount());
    List<String> names = new ArrayList<>(List.of(AccountName.ISSUER));
    journal.stream()
        .filter(c -> c instanceof Command.OpenAccount)
        .forEach(c -> names.add(((Command.OpenAccount) c).name()));
    for (String name : names) {
      AccountView expected = original.account(name).orElseThrow();
      AccountView actual = replayed.account(name).orElseThrow();
      assertThat(
              List.of(
                  actual.number(),
                  actual.name(),
                  actual.fingerprint(),
                  actual.balance(),
                  actual.createdMillis(),
                  actual.transferCount()))
          .isEqualTo(
              List.of(
                  expected.number(),
                  expected.name(),
                  expected.fingerprint(),
                  expected.balance(),
                  expected.createdMillis(),
                  expected.transferCount()));
      assertThat(actual.publicKey()).isEqualTo(expected.publicKey());
      assertThat(replayed.history(name, 0, LedgerState.MAX_HISTORY_PAGE))
          .isEqualTo(original.history(name, 0, LedgerState.MAX_HISTORY_PAGE));
    }
    for (Command command : journal) {
      assertThat(replayed.transfer(command.id())).isEqualTo(original.transfer(command.id()));
    }
  }

  // ---- generators ------------------------------------------------------------------------------

  /** A step either sends a fresh command or, if {@code retryOf > 0}, re-sends an earlier one. */
  record Step(Command fresh, int retryOf) {}

  @Provide
  Arbitrary<List<Command>> commands() {
    Arbitrary<Command> fresh =
        Arbitraries.frequencyOf(Tuple.of(1, opens()), Tuple.of(3, transfers()));
    Arbitrary<Integer> retryOf =
        Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 20)));
    return Combinators.combine(fresh, retryOf)
        .as(Step::new)
        .list()
        .ofMaxSize(200)
        .withSizeDistribution(RandomDistribution.uniform())
        .map(LedgerProperties::resolve);
  }

  /** Turns steps into commands; a retried transfer names its payer in upper case. */
  private static List<Command> resolve(List<Step> steps) {
    List<Command> commands = new ArrayList<>();
    for (Step step : steps) {
      if (step.retryOf() == 0 || step.retryOf() > commands.size()) {
        commands.add(step.fresh());
      } else if (commands.get(commands.size() - step.retryOf()) instanceof Command.Transfer t) {
        commands.add(Command.Transfer.unsigned(t.id(), upper(t.payer()), t.payee(), t.amount()));
      } else {
        commands.add(commands.get(commands.size() - step.retryOf()));
      }
    }
    return commands;
  }

  private Arbitrary<Command> opens() {
    Arbitrary<String> names =
        Arbitraries.frequencyOf(
            Tuple.of(
                4,
                Arbitraries.of(
                    "alice", "Alice", "ALICE", "bob", "Bob", "carol", "dave.d", "e_1-x", "karl")),
            Tuple.of(
                1,
                Arbitraries.of(
                    "issuer",
                    "Issuer",
                    "",
                    "Jöanne",
                    "a b",
                    "\u212Aarl",
                    "abcdefghijklmnopqrstuvwxyz0123456")));
    Arbitrary<byte[]> keys =
        Arbitraries.frequency(
            Tuple.of(8, new byte[0]), Tuple.of(3, GOOD_KEY), Tuple.of(1, BAD_KEY));
    Arbitrary<Long> deposits =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.longs().between(1, RULES.maxDepositMinor())),
            Tuple.of(
                1,
                Arbitraries.of(
                    0L, -5L, RULES.maxDepositMinor() + 1, Long.MAX_VALUE, Long.MIN_VALUE)));
    return Combinators.combine(ids(), names, keys, deposits).as(Command.OpenAccount::new);
  }

  private Arbitrary<Command> transfers() {
    // Valid names and case variants; now and then a never-opened one, the issuer, or a look-alike
    // of "karl" spelt with a Kelvin sign.
    Arbitrary<String> names =
        Arbitraries.frequencyOf(
            Tuple.of(
                6,
                Arbitraries.of(
                    "alice", "ALICE", "Bob", "bob", "carol", "Carol", "dave.d", "e_1-x", "karl")),
            Tuple.of(1, Arbitraries.of("\u212Aarl", "zed", "issuer", "")));
    Arbitrary<Long> amounts =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.longs().between(1, 300)),
            Tuple.of(
                1,
                Arbitraries.of(
                    0L,
                    -1L,
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    RULES.maxTransferMinor(),
                    RULES.maxTransferMinor() + 1)));
    return Combinators.combine(ids(), names, names, amounts).as(Command.Transfer::unsigned);
  }

  /** Mostly fresh ids, often one of a handful, so that retries and reuse both happen. */
  private Arbitrary<TransferId> ids() {
    return Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.longs().between(0, 9)),
            Tuple.of(3, Arbitraries.longs().between(10, 1_000_000)))
        .map(n -> new TransferId(n % 3, n));
  }

  // ---- the model -------------------------------------------------------------------------------

  /** The ledger's rules, written out plainly in the order the engine checks them. */
  private static final class Model {
    record Moved(
        boolean open, String payer, String payee, long amount, String spelling, byte[] key) {}

    final Map<String, Long> balances = new HashMap<>(Map.of(AccountName.ISSUER, 0L));
    final Map<TransferId, Moved> transfers = new HashMap<>();

    /** One key, one account: the pool has a single valid key. */
    boolean goodKeyTaken;

    String execute(Command command) {
      Moved earlier = transfers.get(command.id());
      if (earlier != null) {
        return isRetry(earlier, command) ? "duplicate" : RejectCode.ID_REUSED.name();
      }
      return command instanceof Command.OpenAccount open
          ? open(open)
          : transfer((Command.Transfer) command);
    }

    private boolean isRetry(Moved earlier, Command command) {
      if (command instanceof Command.OpenAccount open) {
        return earlier.open()
            && earlier.spelling().equals(open.name())
            && earlier.amount() == open.deposit()
            && Arrays.equals(earlier.key(), open.publicKey());
      }
      Command.Transfer transfer = (Command.Transfer) command;
      return !earlier.open()
          && earlier.payer().equals(lower(transfer.payer()))
          && earlier.payee().equals(lower(transfer.payee()))
          && earlier.amount() == transfer.amount();
    }

    private String open(Command.OpenAccount open) {
      if (!open.name().matches("[A-Za-z0-9_.-]{1,32}")) {
        return RejectCode.BAD_NAME.name();
      }
      String name = lower(open.name());
      if (balances.containsKey(name)) {
        return RejectCode.NAME_TAKEN.name();
      }
      if (open.deposit() < 1 || open.deposit() > RULES.maxDepositMinor()) {
        return RejectCode.DEPOSIT_OUT_OF_RANGE.name();
      }
      if (open.publicKey().length > 0 && !Arrays.equals(open.publicKey(), GOOD_KEY)) {
        return RejectCode.BAD_PUBLIC_KEY.name();
      }
      if (open.publicKey().length > 0 && goodKeyTaken) {
        return RejectCode.KEY_TAKEN.name();
      }
      goodKeyTaken |= open.publicKey().length > 0;
      balances.put(name, open.deposit());
      balances.merge(AccountName.ISSUER, -open.deposit(), Long::sum);
      transfers.put(
          open.id(),
          new Moved(
              true,
              AccountName.ISSUER,
              name,
              open.deposit(),
              open.name(),
              open.publicKey().clone()));
      return "accepted";
    }

    private String transfer(Command.Transfer transfer) {
      String payer = lower(transfer.payer());
      String payee = lower(transfer.payee());
      if (transfer.amount() <= 0) {
        return RejectCode.AMOUNT_NOT_POSITIVE.name();
      }
      if (transfer.amount() > RULES.maxTransferMinor()) {
        return RejectCode.AMOUNT_ABOVE_MAXIMUM.name();
      }
      if (!isUser(payer) || !isUser(payee)) {
        return RejectCode.UNKNOWN_ACCOUNT.name();
      }
      if (payer.equals(payee)) {
        return RejectCode.SELF_TRANSFER.name();
      }
      if (balances.get(payer) < transfer.amount()) {
        return RejectCode.INSUFFICIENT_FUNDS.name();
      }
      balances.merge(payer, -transfer.amount(), Long::sum);
      balances.merge(payee, transfer.amount(), Long::sum);
      transfers.put(transfer.id(), new Moved(false, payer, payee, transfer.amount(), null, null));
      return "accepted";
    }

    private boolean isUser(String name) {
      return balances.containsKey(name) && !name.equals(AccountName.ISSUER);
    }
  }

  /** Only ASCII letters fold: a Kelvin sign must not become a 'k'. */
  private static String lower(String name) {
    StringBuilder lower = new StringBuilder();
    name.chars().forEach(c -> lower.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c)));
    return lower.toString();
  }

  private static String upper(String name) {
    StringBuilder upper = new StringBuilder();
    name.chars().forEach(c -> upper.append((char) (c >= 'a' && c <= 'z' ? c - 32 : c)));
    return upper.toString();
  }

  private static String kind(Outcome outcome) {
    if (outcome instanceof Outcome.Rejected rejected) {
      return rejected.code().name();
    }
    return ((Outcome.Accepted) outcome).duplicate() ? "duplicate" : "accepted";
  }

  private static void assertAgree(LedgerState state, Model model) {
    state.checkInvariants();
    assertThat(state.accountCount()).isEqualTo(model.balances.size());
    assertThat(state.transferCount()).isEqualTo(model.transfers.size());
    long sum = 0;
    for (Map.Entry<String, Long> expected : model.balances.entrySet()) {
      long balance = state.account(expected.getKey()).orElseThrow().balance();
      assertThat(balance).as(expected.getKey()).isEqualTo(expected.getValue());
      if (!expected.getKey().equals(AccountName.ISSUER)) {
        assertThat(balance).as(expected.getKey()).isNotNegative();
      }
      sum = Math.addExact(sum, balance);
    }
    assertThat(sum).isZero();
  }

  private static byte[] ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
