package io.paywire.ledger;

/**
 * A transfer as readers see it. {@code sequence} is its position in the ledger (0 is the first
 * transfer ever), {@code timeMillis} the time of the batch that made it durable.
 */
public record TransferView(
    long sequence, TransferId id, String payer, String payee, long amount, long timeMillis) {}
