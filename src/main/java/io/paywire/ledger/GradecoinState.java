package io.paywire.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Gradecoin ledger's state beyond accounts and transfers: the pending pool, in the order
 * transactions entered it, and the last accepted block. It executes {@link Command.PoolTransaction}
 * and {@link Command.MineBlock} against its {@link LedgerState}, whose transfer rows carry every
 * balance change, so the ledger's invariants (sum zero, no negative user balance) cover it.
 *
 * <p>Deterministic: no clock (a bot's reply is stamped with the batch time), no randomness, and no
 * hash-map iteration order reaches an output (the pool is ordered by its insertion counter).
 *
 * <p>Undo: every change to the pool or the last block first pushes its inverse on a log that {@link
 * #mark} empties at the start of each batch and {@link #rollBack} runs backwards. The inverses are
 * idempotent, so a change that failed half-way is undone too.
 */
final class GradecoinState implements GradecoinView {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECONDS_SPACED =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final LedgerState ledger;

  /** Null for a ledger recovered from a journal holding Gradecoin records, opened without rules. */
  private final GradecoinRules rules;

  private final TreeMap<Long, PoolEntry> pool = new TreeMap<>();
  private final Map<String, Long> positions = new HashMap<>();

  /** Pending transactions per "source target" pair: bots' replies may repeat a pair. */
  private final Map<String, Integer> pairs = new HashMap<>();

  private long nextPosition;
  private Block lastBlock;

  private final List<Runnable> undo = new ArrayList<>();
  private long nextPositionAtMark;

  GradecoinState(LedgerState ledger, GradecoinRules rules) {
    this.ledger = ledger;
    this.rules = rules;
  }

  // ---- snapshots -------------------------------------------------------------------------------

  /** What a snapshot keeps: the pool in order and the last block (or null). */
  record Image(List<PoolEntry> pool, Block lastBlock) {
    Image {
      pool = List.copyOf(pool);
    }
  }

  Image capture() {
    return new Image(new ArrayList<>(pool.values()), lastBlock);
  }

  void load(Image image) {
    for (PoolEntry entry : image.pool()) {
      if (positions.containsKey(entry.txId())) {
        throw new IllegalStateException("snapshot pool holds " + entry.txId() + " twice");
      }
      put(nextPosition++, entry);
    }
    lastBlock = image.lastBlock();
    nextPositionAtMark = nextPosition;
  }

  // ---- undo ------------------------------------------------------------------------------------

  void mark() {
    undo.clear();
    nextPositionAtMark = nextPosition;
  }

  void rollBack() {
    for (int i = undo.size() - 1; i >= 0; i--) {
      undo.get(i).run();
    }
    undo.clear();
    nextPosition = nextPositionAtMark;
  }

  private void add(PoolEntry entry) {
    long position = nextPosition;
    undo.add(() -> remove(entry.txId()));
    nextPosition++;
    put(position, entry);
  }

  private void take(String txId) {
    Long position = positions.get(txId);
    PoolEntry entry = pool.get(position);
    undo.add(() -> put(position, entry));
    remove(txId);
  }

  private void setLastBlock(Block block) {
    Block previous = lastBlock;
    undo.add(() -> lastBlock = previous);
    lastBlock = block;
  }

  /** Idempotent: does nothing if the entry is there. */
  private void put(long position, PoolEntry entry) {
    if (positions.containsKey(entry.txId())) {
      return;
    }
    pool.put(position, entry);
    positions.put(entry.txId(), position);
    pairs.merge(pair(entry.source(), entry.target()), 1, Integer::sum);
  }

  /** Idempotent: does nothing if the entry is not there. */
  private void remove(String txId) {
    Long position = positions.remove(txId);
    if (position == null) {
      return;
    }
    PoolEntry entry = pool.remove(position);
    pairs.computeIfPresent(pair(entry.source(), entry.target()), (k, n) -> n == 1 ? null : n - 1);
  }

  private static String pair(String source, String target) {
    // Names hold no space: the pair key is unambiguous.
    return AccountName.key(source) + " " + AccountName.key(target);
  }

  // ---- pool transactions -----------------------------------------------------------------------

  /** Checks in the order of the issue's semantics; the id was checked by the caller. */
  Outcome poolTransaction(Command.PoolTransaction tx, long timeMillis, boolean checkRules) {
    if (checkRules && tx.gasFee() != rules.txGasFee()) {
      return reject(RejectCode.MALFORMED, "gas fee must be " + rules.txGasFee());
    }
    if (!checkRules && (tx.gasFee() < 0 || tx.amount() < 1)) {
      return reject(RejectCode.MALFORMED, "a journaled gas fee or amount is out of range");
    }
    Account source = ledger.user(tx.source());
    if (source == null) {
      return reject(RejectCode.UNKNOWN_ACCOUNT, "no account " + tx.source());
    }
    if (isBot(source)) {
      return reject(RejectCode.BOT_SOURCE, source.name + " is a bot: bots do not send");
    }
    if (source.balance < tx.gasFee()) {
      return reject(RejectCode.GAS_UNAFFORDABLE, "balance below the gas fee of " + tx.gasFee());
    }
    Account target = ledger.user(tx.target());
    if (target == null) {
      return reject(RejectCode.UNKNOWN_TARGET, "no account " + tx.target());
    }
    if (pairs.containsKey(pair(source.name, target.name))) {
      return reject(
          RejectCode.PENDING_PAIR,
          source.name + " already has a pending transaction to " + target.name);
    }
    if (source == target) {
      return reject(RejectCode.SELF_TRANSFER, "source and target are the same account");
    }
    if (checkRules && (tx.amount() < rules.txLowerLimit() || tx.amount() > rules.txUpperLimit())) {
      return reject(
          RejectCode.AMOUNT_OUT_OF_BOUNDS,
          "amount must be " + rules.txLowerLimit() + " to " + rules.txUpperLimit());
    }
    if (source.balance - tx.gasFee() < tx.amount()) {
      return reject(RejectCode.INSUFFICIENT_FUNDS, "balance too low for amount and gas fee");
    }
    if (positions.containsKey(tx.txId())) {
      return reject(RejectCode.ID_REUSED, "transaction " + tx.txId() + " is already pending");
    }
    Account issuer = ledger.accounts.get(LedgerState.ISSUER_NUMBER);
    TransferView row = ledger.move(tx.id(), source, issuer, tx.gasFee(), timeMillis);
    add(new PoolEntry(tx.txId(), source.name, target.name, tx.amount(), tx.timestamp()));
    return new Outcome.Accepted(row, false);
  }

  // ---- blocks ----------------------------------------------------------------------------------

  /** One balance change of a block, before it is applied. */
  private record Move(int index, Account from, Account to, long amount) {}

  /** Checks in the order of the issue's semantics, then simulates, then applies. */
  Outcome mineBlock(Command.MineBlock block, long timeMillis, boolean checkRules) {
    long blockReward = checkRules ? rules.blockReward() : block.blockReward();
    long traffic = checkRules ? rules.txTrafficReward() : block.trafficReward();
    if ((checkRules && (block.blockReward() >= 0 || block.trafficReward() >= 0))
        || blockReward < 0
        || traffic < 0) {
      return reject(RejectCode.MALFORMED, "a new block names no rewards; the rules do");
    }
    List<String> ids = block.txIds();
    if (checkRules && ids.size() < rules.blockTransactionCount()) {
      return reject(
          RejectCode.BLOCK_TOO_SMALL,
          "a block holds at least " + rules.blockTransactionCount() + " transactions");
    }
    if (ids.isEmpty() || !positions.containsKey(ids.get(0))) {
      return reject(RejectCode.FIRST_NOT_PENDING, "the first transaction is not pending");
    }
    if (new HashSet<>(ids).size() != ids.size()) {
      return reject(RejectCode.DUPLICATE_TRANSACTION, "the block names a transaction twice");
    }
    for (String id : ids) {
      if (!positions.containsKey(id)) {
        return reject(RejectCode.UNKNOWN_TRANSACTION, "transaction " + id + " is not pending");
      }
    }
    List<PoolEntry> txs = new ArrayList<>(ids.size());
    for (String id : ids) {
      txs.add(pool.get(positions.get(id)));
    }
    Account issuer = ledger.accounts.get(LedgerState.ISSUER_NUMBER);
    Account proposer = ledger.user(txs.get(0).source());
    List<Move> moves = new ArrayList<>(1 + 2 * txs.size());
    if (blockReward > 0) {
      moves.add(new Move(0, issuer, proposer, blockReward));
    }
    for (int i = 0; i < txs.size(); i++) {
      PoolEntry tx = txs.get(i);
      Account source = ledger.user(tx.source());
      Account target = ledger.user(tx.target());
      long paid = Math.max(0, tx.amount() - traffic);
      long rewarded = Math.min(tx.amount(), traffic);
      if (paid > 0) {
        moves.add(new Move(1 + 2 * i, source, target, paid));
      }
      if (rewarded > 0) {
        moves.add(new Move(2 + 2 * i, issuer, target, rewarded));
      }
    }
    Outcome.Rejected unaffordable = simulate(moves, txs);
    if (unaffordable != null) {
      return unaffordable;
    }
    long height = height() + 1;
    List<PoolEntry> replies = replies(txs, height, timeMillis);
    Outcome.Rejected clash = clashes(block.id(), moves, replies);
    if (clash != null) {
      return clash;
    }
    // Everything that can be refused was; from here the block applies whole.
    TransferView first = null;
    for (Move move : moves) {
      TransferView row =
          ledger.move(
              rowId(block.id(), move.index()), move.from(), move.to(), move.amount(), timeMillis);
      first = first == null ? row : first;
    }
    for (String id : ids) {
      take(id);
    }
    for (PoolEntry reply : replies) {
      add(reply);
    }
    setLastBlock(
        new Block(
            ids,
            block.nonce(),
            block.timestamp(),
            block.hash(),
            lastBlock == null ? "" : lastBlock.hash(),
            height));
    return new Outcome.Accepted(first, false);
  }

  /** Refuses the block if a source cannot pay its part when the moves apply in order. */
  private Outcome.Rejected simulate(List<Move> moves, List<PoolEntry> txs) {
    Map<Account, Long> balances = new IdentityHashMap<>();
    for (Move move : moves) {
      long from = balances.getOrDefault(move.from(), move.from().balance);
      long to = balances.getOrDefault(move.to(), move.to().balance);
      if (move.from().number == LedgerState.ISSUER_NUMBER) {
        try {
          from = Math.subtractExact(from, move.amount());
        } catch (ArithmeticException overflow) {
          return reject(RejectCode.SUPPLY_EXHAUSTED, "the issuer cannot issue that much more");
        }
      } else if (from < move.amount()) {
        PoolEntry tx = txs.get((move.index() - 1) / 2);
        return reject(
            RejectCode.INSUFFICIENT_FUNDS,
            "transaction "
                + tx.txId()
                + ": "
                + tx.source()
                + " cannot pay "
                + move.amount()
                + " from a balance of "
                + from);
      } else {
        from -= move.amount();
      }
      // Cannot overflow: no balance exceeds the total issued, which fits in a long.
      balances.put(move.from(), from);
      balances.put(move.to(), Math.addExact(to, move.amount()));
    }
    return null;
  }

  /** Each payment to a bot makes the bot pay the same amount back, as a new pending transaction. */
  private List<PoolEntry> replies(List<PoolEntry> txs, long height, long timeMillis) {
    List<PoolEntry> replies = new ArrayList<>();
    String utc = utcText(timeMillis);
    String naive = naiveText(timeMillis);
    for (int i = 0; i < txs.size(); i++) {
      PoolEntry tx = txs.get(i);
      Account target = ledger.user(tx.target());
      if (isBot(target)) {
        String txId = sha256Hex(target.name + tx.source() + utc + "#" + height + "." + i);
        replies.add(new PoolEntry(txId, target.name, tx.source(), tx.amount(), naive));
      }
    }
    return replies;
  }

  /**
   * Refuses what could only come from a hash collision: a derived row id already used, or a reply's
   * transaction id already pending.
   */
  private Outcome.Rejected clashes(TransferId id, List<Move> moves, List<PoolEntry> replies) {
    if ((long) ledger.transfers.size() + moves.size() > TransferTable.MAX_TRANSFERS) {
      return reject(
          RejectCode.LEDGER_FULL,
          "this ledger holds its maximum of " + TransferTable.MAX_TRANSFERS + " transfers");
    }
    Set<TransferId> rows = new HashSet<>();
    for (Move move : moves) {
      TransferId row = rowId(id, move.index());
      if (!rows.add(row) || ledger.transfers.find(row.high(), row.low()) >= 0) {
        return reject(RejectCode.ID_REUSED, "derived transfer id " + row + " is taken");
      }
    }
    for (PoolEntry reply : replies) {
      if (positions.containsKey(reply.txId())) {
        return reject(RejectCode.ID_REUSED, "reply transaction " + reply.txId() + " is pending");
      }
    }
    return null;
  }

  /**
   * The id of a block's row {@code index}: the first 16 bytes of SHA-256 over the block command's
   * id (16 bytes, big-endian) and the index (4 bytes, big-endian). Index 0 is the block reward; 1 +
   * 2i the source's payment of transaction i, 2 + 2i the issuer's traffic reward for it.
   */
  static TransferId rowId(TransferId blockId, int index) {
    MessageDigest sha256 = Fingerprint.sha256();
    ByteBuffer input = ByteBuffer.allocate(16 + 4);
    input.putLong(blockId.high()).putLong(blockId.low()).putInt(index);
    ByteBuffer digest = ByteBuffer.wrap(sha256.digest(input.array()));
    return new TransferId(digest.getLong(), digest.getLong());
  }

  /** The batch time as Gradecoin's {@code Utc::now()} prints it: nine fraction digits, " UTC". */
  static String utcText(long timeMillis) {
    Instant at = Instant.ofEpochMilli(timeMillis);
    return SECONDS_SPACED.format(at) + String.format(".%09d UTC", at.getNano());
  }

  /**
   * The batch time as a zone-less chrono NaiveDateTime writes it (UTC): no fraction when it is a
   * whole second, else three digits (the batch time has milliseconds).
   */
  static String naiveText(long timeMillis) {
    Instant at = Instant.ofEpochMilli(timeMillis);
    int millis = at.getNano() / 1_000_000;
    return SECONDS.format(at) + (millis == 0 ? "" : String.format(".%03d", millis));
  }

  private static String sha256Hex(String text) {
    return HexFormat.of()
        .formatHex(Fingerprint.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private boolean isBot(Account account) {
    return account.number != LedgerState.ISSUER_NUMBER && account.publicKey.length == 0;
  }

  private static Outcome.Rejected reject(RejectCode code, String reason) {
    return new Outcome.Rejected(code, reason);
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  public Optional<GradecoinRules> rules() {
    return Optional.ofNullable(rules);
  }

  @Override
  public List<PoolEntry> pool(int offset, int limit) {
    if (offset < 0 || limit <= 0 || offset >= pool.size()) {
      return List.of();
    }
    int take = Math.min(limit, MAX_PAGE);
    return pool.values().stream().skip(offset).limit(take).toList();
  }

  @Override
  public int poolSize() {
    return pool.size();
  }

  @Override
  public Optional<PoolEntry> pending(String txId) {
    Long position = txId == null ? null : positions.get(txId);
    return position == null ? Optional.empty() : Optional.of(pool.get(position));
  }

  @Override
  public Optional<Block> lastBlock() {
    return Optional.ofNullable(lastBlock);
  }

  @Override
  public long height() {
    return lastBlock == null ? 0 : lastBlock.height();
  }

  @Override
  public List<User> users(int offset, int limit) {
    int count = ledger.accounts.size();
    if (offset < 0 || limit <= 0 || offset >= count - 1) {
      return List.of();
    }
    int end = (int) Math.min(count, 1L + offset + Math.min(limit, MAX_PAGE));
    List<User> page = new ArrayList<>(end - offset - 1);
    for (int number = 1 + offset; number < end; number++) {
      Account account = ledger.accounts.get(number);
      page.add(new User(account.number, account.name, account.balance, isBot(account)));
    }
    return page;
  }

  @Override
  public int userCount() {
    return ledger.accounts.size() - 1;
  }

  /**
   * Checks what must hold of the pool and the chain: every entry's accounts exist, the indexes
   * agree with the pool, amounts are positive, the height counts from 1.
   */
  void checkInvariants() {
    if (positions.size() != pool.size()) {
      throw new IllegalStateException(
          "pool index holds " + positions.size() + " of " + pool.size());
    }
    Map<String, Integer> counted = new HashMap<>();
    for (Map.Entry<Long, PoolEntry> e : pool.entrySet()) {
      PoolEntry entry = e.getValue();
      if (!e.getKey().equals(positions.get(entry.txId()))
          || entry.amount() < 1
          || ledger.user(entry.source()) == null
          || ledger.user(entry.target()) == null) {
        throw new IllegalStateException("pool entry " + entry.txId() + " is malformed");
      }
      counted.merge(pair(entry.source(), entry.target()), 1, Integer::sum);
    }
    if (!counted.equals(pairs)) {
      throw new IllegalStateException("pending pairs do not match the pool");
    }
    if (lastBlock != null && (lastBlock.height() < 1 || lastBlock.txIds().isEmpty())) {
      throw new IllegalStateException("last block is malformed");
    }
  }
}
