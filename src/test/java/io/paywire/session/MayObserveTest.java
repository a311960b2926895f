package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerViews;
import io.paywire.ledger.TransferId;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Who may hear of a payment as it is applied: its payer and payee, whatever the case. */
class MayObserveTest {

  private static final LedgerViews.Transfer ALICE_TO_BOB =
      new LedgerViews.Transfer(1, TransferId.random(new SecureRandom()), "Alice", "bob", 10, 0);

  @Test
  void thePayerAndThePayeeMayObserveAPaymentWhateverTheCase() {
    assertThat(Session.mayObserve("Alice", ALICE_TO_BOB)).isTrue();
    assertThat(Session.mayObserve("alice", ALICE_TO_BOB)).isTrue();
    assertThat(Session.mayObserve("BOB", ALICE_TO_BOB)).isTrue();
  }

  @Test
  void aThirdAccountMayNot() {
    assertThat(Session.mayObserve("carol", ALICE_TO_BOB)).isFalse();
    assertThat(Session.mayObserve("alice2", ALICE_TO_BOB)).isFalse();
  }
}
