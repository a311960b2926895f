package io.paywire.ledger;

import io.paywire.crypto.PublicKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ledger's state machine: accounts, balances and every transfer, in memory. It has no thread,
 * clock or I/O of its own; the caller passes each batch's time. Two entry points change it: {@link
 * #execute} for new commands (checks every rule, returns a value for expected failures) and {@link
 * #replay} for commands read back from the journal (trusts the configurable rules that were in
 * force when they were accepted, but still refuses anything that would break an invariant).
 *
 * <p>Invariants, checked in full by {@link #checkInvariants}: the sum of all balances, issuer
 * included, is zero; no user balance is negative; every balance equals what its transfers add up
 * to; every transfer id is unique.
 *
 * <p>Package-private: outside this package the state is read through {@link LedgerView} and changed
 * only through a {@link Batch}.
 */
final class LedgerState implements LedgerView {

  static final int ISSUER_NUMBER = 0;

  private final LedgerRules rules;

  /**
   * The pool and the chain of a Gradecoin ledger; null for a plain one. Also made at replay, rules
   * unknown, when the journal holds a Gradecoin record (a verifier opens every ledger the same
   * way).
   */
  private GradecoinState gradecoin;

  final List<Account> accounts = new ArrayList<>();
  private final Map<String, Account> accountsByKey = new HashMap<>();
  private final Map<String, Account> accountsByFingerprint = new HashMap<>();
  final TransferTable transfers;

  /**
   * The sum of all balances, issuer included, kept up to date by every balance change, so the check
   * after each batch costs nothing. Plain (wrapping) arithmetic: updating it cannot fail, and no
   * true sum of balances that fit in longs can wrap around to zero.
   */
  private long balanceSum;

  LedgerState(LedgerRules rules) {
    this(rules, null, TransferTable.CHUNK_SHIFT);
  }

  /** A Gradecoin ledger's state if {@code gradecoinRules} is not null, else a plain one. */
  LedgerState(LedgerRules rules, GradecoinRules gradecoinRules) {
    this(rules, gradecoinRules, TransferTable.CHUNK_SHIFT);
  }

  /** A state whose transfer columns use chunks of {@code 1 << chunkShift} rows (tests: small). */
  LedgerState(LedgerRules rules, int chunkShift) {
    this(rules, null, chunkShift);
  }

  private LedgerState(LedgerRules rules, GradecoinRules gradecoinRules, int chunkShift) {
    this.rules = rules;
    this.transfers = new TransferTable(chunkShift);
    this.gradecoin = gradecoinRules == null ? null : new GradecoinState(this, gradecoinRules);
    addAccount(AccountName.ISSUER, new byte[0], 0L);
  }

  /** Rebuilds the state a snapshot captured, then checks every invariant. */
  static LedgerState restore(LedgerRules rules, Snapshot.Image image) {
    return restore(rules, null, image);
  }

  /** Rebuilds the state a snapshot captured, then checks every invariant. */
  static LedgerState restore(
      LedgerRules rules, GradecoinRules gradecoinRules, Snapshot.Image image) {
    TransferTable.Columns columns = image.transfers();
    LedgerState state = new LedgerState(rules, gradecoinRules, columns.shift());
    if (image.names().length < 1 || !AccountName.ISSUER.equals(image.names()[ISSUER_NUMBER])) {
      throw new IllegalStateException("snapshot does not start with the issuer account");
    }
    for (int i = 1; i < image.names().length; i++) {
      state.addAccount(image.names()[i], image.keys()[i], image.created()[i]);
    }
    for (int i = 0; i < image.names().length; i++) {
      state.setBalance(state.accounts.get(i), image.balances()[i]);
    }
    state.transfers.load(columns);
    for (int sequence = 0; sequence < columns.count(); sequence++) {
      state.accounts.get(state.transfers.payer(sequence)).history.add(sequence);
      state.accounts.get(state.transfers.payee(sequence)).history.add(sequence);
    }
    if (image.gradecoin() != null) {
      if (state.gradecoin == null) {
        state.gradecoin = new GradecoinState(state, null);
      }
      state.gradecoin.load(image.gradecoin());
    }
    state.checkInvariants();
    return state;
  }

  // ---- changes ---------------------------------------------------------------------------------

  /** Checks a new command against every rule and applies it if it passes. */
  Outcome execute(Command command, long timeMillis) {
    return evaluate(command, timeMillis, true);
  }

  /**
   * Applies a command read back from the journal. Throws {@link IllegalStateException} if it cannot
   * be applied, which means the journal does not describe a valid history.
   */
  void replay(Command command, long timeMillis) {
    Outcome outcome = evaluate(command, timeMillis, false);
    if (!(outcome instanceof Outcome.Accepted accepted) || accepted.duplicate()) {
      throw new IllegalStateException("journaled command does not apply: " + outcome);
    }
  }

  private Outcome evaluate(Command command, long timeMillis, boolean checkRules) {
    if (command instanceof Command.OpenAccount open && open.name() == null) {
      return reject(RejectCode.BAD_NAME, "no name");
    }
    if (command instanceof Command.Transfer t && (t.payer() == null || t.payee() == null)) {
      return reject(RejectCode.UNKNOWN_ACCOUNT, "payer and payee must be named");
    }
    boolean gradecoinCommand =
        command instanceof Command.PoolTransaction || command instanceof Command.MineBlock;
    if (gradecoinCommand && (gradecoin == null || gradecoin.rules().isEmpty()) && checkRules) {
      return reject(RejectCode.NOT_GRADECOIN, "this ledger has no Gradecoin rules");
    }
    if (gradecoinCommand && !RecordCodec.fits(command)) {
      return reject(RejectCode.MALFORMED, "a transaction id, hash or timestamp is malformed");
    }
    if (gradecoinCommand && gradecoin == null) {
      gradecoin = new GradecoinState(this, null); // replay of a Gradecoin ledger's journal
    }
    int existing = transfers.find(command.id().high(), command.id().low());
    if (existing >= 0) {
      return sameContent(existing, command)
          ? new Outcome.Accepted(transferView(existing), true)
          : reject(RejectCode.ID_REUSED, "id " + command.id() + " was used for another transfer");
    }
    if (transfers.size() >= TransferTable.MAX_TRANSFERS) {
      return reject(
          RejectCode.LEDGER_FULL,
          "this ledger holds its maximum of " + TransferTable.MAX_TRANSFERS + " transfers");
    }
    if (command instanceof Command.OpenAccount open) {
      return openAccount(open, timeMillis, checkRules);
    }
    if (command instanceof Command.PoolTransaction pool) {
      return gradecoin.poolTransaction(pool, timeMillis, checkRules);
    }
    if (command instanceof Command.MineBlock block) {
      return gradecoin.mineBlock(block, timeMillis, checkRules);
    }
    return transfer((Command.Transfer) command, timeMillis, checkRules);
  }

  /**
   * Whether {@code name} contains a user's name or is part of one, case aside (the issuer, never
   * listed, aside too): one pass over the accounts, for a ledger with {@link
   * LedgerRules#distinctNames} only, whose registrations are few.
   */
  private boolean overlapsAName(String name) {
    String key = AccountName.key(name);
    for (int i = ISSUER_NUMBER + 1; i < accounts.size(); i++) {
      String other = AccountName.key(accounts.get(i).name);
      if (other.contains(key) || key.contains(other)) {
        return true;
      }
    }
    return false;
  }

  private Outcome openAccount(Command.OpenAccount open, long timeMillis, boolean checkRules) {
    // At replay, only what the journal's format holds: a name accepted under a longer limit stays.
    int maxLength = checkRules ? rules.maxNameLength() : LedgerRules.MAX_NAME_LENGTH;
    if (!AccountName.isValid(open.name(), maxLength)) {
      return reject(
          RejectCode.BAD_NAME, "names are 1 to " + maxLength + " letters, digits, '_', '-' or '.'");
    }
    if (accountsByKey.containsKey(AccountName.key(open.name()))) {
      return reject(RejectCode.NAME_TAKEN, "name " + open.name() + " is taken");
    }
    if (checkRules && rules.distinctNames() && overlapsAName(open.name())) {
      return reject(
          RejectCode.NAME_TAKEN,
          "on this ledger a name may not contain another account's name, nor be part of one");
    }
    if (checkRules && AccountName.RESERVED.contains(AccountName.key(open.name()))) {
      return reject(RejectCode.BAD_NAME, open.name() + " is a reserved word");
    }
    if (open.deposit() < 1 || (checkRules && open.deposit() > rules.maxDepositMinor())) {
      return reject(
          RejectCode.DEPOSIT_OUT_OF_RANGE, "deposit must be 1 to " + rules.maxDepositMinor());
    }
    if (checkRules && open.publicKey().length > 0) {
      // A Gradecoin network takes the RSA keys Gradecoin's JWT library verifies with: a modulus of
      // 256 bytes or more, so a 2,047-bit key a student client made is accepted.
      Optional<String> problem =
          PublicKeys.problemWith(
              open.publicKey(),
              gradecoin == null ? PublicKeys.MIN_RSA_BITS : PublicKeys.MIN_GRADECOIN_RSA_BITS);
      if (problem.isPresent()) {
        return reject(RejectCode.BAD_PUBLIC_KEY, problem.get());
      }
    }
    if (open.publicKey().length > 0
        && accountsByFingerprint.containsKey(Fingerprint.of(open.publicKey()))) {
      // A key's fingerprint is an address: one key, one account.
      return reject(RejectCode.KEY_TAKEN, "this key already belongs to an account");
    }
    Account issuer = accounts.get(ISSUER_NUMBER);
    long issuerBalance;
    try {
      issuerBalance = Math.subtractExact(issuer.balance, open.deposit());
    } catch (ArithmeticException overflow) {
      issuerBalance = Long.MIN_VALUE;
    }
    // The total issued must fit in a long, so that no single balance can overflow later.
    if (issuerBalance == Long.MIN_VALUE) {
      return reject(RejectCode.SUPPLY_EXHAUSTED, "the issuer cannot issue that much more");
    }
    // Everything that can fail (allocation included) happens before the first change, so a
    // command either applies whole or leaves the state as it was.
    Account account =
        new Account(accounts.size(), open.name(), open.publicKey().clone(), timeMillis);
    transfers.reserveOne();
    issuer.history.reserveOne();
    addAccount(account);
    TransferView applied = record(open.id(), issuer, account, open.deposit(), timeMillis);
    setBalance(issuer, issuerBalance);
    setBalance(account, open.deposit());
    return new Outcome.Accepted(applied, false);
  }

  private Outcome transfer(Command.Transfer transfer, long timeMillis, boolean checkRules) {
    if (transfer.amount() <= 0) {
      return reject(RejectCode.AMOUNT_NOT_POSITIVE, "amount must be positive");
    }
    if (checkRules && transfer.amount() > rules.maxTransferMinor()) {
      return reject(
          RejectCode.AMOUNT_ABOVE_MAXIMUM,
          "amount above the maximum of " + rules.maxTransferMinor());
    }
    Account payer = user(transfer.payer());
    Account payee = user(transfer.payee());
    if (payer == null || payee == null) {
      return reject(
          RejectCode.UNKNOWN_ACCOUNT,
          "no account " + (payer == null ? transfer.payer() : transfer.payee()));
    }
    if (payer == payee) {
      return reject(RejectCode.SELF_TRANSFER, "payer and payee are the same account");
    }
    if (payer.balance < transfer.amount()) {
      return reject(RejectCode.INSUFFICIENT_FUNDS, "balance too low");
    }
    long payerBalance = Math.subtractExact(payer.balance, transfer.amount());
    // Cannot overflow: no balance exceeds the total issued, which fits in a long.
    long payeeBalance = Math.addExact(payee.balance, transfer.amount());
    transfers.reserveOne();
    payer.history.reserveOne();
    payee.history.reserveOne();
    TransferView applied = record(transfer.id(), payer, payee, transfer.amount(), timeMillis);
    setBalance(payer, payerBalance);
    setBalance(payee, payeeBalance);
    return new Outcome.Accepted(applied, false);
  }

  /**
   * Moves {@code amount} (0 allowed: a Gradecoin gas fee of 0) as one new transfer row: for the
   * Gradecoin commands, whose caller checked the id is new and the payer can pay. Reserves first,
   * then records, then changes the balances with plain writes, so a failure leaves either nothing
   * or a whole row that {@link #rollBack} undoes.
   */
  TransferView move(TransferId id, Account payer, Account payee, long amount, long timeMillis) {
    long payerBalance =
        payer.number == ISSUER_NUMBER
            ? Math.subtractExact(payer.balance, amount)
            : payer.balance - amount;
    if (payer.number != ISSUER_NUMBER && payerBalance < 0) {
      throw new IllegalStateException(payer.name + " cannot pay " + amount);
    }
    long payeeBalance = Math.addExact(payee.balance, amount);
    transfers.reserveOne();
    payer.history.reserveOne();
    payee.history.reserveOne();
    TransferView applied = record(id, payer, payee, amount, timeMillis);
    setBalance(payer, payerBalance);
    setBalance(payee, payeeBalance);
    return applied;
  }

  private TransferView record(TransferId id, Account payer, Account payee, long amount, long time) {
    int sequence = transfers.append(id.high(), id.low(), payer.number, payee.number, amount, time);
    payer.history.add(sequence);
    payee.history.add(sequence);
    return transferView(sequence);
  }

  /** A retry counts as the same transfer if it moves the same amount between the same accounts. */
  private boolean sameContent(int sequence, Command command) {
    Account payer = accounts.get(transfers.payer(sequence));
    Account payee = accounts.get(transfers.payee(sequence));
    long amount = transfers.amount(sequence);
    if (command instanceof Command.OpenAccount open) {
      return payer.number == ISSUER_NUMBER
          && payee.name.equals(open.name())
          && amount == open.deposit()
          && Arrays.equals(payee.publicKey, open.publicKey());
    }
    if (command instanceof Command.PoolTransaction tx) {
      return payee.number == ISSUER_NUMBER
          && AccountName.key(tx.source()).equals(AccountName.key(payer.name))
          && amount == tx.gasFee();
    }
    if (!(command instanceof Command.Transfer transfer)) {
      return false; // a block's own id is never a row's: a block is not retried by its id
    }
    return payer.number != ISSUER_NUMBER
        && AccountName.key(transfer.payer()).equals(AccountName.key(payer.name))
        && AccountName.key(transfer.payee()).equals(AccountName.key(payee.name))
        && amount == transfer.amount();
  }

  /** The only way a balance changes: keeps {@link #balanceSum} true. Cannot fail. */
  private void setBalance(Account account, long balance) {
    balanceSum += balance - account.balance;
    account.balance = balance;
  }

  /**
   * Test seam: changes a balance with no transfer behind it, as a broken rule would; the running
   * sum sees the change as it would see any other.
   */
  void adjustBalanceForTest(String name, long delta) {
    Account account = accountsByKey.get(AccountName.key(name));
    setBalance(account, account.balance + delta);
  }

  // ---- invariants of one batch -----------------------------------------------------------------

  /**
   * The cheap invariants, checked after every batch before it is written: the running sum of all
   * balances is zero, and no account a transfer of this batch touched has a negative balance.
   * O(transfers of the batch).
   *
   * @throws IllegalStateException naming the batch and what does not hold
   */
  void checkBatch(Mark start, long batchSequence) {
    if (balanceSum != 0) {
      throw new IllegalStateException(
          "batch " + batchSequence + ": balances sum to " + balanceSum + ", not zero");
    }
    for (int sequence = start.transfers(); sequence < transfers.size(); sequence++) {
      requireNotNegative(transfers.payer(sequence), batchSequence);
      requireNotNegative(transfers.payee(sequence), batchSequence);
    }
  }

  private void requireNotNegative(int number, long batchSequence) {
    Account account = accounts.get(number);
    if (number != ISSUER_NUMBER && account.balance < 0) {
      throw new IllegalStateException(
          "batch "
              + batchSequence
              + ": balance of "
              + account.name
              + " is "
              + account.balance
              + ", below zero");
    }
  }

  private Account addAccount(String name, byte[] publicKey, long timeMillis) {
    return addAccount(new Account(accounts.size(), name, publicKey, timeMillis));
  }

  private Account addAccount(Account account) {
    accounts.add(account);
    accountsByKey.put(AccountName.key(account.name), account);
    if (!account.fingerprint.isEmpty()) {
      accountsByFingerprint.put(account.fingerprint, account);
    }
    return account;
  }

  // ---- undo ------------------------------------------------------------------------------------

  /** How far the state went before a batch: what {@link #rollBack} returns to. */
  record Mark(int transfers, int accounts) {}

  /**
   * Marks where a batch starts. Only the newest mark can be rolled back to: a Gradecoin ledger's
   * undo log starts afresh here.
   */
  Mark mark() {
    if (gradecoin != null) {
      gradecoin.mark();
    }
    return new Mark(transfers.size(), accounts.size());
  }

  /**
   * Undoes every change since {@code mark}: for a batch that failed to apply or to reach the
   * journal, so that memory again equals what the journal holds. Works from a state a command left
   * half-applied too (an account added, its deposit not recorded): a command changes balances last,
   * after recording its transfer, with plain writes that cannot fail.
   */
  void rollBack(Mark mark) {
    if (gradecoin != null) {
      gradecoin.rollBack(); // first: its undo reads accounts the rows below may remove
    }
    for (int sequence = transfers.size() - 1; sequence >= mark.transfers(); sequence--) {
      Account payer = accounts.get(transfers.payer(sequence));
      Account payee = accounts.get(transfers.payee(sequence));
      long amount = transfers.amount(sequence);
      setBalance(payer, payer.balance + amount);
      setBalance(payee, payee.balance - amount);
    }
    for (Account account : accounts) {
      account.history.removeLastFrom(mark.transfers());
    }
    transfers.truncate(mark.transfers());
    while (accounts.size() > mark.accounts()) {
      Account removed = accounts.remove(accounts.size() - 1);
      accountsByKey.remove(AccountName.key(removed.name), removed);
      if (!removed.fingerprint.isEmpty()) {
        accountsByFingerprint.remove(removed.fingerprint, removed);
      }
    }
  }

  /** A user account by name, or null: the issuer takes part in deposits only. */
  Account user(String name) {
    if (name == null) {
      return null;
    }
    Account account = accountsByKey.get(AccountName.key(name));
    return account == null || account.number == ISSUER_NUMBER ? null : account;
  }

  private static Outcome.Rejected reject(RejectCode code, String reason) {
    return new Outcome.Rejected(code, reason);
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  public Optional<AccountView> account(String name) {
    Account account = name == null ? null : accountsByKey.get(AccountName.key(name));
    return Optional.ofNullable(account).map(Account::view);
  }

  @Override
  public Optional<AccountView> accountByFingerprint(String fingerprint) {
    return Optional.ofNullable(accountsByFingerprint.get(fingerprint)).map(Account::view);
  }

  @Override
  public OptionalLong balance(String name) {
    Account account = name == null ? null : accountsByKey.get(AccountName.key(name));
    return account == null ? OptionalLong.empty() : OptionalLong.of(account.balance);
  }

  @Override
  public Optional<TransferView> transfer(TransferId id) {
    int sequence = transfers.find(id.high(), id.low());
    return sequence < 0 ? Optional.empty() : Optional.of(transferView(sequence));
  }

  @Override
  public List<TransferView> history(String name, int offset, int limit) {
    Account account = name == null ? null : accountsByKey.get(AccountName.key(name));
    if (account == null || offset < 0 || limit <= 0) {
      return List.of();
    }
    int count = account.history.size();
    int end = (int) Math.min(count, (long) offset + Math.min(limit, MAX_HISTORY_PAGE));
    List<TransferView> page = new ArrayList<>(Math.max(0, end - offset));
    for (int i = offset; i < end; i++) {
      page.add(transferView(account.history.get(count - 1 - i)));
    }
    return page;
  }

  @Override
  public Optional<GradecoinView> gradecoin() {
    return Optional.ofNullable(gradecoin);
  }

  /** The Gradecoin state, or null: for snapshots. */
  GradecoinState gradecoinState() {
    return gradecoin;
  }

  @Override
  public int accountCount() {
    return accounts.size();
  }

  @Override
  public long transferCount() {
    return transfers.size();
  }

  private TransferView transferView(int sequence) {
    return new TransferView(
        sequence,
        new TransferId(transfers.idHigh(sequence), transfers.idLow(sequence)),
        accounts.get(transfers.payer(sequence)).name,
        accounts.get(transfers.payee(sequence)).name,
        transfers.amount(sequence),
        transfers.timeMillis(sequence));
  }

  // ---- invariants ------------------------------------------------------------------------------

  @Override
  public void checkInvariants() {
    long[] computed = new long[accounts.size()];
    for (int sequence = 0; sequence < transfers.size(); sequence++) {
      int from = transfers.payer(sequence);
      int to = transfers.payee(sequence);
      long amount = transfers.amount(sequence);
      // A Gradecoin ledger's users pay the issuer gas fees, of 0 when the fee is 0; no other row
      // pays the issuer or moves nothing.
      boolean gasFee = gradecoin != null && to == ISSUER_NUMBER && amount >= 0;
      if (from == to || (!gasFee && (amount <= 0 || to == ISSUER_NUMBER))) {
        throw new IllegalStateException("transfer " + sequence + " is malformed");
      }
      computed[from] = Math.subtractExact(computed[from], amount);
      computed[to] = Math.addExact(computed[to], amount);
      if (transfers.find(transfers.idHigh(sequence), transfers.idLow(sequence)) != sequence) {
        throw new IllegalStateException("transfer " + sequence + " is not found by its id");
      }
    }
    long sum = 0;
    for (Account account : accounts) {
      if (account.balance != computed[account.number]) {
        throw new IllegalStateException(
            "balance of "
                + account.name
                + " is "
                + account.balance
                + " but its transfers add up to "
                + computed[account.number]);
      }
      if (account.number != ISSUER_NUMBER && account.balance < 0) {
        throw new IllegalStateException("balance of " + account.name + " is negative");
      }
      sum = Math.addExact(sum, account.balance);
    }
    if (sum != 0) {
      throw new IllegalStateException("balances sum to " + sum + ", not zero");
    }
    if (sum != balanceSum) {
      throw new IllegalStateException(
          "running sum of balances is " + balanceSum + " but the balances sum to " + sum);
    }
    if (gradecoin != null) {
      gradecoin.checkInvariants();
    }
  }
}
