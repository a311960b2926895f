package io.paywire.ledger;

import java.util.List;

/**
 * What the ledger can be asked to change. Commands are values: the same commands, applied in the
 * same order with the same batch times, always give the same state and the same journal bytes.
 */
public sealed interface Command
    permits Command.OpenAccount, Command.Transfer, Command.PoolTransaction, Command.MineBlock {

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

  /**
   * Gradecoin: puts a transaction into the pending pool, charging its gas fee from the source to
   * the issuer (a transfer row with this command's id, of 0 when the fee is 0: the id index then
   * keeps the request's id forever, so a replay of it is recognised).
   *
   * @param id the request's id (the entry point's hash of the signed token)
   * @param gasFee must equal the ledger's {@link GradecoinRules#txGasFee} when first executed
   * @param txId the pool key: 64 lowercase hex characters
   * @param timestamp the transaction's timestamp as the wire codec re-wrote it, 1 to {@value
   *     #MAX_TIMESTAMP_LENGTH} ASCII characters
   */
  record PoolTransaction(
      TransferId id,
      String source,
      String target,
      long amount,
      long gasFee,
      String txId,
      String timestamp)
      implements Command {}

  /** The longest timestamp text a Gradecoin command may carry. */
  int MAX_TIMESTAMP_LENGTH = 64;

  /**
   * Gradecoin: mines a block of pending transactions. Its effects are transfer rows whose ids are
   * derived from this command's id ({@link GradecoinState#rowId}); the command's own id is not
   * recorded.
   *
   * @param txIds the pending transactions, the first one's source being the proposer
   * @param hash the block's hash, 64 lowercase hex characters (the entry point checked it)
   * @param blockReward and {@code trafficReward}: -1 in a new command (the ledger's rules decide);
   *     the journaled command carries the values applied, so replay never depends on the rules
   */
  record MineBlock(
      TransferId id,
      List<String> txIds,
      long nonce,
      String timestamp,
      String hash,
      long blockReward,
      long trafficReward)
      implements Command {
    public MineBlock {
      txIds = txIds == null ? null : List.copyOf(txIds);
    }

    /** A new block, to be mined under the ledger's rules. */
    public MineBlock(TransferId id, List<String> txIds, long nonce, String timestamp, String hash) {
      this(id, txIds, nonce, timestamp, hash, -1, -1);
    }
  }
}
