package io.paywire.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A payment's signatures are kept in the journal, so it can be proven later. */
class JournalSignaturesTest {

  @TempDir Path data;

  @Test
  void bothSignaturesOfATransferAreReadBackFromTheJournal() throws Exception {
    byte[] payerSignature = {1, 2, 3, 4};
    byte[] payeeSignature = new byte[RecordCodec.MAX_SIGNATURE_BYTES];
    payeeSignature[0] = 9;
    TransferId id = new TransferId(7, 8);
    try (Ledger ledger = Ledger.open(data, LedgerOptions.DEFAULTS)) {
      Batch batch = ledger.newBatch(1_000);
      batch.execute(new Command.OpenAccount(new TransferId(0, 1), "Joanne", null, 2_000));
      batch.execute(new Command.OpenAccount(new TransferId(0, 2), "Lily", null, 10));
      batch.execute(
          new Command.Transfer(id, "joanne", "LILY", 1_000, payerSignature, payeeSignature));
      ledger.write(batch);
    }

    List<Command> journaled = new ArrayList<>();
    JournalReader.read(
        FileStorage.INSTANCE,
        Ledger.journalDirectory(data),
        JournalPosition.START,
        (command, time) -> journaled.add(command));

    Command.Transfer transfer = (Command.Transfer) journaled.get(2);
    assertThat(transfer.id()).isEqualTo(id);
    assertThat(transfer.payer()).isEqualTo("Joanne"); // as registered, whatever the request said
    assertThat(transfer.payee()).isEqualTo("Lily");
    assertThat(transfer.payerSignature()).isEqualTo(payerSignature);
    assertThat(transfer.payeeSignature()).isEqualTo(payeeSignature);
  }
}
