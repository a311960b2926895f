package io.paywire.session;

import io.paywire.bus.LedgerClient;
import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A Gradecoin network's ledger reached over the event bus, at the network's own addresses: the one
 * ledger service, as for the main ledger. Pages are read until {@code limit} entries or the end.
 */
public final class GradecoinBusLedger implements GradecoinLedger {

  private static final byte[] NO_KEY = new byte[0];

  private final LedgerClient client;
  private final int pageSize;

  public GradecoinBusLedger(LedgerClient client, int pageSize) {
    this.client = client;
    this.pageSize = pageSize;
  }

  @Override
  public Future<Optional<Account>> account(String fingerprint) {
    return client
        .account(fingerprint)
        .map(
            reply -> {
              if (reply instanceof LedgerReply.Ok<LedgerViews.Account> ok) {
                LedgerViews.Account account = ok.value();
                boolean bot = !account.hasKey();
                return Optional.of(
                    new Account(
                        account.name(),
                        bot ? NO_KEY : account.publicKey(),
                        account.balance(),
                        bot));
              }
              if (reply instanceof LedgerReply.Rejected<LedgerViews.Account>) {
                return Optional.empty();
              }
              throw new IllegalStateException("the network's ledger did not answer: " + reply);
            });
  }

  @Override
  public Future<List<Account>> accounts(int limit) {
    return pages(
        limit,
        offset ->
            client
                .gradecoinUsers(offset, Math.min(pageSize, limit - offset))
                .map(
                    reply ->
                        value(reply).users().stream()
                            .map(u -> new Account(u.name(), NO_KEY, u.balance(), u.bot()))
                            .toList()));
  }

  @Override
  public Future<List<PoolEntry>> pool(int limit) {
    return pages(
        limit,
        offset ->
            client
                .gradecoinPool(offset, Math.min(pageSize, limit - offset))
                .map(
                    reply ->
                        value(reply).entries().stream()
                            .map(
                                e ->
                                    new PoolEntry(
                                        e.txId(),
                                        e.source(),
                                        e.target(),
                                        e.amount(),
                                        e.timestamp()))
                            .toList()));
  }

  @Override
  public Future<List<PoolEntry>> pending(List<String> txIds) {
    return client
        .gradecoinPending(txIds)
        .map(
            reply ->
                value(reply).entries().stream()
                    .map(
                        e ->
                            new PoolEntry(
                                e.txId(), e.source(), e.target(), e.amount(), e.timestamp()))
                    .toList());
  }

  /** Reads pages from offset 0 until one comes back short or {@code limit} entries are read. */
  private <T> Future<List<T>> pages(int limit, Function<Integer, Future<List<T>>> page) {
    List<T> all = new ArrayList<>();
    return next(all, limit, page);
  }

  private <T> Future<List<T>> next(
      List<T> all, int limit, Function<Integer, Future<List<T>>> page) {
    int asked = Math.min(pageSize, limit - all.size());
    if (asked <= 0) {
      return Future.succeededFuture(all);
    }
    return page.apply(all.size())
        .compose(
            read -> {
              all.addAll(read);
              return read.size() < asked ? Future.succeededFuture(all) : next(all, limit, page);
            });
  }

  @Override
  public Future<LedgerReply<LedgerViews.Blocks>> journal(long from, int limit) {
    return client.blocks(from, limit);
  }

  @Override
  public Future<Optional<Block>> lastBlock() {
    return client
        .gradecoinLastBlock()
        .map(reply -> Optional.ofNullable(value(reply).block()).map(GradecoinBusLedger::block));
  }

  private static Block block(LedgerViews.GradecoinBlock b) {
    return new Block(b.txIds(), b.nonce(), b.timestamp(), b.hash(), b.previousHash(), b.height());
  }

  @Override
  public Future<Written> register(TransferId id, String fingerprint, byte[] publicKey, long bonus) {
    return written(
        client.openAccount(id, fingerprint, bonus, publicKey),
        LedgerViews.Registration::duplicate,
        id);
  }

  @Override
  public Future<Written> proposeTransaction(
      TransferId id,
      String source,
      String target,
      long amount,
      long gasFee,
      String txId,
      String timestamp) {
    return written(
        client.gradecoinTransaction(id, source, target, amount, gasFee, txId, timestamp),
        LedgerViews.PoolReceipt::duplicate,
        id);
  }

  @Override
  public Future<Written> proposeBlock(
      TransferId id, List<String> txIds, long nonce, String timestamp, String hash) {
    return written(
        client.gradecoinBlock(id, txIds, nonce, timestamp, hash),
        LedgerViews.BlockReceipt::duplicate,
        id);
  }

  private static <T> Future<Written> written(
      Future<LedgerReply<T>> request, Function<T, Boolean> duplicate, TransferId id) {
    return request.transform(
        done -> {
          if (done.failed()) {
            return Future.succeededFuture(new Unavailable(done.cause().getMessage()));
          }
          LedgerReply<T> reply = done.result();
          if (reply instanceof LedgerReply.Ok<T> ok) {
            return Future.succeededFuture(new Applied(duplicate.apply(ok.value())));
          }
          if (reply instanceof LedgerReply.Rejected<T> rejected) {
            return Future.succeededFuture(new Refused(rejected.code(), rejected.reason()));
          }
          return Future.succeededFuture(new Unknown(id));
        });
  }

  private static <T> T value(LedgerReply<T> reply) {
    if (reply instanceof LedgerReply.Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("the network's ledger did not answer: " + reply);
  }
}
