package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers get a read-only view of the ledger: it shows every durable change, and nothing outside
 * this package can reach the engine behind it to change state around the journal.
 */
class LedgerViewTest {

  @TempDir Path dir;

  @Test
  void viewShowsEachWrittenBatch() throws IOException {
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.DEFAULTS)) {
      LedgerView view = ledger.state();
      assertThat(view.account("alice")).isEmpty();

      Batch first = ledger.newBatch(1_000);
      first.execute(new Command.OpenAccount(new TransferId(0, 1), "alice", null, 500));
      first.execute(new Command.OpenAccount(new TransferId(0, 2), "bob", null, 100));
      ledger.write(first);
      assertThat(view.balance("alice")).hasValue(500);
      assertThat(view.accountCount()).isEqualTo(3); // the issuer too

      Batch second = ledger.newBatch(2_000);
      second.execute(Command.Transfer.unsigned(new TransferId(0, 3), "alice", "bob", 120));
      ledger.write(second);
      assertThat(view.balance("alice")).hasValue(380);
      assertThat(view.account("BOB").orElseThrow().balance()).isEqualTo(220);
      assertThat(view.transfer(new TransferId(0, 3)).orElseThrow().amount()).isEqualTo(120);
      assertThat(view.history("bob", 0, 10)).hasSize(2);
      assertThat(view.transferCount()).isEqualTo(3);
      view.checkInvariants();
    }
  }

  @Test
  void viewTypeOffersReadsOnly() {
    Set<String> methods =
        Arrays.stream(LedgerView.class.getMethods())
            .map(Method::getName)
            .collect(Collectors.toSet());
    assertThat(methods)
        .containsExactlyInAnyOrder(
            "account",
            "accountByFingerprint",
            "balance",
            "transfer",
            "history",
            "accountCount",
            "transferCount",
            "checkInvariants",
            "gradecoin");
  }

  @Test
  void engineIsNotReachableFromOutsideThePackage() throws NoSuchMethodException {
    assertThat(Modifier.isPublic(LedgerState.class.getModifiers())).isFalse();
    assertThat(Ledger.class.getMethod("state").getReturnType()).isEqualTo(LedgerView.class);
    assertThat(InMemoryLedger.class.getMethod("view").getReturnType()).isEqualTo(LedgerView.class);
  }
}
