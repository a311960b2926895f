package io.paywire.protocol;

import io.paywire.crypto.Signatures;
import io.paywire.ledger.TransferId;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;

/**
 * The exact texts a payment's two signatures cover, and the peer message that carries the first one
 * from payer to payee. Both ends must build them byte for byte alike, so they live here once.
 *
 * <pre>
 * payer signs:  payer#amount#payee#id
 * payee signs:  payer#amount#payee#id#sigPayer      (sigPayer as the base64 text sent)
 * peer message: payer#amount#payee#id#sigPayer      (payer's client to payee's client)
 * </pre>
 */
public final class SignedText {

  private SignedText() {}

  public static byte[] signedByPayer(String payer, long amount, String payee, TransferId id) {
    return (payer + "#" + amount + "#" + payee + "#" + id).getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] signedByPayee(
      String payer, long amount, String payee, TransferId id, String payerSignatureBase64) {
    return (payer + "#" + amount + "#" + payee + "#" + id + "#" + payerSignatureBase64)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Both signatures of a TRANS line, checked against the payer's and the payee's keys. */
  public static boolean verifyBoth(PublicKey payerKey, PublicKey payeeKey, TextCommand.Trans t) {
    return Signatures.verify(
            payerKey, signedByPayer(t.payer(), t.amount(), t.payee(), t.id()), t.payerSignature())
        && Signatures.verify(
            payeeKey,
            signedByPayee(t.payer(), t.amount(), t.payee(), t.id(), t.payerSignatureText()),
            t.payeeSignature());
  }

  /** The line a payer's client sends to the payee's client (without the newline). */
  public static String peerMessage(
      String payer, long amount, String payee, TransferId id, String payerSignatureBase64) {
    return payer + "#" + amount + "#" + payee + "#" + id + "#" + payerSignatureBase64;
  }

  /** The TRANS line the payee's client sends to the server (without the newline). */
  public static String transLine(
      String payer,
      long amount,
      String payee,
      TransferId id,
      String payerSignatureBase64,
      String payeeSignatureBase64) {
    return "TRANS#"
        + peerMessage(payer, amount, payee, id, payerSignatureBase64)
        + "#"
        + payeeSignatureBase64;
  }

  /** A peer message as the payee's client receives it. */
  public record PeerPayment(
      String payer, long amount, String payee, TransferId id, String payerSignatureBase64) {}

  /** Parses a peer message; null if it is not one. */
  public static PeerPayment parsePeerMessage(String line) {
    String[] f = line.split("#", -1);
    if (f.length != 5) {
      return null;
    }
    Long amount = TextParser.amountOrNull(f[1]);
    TransferId id = TransferId.parseOrNull(f[3]);
    if (f[0].isEmpty()
        || f[2].isEmpty()
        || amount == null
        || id == null
        || TextParser.base64OrNull(f[4]) == null) {
      return null;
    }
    return new PeerPayment(f[0], amount, f[2], id, f[4]);
  }
}
