package io.paywire.ledger;

/**
 * What the ledger can be asked to change. Commands are values: the same commands, applied in the
 * same order with the same batch times, always give the same state and the same journal bytes.
 */
public sealed interface Command permits Command.OpenAccount, Command.Transfer {

  /** Shared by every command without a key or signature; never written to. */
  byte[] NONE = new byte[0];

  /** The id of the transfer this command creates (a registration's deposit is a transfer too). */
  TransferId id();

  /**
   * Opens an account funded by a deposit from the issuer.
   *
   * @param publicKey X.509 SubjectPublicKeyInfo (DER), or an empty array for a keyless account
   */
  record OpenAccount(TransferId id, String name, byte[] publicKey, long deposit)
      implements Command {
    public OpenAccount {
      publicKey = publicKey == null || publicKey.length == 0 ? NONE : publicKey;
    }
  }

  /**
   * Moves {@code amount} minor units from payer to payee.
   *
   * @param payerSignature and {@code payeeSignature}: kept in the journal as proof; empty when the
   *     entry point authenticated the payer another way
   */
  record Transfer(
      TransferId id,
      String payer,
      String payee,
      long amount,
      byte[] payerSignature,
      byte[] payeeSignature)
      implements Command {
    public Transfer {
      payerSignature = payerSignature == null || payerSignature.length == 0 ? NONE : payerSignature;
      payeeSignature = payeeSignature == null || payeeSignature.length == 0 ? NONE : payeeSignature;
    }

    public static Transfer unsigned(TransferId id, String payer, String payee, long amount) {
      return new Transfer(id, payer, payee, amount, null, null);
    }
  }
}
