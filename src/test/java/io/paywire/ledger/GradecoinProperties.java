package io.paywire.ledger;

import static io.paywire.ledger.GradecoinStateTest.GC;
import static io.paywire.ledger.GradecoinStateTest.RULES;
import static io.paywire.ledger.GradecoinStateTest.fingerprint;
import static io.paywire.ledger.GradecoinStateTest.hash;
import static io.paywire.ledger.GradecoinStateTest.txId;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.TestKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of Gradecoin transactions and blocks: every invariant holds after each command
 * (sum zero, no negative balance, pool indexes agree), and replaying the journaled records alone,
 * with no Gradecoin rules at hand, rebuilds the same balances, pool order and chain.
 */
class GradecoinProperties {

  private static final List<String> PEOPLE =
      List.of(fingerprint("p0"), fingerprint("p1"), fingerprint("p2"), fingerprint("bot"));
  private static final List<byte[]> KEYS =
      List.of(
          TestKeys.generateEc("secp256r1"),
          TestKeys.generateEc("secp256r1"),
          TestKeys.generateEc("secp256r1"));

  /** A transaction between two of PEOPLE (or nobody), or a block of a slice of the pool. */
  record Step(boolean block, int source, int target, int amount, int tx, int offset, int count) {}

  @Property(tries = 150)
  void invariantsHoldAndReplayRebuildsTheSameState(@ForAll("steps") List<Step> steps) {
    LedgerState state = new LedgerState(RULES, GC);
    LedgerOptions options = LedgerOptions.DEFAULTS.withGradecoin(GC);
    List<ByteBuffer> journal = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    long time = 1_649_710_800_000L;
    long id = 1;
    List<Command> opens = new ArrayList<>();
    for (int i = 0; i < PEOPLE.size(); i++) {
      byte[] key = i < KEYS.size() ? KEYS.get(i) : null;
      opens.add(new Command.OpenAccount(new TransferId(1, id++), PEOPLE.get(i), key, 10));
    }
    journal.add(run(state, options, time, opens));
    times.add(time);
    for (Step step : steps) {
      time += 7;
      Command command = command(step, state, new TransferId(2, id++));
      journal.add(run(state, options, time, List.of(command)));
      times.add(time);
      state.checkInvariants();
    }

    LedgerState replayed = new LedgerState(RULES);
    for (int b = 0; b < journal.size(); b++) {
      ByteBuffer records = journal.get(b);
      long at = times.get(b);
      while (records.hasRemaining()) {
        int length = records.getInt();
        records.getInt(); // CRC: checked by the journal's own tests
        ByteBuffer payload = records.slice(records.position(), length);
        records.position(records.position() + length);
        replayed.replay(RecordCodec.decode(payload), at);
      }
    }
    replayed.checkInvariants();
    assertThat(picture(replayed)).isEqualTo(picture(state));
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("PoolTransaction").count(n -> n > 50);
              coverage.check("MineBlock").count(n -> n > 10);
            });
  }

  private static ByteBuffer run(
      LedgerState state, LedgerOptions options, long time, List<Command> commands) {
    Batch batch = new Batch(null, state, options, time);
    for (Command command : commands) {
      Outcome outcome = batch.execute(command);
      Statistics.label("outcome")
          .collect(
              outcome instanceof Outcome.Rejected r
                  ? r.code().name()
                  : command.getClass().getSimpleName());
    }
    return batch.encodedRecords();
  }

  private static Command command(Step step, LedgerState state, TransferId id) {
    if (!step.block()) {
      return new Command.PoolTransaction(
          id,
          person(step.source()),
          person(step.target()),
          step.amount(),
          GC.txGasFee(),
          txId(step.tx()),
          "2022-04-11T20:45:00");
    }
    List<String> ids = new ArrayList<>();
    for (GradecoinView.PoolEntry entry :
        state.gradecoin().orElseThrow().pool(step.offset(), step.count())) {
      ids.add(entry.txId());
    }
    if (step.amount() == 0 && !ids.isEmpty()) {
      ids.add(ids.get(0)); // now and then a duplicate
    }
    return new Command.MineBlock(id, ids, step.tx(), "2022-04-11T21:00:00", hash(step.tx()));
  }

  private static String person(int index) {
    return index < PEOPLE.size() ? PEOPLE.get(index) : fingerprint("nobody");
  }

  record Picture(
      List<Long> balances,
      List<GradecoinView.PoolEntry> pool,
      GradecoinView.Block lastBlock,
      long transfers) {}

  private static Picture picture(LedgerState state) {
    List<Long> balances = new ArrayList<>();
    for (Account account : state.accounts) {
      balances.add(account.balance);
    }
    // A replay without rules has no Gradecoin state before its first Gradecoin record.
    return state
        .gradecoin()
        .map(
            gc ->
                new Picture(
                    balances,
                    gc.pool(0, GradecoinView.MAX_PAGE),
                    gc.lastBlock().orElse(null),
                    state.transferCount()))
        .orElseGet(() -> new Picture(balances, List.of(), null, state.transferCount()));
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> who = Arbitraries.integers().between(0, PEOPLE.size());
    return Combinators.combine(
            Arbitraries.integers().between(0, 3).map(n -> n == 0),
            who,
            who,
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(1, 4))
        .as(Step::new)
        .list()
        .ofMaxSize(60);
  }
}
