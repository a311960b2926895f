package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.bus.LedgerReply;
import io.paywire.bus.LedgerViews;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.AccountName;
import io.paywire.ledger.TransferId;
import io.paywire.testing.TestNode;
import io.paywire.testing.TestShared;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The session core against a model, over a real node's ledger (real journal, real fsync) and the
 * real presence map: random sequences of register, log in, log out, close (also while a login is in
 * flight), pay (also retried with the same id), countersigned payments, list and history, on four
 * sessions at once.
 *
 * <p>After every step: presence holds exactly the model's logged-in users, each entry owned by the
 * session that made it; every payment answer names the id it was asked for. At the end: no presence
 * entry outlives its session, every balance is the model's (so nothing was applied twice), and the
 * accounts' balances add up to what was deposited.
 */
class SessionCoreProperties {

  private static final int USERS = 4;

  /** User 3 registers without a key: it logs in by name, unproven, and may not pay directly. */
  private static final int KEYLESS = 3;

  private static final long WAIT_SECONDS = 20;
  private static final AtomicInteger TRIES = new AtomicInteger();

  private static Path directory;
  private static TestNode node;
  private static Vertx vertx;

  @BeforeContainer
  static void startNode() throws Exception {
    directory = Files.createTempDirectory("session-core");
    node = TestNode.start(directory);
    vertx = node.node().vertx();
  }

  @AfterContainer
  static void stopNode() throws Exception {
    node.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  // ---- actions ---------------------------------------------------------------------------------

  sealed interface Action {}

  record Register(int user, long deposit) implements Action {}

  /** Logs in on a session; with {@code closeAtOnce}, closes it in the same turn. */
  record Login(int slot, int user, boolean closeAtOnce) implements Action {}

  record Logout(int slot) implements Action {}

  record Close(int slot) implements Action {}

  /** A direct payment; {@code retry} repeats an earlier payment of this try exactly, if any. */
  record Pay(int slot, int payee, long amount, int retry) implements Action {}

  /** A countersigned payment submitted on {@code slot} naming {@code payee}. */
  record Trans(int slot, int payer, int payee, long amount, boolean forged) implements Action {}

  record ListOnline(int slot, int offset) implements Action {}

  record History(int slot) implements Action {}

  @Provide
  Arbitrary<List<Action>> scripts() {
    Arbitrary<Integer> slot = Arbitraries.integers().between(0, USERS - 1);
    Arbitrary<Integer> user = Arbitraries.integers().between(0, USERS - 1);
    Arbitrary<Long> amount = Arbitraries.longs().between(1, 60);
    Arbitrary<Action> action =
        Arbitraries.frequencyOf(
            Tuple.of(
                3,
                Combinators.combine(user, Arbitraries.longs().between(1, 100)).as(Register::new)),
            Tuple.of(
                4,
                Combinators.combine(slot, user, Arbitraries.of(false, false, true)).as(Login::new)),
            Tuple.of(1, slot.map(Logout::new)),
            Tuple.of(1, slot.map(Close::new)),
            Tuple.of(
                5,
                Combinators.combine(slot, user, amount, Arbitraries.integers().between(-3, 5))
                    .as(Pay::new)),
            Tuple.of(
                2,
                Combinators.combine(
                        slot, user, user, amount, Arbitraries.of(false, false, false, true))
                    .as(Trans::new)),
            Tuple.of(
                1,
                Combinators.combine(slot, Arbitraries.integers().between(0, 3))
                    .as(ListOnline::new)),
            Tuple.of(1, slot.map(History::new)));
    return action.list().ofMinSize(5).ofMaxSize(40);
  }

  // ---- the model -------------------------------------------------------------------------------

  private static final class Model {
    final String[] names = new String[USERS];
    final KeyPair[] keys = new KeyPair[USERS];
    final Map<Integer, Long> balances = new HashMap<>(); // registered users only
    final Map<Integer, Integer> transfers = new HashMap<>(); // per user, deposit included
    final Session[] sessions = new Session[USERS];
    final Integer[] loggedIn = new Integer[USERS]; // user per slot
    final Map<TransferId, String> applied = new HashMap<>(); // id -> payer|payee|amount
    final List<Pay> pays = new ArrayList<>();
    final List<TransferId> payIds = new ArrayList<>();
    long deposited;

    boolean online(int user) {
      for (Integer u : loggedIn) {
        if (u != null && u == user) {
          return true;
        }
      }
      return false;
    }

    void moved(int payer, int payee, long amount) {
      balances.merge(payer, -amount, Long::sum);
      balances.merge(payee, amount, Long::sum);
      transfers.merge(payer, 1, Integer::sum);
      transfers.merge(payee, 1, Integer::sum);
    }
  }

  @Property(tries = 60)
  void theSessionCoreKeepsPresenceAndMoneyTrue(@ForAll("scripts") List<Action> script)
      throws Exception {
    int run = TRIES.incrementAndGet();
    Model model = new Model();
    for (int u = 0; u < USERS; u++) {
      model.names[u] =
          "core" + run + "u" + u + "x" + Integer.toHexString(new SecureRandom().nextInt() & 0xffff);
      model.keys[u] = u == KEYLESS ? null : ecKeys();
    }
    Sessions sessions =
        new Sessions(
            vertx,
            TestShared.of(
                new LoginThrottle(1_000_000, 1_000_000, 60_000, 1_000, System::currentTimeMillis),
                presenceView(),
                new KeyCache(1_000),
                new Challenges(60_000, 1_000, System::currentTimeMillis)));
    Context context = vertx.getOrCreateContext();
    for (int s = 0; s < USERS; s++) {
      model.sessions[s] = openSession(sessions, model, s);
    }
    try {
      for (Action action : script) {
        step(context, sessions, model, action);
        checkPresence(sessions, model);
      }
    } finally {
      for (Session session : model.sessions) {
        await(context, session::close);
      }
    }
    for (int s = 0; s < USERS; s++) {
      model.loggedIn[s] = null;
    }
    checkPresence(sessions, model);
    checkBalances(sessions, model);
  }

  private static PresenceView presenceView() {
    return new PresenceView();
  }

  private static Session openSession(Sessions sessions, Model model, int slot) {
    byte[] tlsKey = model.keys[slot] == null ? null : model.keys[slot].getPublic().getEncoded();
    return sessions.open(new Peer("test", "127.0.0.1", tlsKey));
  }

  private void step(Context context, Sessions sessions, Model model, Action action)
      throws Exception {
    if (action instanceof Register r) {
      register(context, model, r);
    } else if (action instanceof Login l) {
      login(context, sessions, model, l);
    } else if (action instanceof Logout l) {
      await(context, () -> model.sessions[l.slot()].logout());
      model.loggedIn[l.slot()] = null;
    } else if (action instanceof Close c) {
      await(context, () -> model.sessions[c.slot()].close());
      model.loggedIn[c.slot()] = null;
      model.sessions[c.slot()] = openSession(sessions, model, c.slot());
    } else if (action instanceof Pay p) {
      pay(context, model, p);
    } else if (action instanceof Trans t) {
      trans(context, model, t);
    } else if (action instanceof ListOnline l) {
      Result<Views.OnlinePage> page =
          await(context, () -> model.sessions[l.slot()].online(l.offset(), 2));
      Integer user = model.loggedIn[l.slot()];
      if (user == null) {
        assertRefused(page, Refusal.LOGIN_FIRST);
      } else {
        Views.OnlinePage ok = ((Result.Ok<Views.OnlinePage>) page).value();
        long online = Stream.of(model.loggedIn).filter(u -> u != null).count();
        assertThat((long) ok.total()).isEqualTo(online);
        assertThat(ok.users()).hasSize((int) Math.max(0, Math.min(2, online - l.offset())));
        assertThat(ok.balance()).isEqualTo(model.balances.get(user));
      }
    } else if (action instanceof History h) {
      Result<LedgerViews.History> history =
          await(context, () -> model.sessions[h.slot()].history(0, 100));
      Integer user = model.loggedIn[h.slot()];
      if (user == null) {
        assertRefused(history, Refusal.LOGIN_FIRST);
      } else {
        assertThat(((Result.Ok<LedgerViews.History>) history).value().total())
            .isEqualTo((long) model.transfers.get(user));
      }
    } else {
      throw new AssertionError("unknown action " + action);
    }
  }

  private void register(Context context, Model model, Register r) throws Exception {
    byte[] key =
        model.keys[r.user()] == null ? null : model.keys[r.user()].getPublic().getEncoded();
    Result<LedgerViews.Registration> result =
        await(context, () -> model.sessions[0].register(model.names[r.user()], r.deposit(), key));
    if (model.balances.containsKey(r.user())) {
      assertThat(result).isInstanceOf(Result.Refused.class);
      return;
    }
    assertThat(result).isInstanceOf(Result.Ok.class);
    model.balances.put(r.user(), r.deposit());
    model.transfers.put(r.user(), 1);
    model.deposited += r.deposit();
  }

  private void login(Context context, Sessions sessions, Model model, Login l) throws Exception {
    Session session = model.sessions[l.slot()];
    if (l.closeAtOnce()) {
      // The connection closes while its login is in flight: whatever the login finds, the
      // session's presence must not survive it.
      Promise<Result<Views.Login>> login = Promise.promise();
      Promise<Void> close = Promise.promise();
      context.runOnContext(
          v -> {
            session.login(model.names[l.user()], 0, new Proof.TlsHandshake()).onComplete(login);
            session.close().onComplete(close);
          });
      Result<Views.Login> result = get(login.future());
      get(close.future());
      assertThat(result).isInstanceOf(Result.Refused.class);
      model.loggedIn[l.slot()] = null;
      model.sessions[l.slot()] = openSession(sessions, model, l.slot());
      return;
    }
    Result<Views.Login> result =
        await(context, () -> session.login(model.names[l.user()], 0, new Proof.TlsHandshake()));
    boolean registered = model.balances.containsKey(l.user());
    boolean keyFits = l.user() == KEYLESS || l.user() == l.slot();
    if (model.loggedIn[l.slot()] != null) {
      assertRefused(result, Refusal.ALREADY_LOGGED_IN);
    } else if (!registered || !keyFits) {
      assertRefused(result, Refusal.AUTH_FAIL);
    } else if (model.online(l.user())) {
      assertRefused(result, Refusal.ALREADY_ONLINE);
    } else {
      assertThat(result).isInstanceOf(Result.Ok.class);
      assertThat(((Result.Ok<Views.Login>) result).value().keyProven())
          .isEqualTo(l.user() != KEYLESS);
      model.loggedIn[l.slot()] = l.user();
    }
  }

  private void pay(Context context, Model model, Pay asked) throws Exception {
    Pay p = asked;
    TransferId id;
    if (asked.retry() >= 0 && asked.retry() < model.pays.size()) {
      p = model.pays.get(asked.retry());
      id = model.payIds.get(asked.retry());
    } else {
      id = TransferId.random(new SecureRandom());
      model.pays.add(p);
      model.payIds.add(id);
    }
    Pay pay = p;
    Payment payment =
        await(
            context,
            () -> model.sessions[pay.slot()].pay(id, model.names[pay.payee()], pay.amount()));
    assertThat(payment.id()).isEqualTo(id);
    Integer payer = model.loggedIn[p.slot()];
    if (payer == null) {
      assertPaymentRefused(payment, Refusal.LOGIN_FIRST);
    } else if (payer == KEYLESS) {
      assertPaymentRefused(payment, Refusal.KEY_PROOF_REQUIRED);
    } else {
      expectLedger(model, payment, id, payer, p.payee(), p.amount());
    }
  }

  private void trans(Context context, Model model, Trans t) throws Exception {
    TransferId id = TransferId.random(new SecureRandom());
    byte[] text =
        (id + "#" + model.names[t.payer()] + "#" + model.names[t.payee()] + "#" + t.amount())
            .getBytes(StandardCharsets.UTF_8);
    KeyPair payerKeys = model.keys[t.payer()];
    KeyPair payeeKeys = model.keys[t.payee()];
    byte[] payerSignature =
        payerKeys == null ? new byte[64] : Signatures.sign(payerKeys.getPrivate(), text);
    byte[] payeeSignature =
        payeeKeys == null ? new byte[64] : Signatures.sign(payeeKeys.getPrivate(), text);
    if (t.forged()) {
      payerSignature[payerSignature.length / 2] ^= 1;
    }
    byte[] a = payerSignature;
    byte[] b = payeeSignature;
    Session.Countersigned signed =
        new Session.Countersigned(
            id,
            model.names[t.payer()],
            model.names[t.payee()],
            t.amount(),
            (payerKey, payeeKey) ->
                Signatures.verify(payerKey, text, a) && Signatures.verify(payeeKey, text, b)
                    ? new Session.Proofs(a, b)
                    : null);
    Payment payment = await(context, () -> model.sessions[t.slot()].payCountersigned(signed));
    assertThat(payment.id()).isEqualTo(id);
    Integer submitter = model.loggedIn[t.slot()];
    boolean keyed =
        model.balances.containsKey(t.payer())
            && model.balances.containsKey(t.payee())
            && t.payer() != KEYLESS
            && t.payee() != KEYLESS;
    if (submitter == null) {
      assertPaymentRefused(payment, Refusal.LOGIN_FIRST);
    } else if (submitter != t.payee()) {
      assertPaymentRefused(payment, Refusal.NOT_PAYEE);
    } else if (submitter == KEYLESS) {
      assertPaymentRefused(payment, Refusal.KEY_PROOF_REQUIRED);
    } else if (!keyed) {
      assertThat(payment).isInstanceOf(Payment.Refused.class);
    } else if (t.forged()) {
      assertPaymentRefused(payment, Refusal.BAD_SIGNATURE);
    } else {
      expectLedger(model, payment, id, t.payer(), t.payee(), t.amount());
    }
  }

  /** What the ledger must answer for a payment the session core let through. */
  private static void expectLedger(
      Model model, Payment payment, TransferId id, int payer, int payee, long amount) {
    String content = payer + "|" + payee + "|" + amount;
    String before = model.applied.get(id);
    if (before != null) {
      if (before.equals(content)) {
        assertThat(payment)
            .isInstanceOfSatisfying(
                Payment.Paid.class, paid -> assertThat(paid.duplicate()).isTrue());
      } else {
        assertPaymentRefused(payment, "ID_REUSED");
      }
      return;
    }
    Long payerBalance = model.balances.get(payer);
    if (!model.balances.containsKey(payee) || payer == payee || payerBalance < amount) {
      assertThat(payment).isInstanceOf(Payment.Refused.class);
      return;
    }
    assertThat(payment)
        .isInstanceOfSatisfying(
            Payment.Paid.class,
            paid -> {
              assertThat(paid.duplicate()).isFalse();
              assertThat(paid.payerBalance()).isEqualTo(payerBalance - amount);
            });
    model.applied.put(id, content);
    model.moved(payer, payee, amount);
  }

  // ---- checks ----------------------------------------------------------------------------------

  /** Presence holds exactly the model's logged-in users, each owned by its current session. */
  private void checkPresence(Sessions sessions, Model model) throws Exception {
    Set<String> expected = new HashSet<>();
    Map<String, String> owners = new HashMap<>();
    for (int s = 0; s < USERS; s++) {
      Integer user = model.loggedIn[s];
      if (user != null) {
        expected.add(model.names[user]);
        owners.put(AccountName.key(model.names[user]), model.sessions[s].id());
      }
    }
    Set<String> inView = new HashSet<>();
    sessions.presence().page(0, Integer.MAX_VALUE).forEach(e -> inView.add(e.name()));
    assertThat(inView).isEqualTo(expected);
    AsyncMap<String, JsonObject> map =
        get(vertx.sharedData().<String, JsonObject>getAsyncMap(Presence.MAP_NAME));
    for (int u = 0; u < USERS; u++) {
      String key = AccountName.key(model.names[u]);
      JsonObject entry = get(map.get(key));
      if (owners.containsKey(key)) {
        assertThat(entry).isNotNull();
        assertThat(entry.getString("session")).isEqualTo(owners.get(key));
      } else {
        assertThat(entry).as("presence of %s", model.names[u]).isNull();
      }
    }
  }

  private void checkBalances(Sessions sessions, Model model) throws Exception {
    long sum = 0;
    for (Map.Entry<Integer, Long> registered : model.balances.entrySet()) {
      String name = model.names[registered.getKey()];
      LedgerReply<LedgerViews.Account> reply = get(sessions.ledger().account(name));
      assertThat(reply).isInstanceOf(LedgerReply.Ok.class);
      LedgerViews.Account account = ((LedgerReply.Ok<LedgerViews.Account>) reply).value();
      assertThat(account.balance()).as("balance of %s", name).isEqualTo(registered.getValue());
      assertThat(account.transferCount())
          .as("transfers of %s", name)
          .isEqualTo((long) model.transfers.get(registered.getKey()));
      sum += account.balance();
    }
    assertThat(sum).isEqualTo(model.deposited);
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private static void assertRefused(Result<?> result, String code) {
    assertThat(result)
        .isInstanceOfSatisfying(
            Result.Refused.class, refused -> assertThat(refused.refusal().code()).isEqualTo(code));
  }

  private static void assertPaymentRefused(Payment payment, String code) {
    assertThat(payment)
        .isInstanceOfSatisfying(
            Payment.Refused.class, refused -> assertThat(refused.refusal().code()).isEqualTo(code));
  }

  /** Runs {@code call} on the sessions' context, as an entry point would, and waits for it. */
  private static <T> T await(Context context, Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return get(promise.future());
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
