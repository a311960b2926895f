package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.cluster.ClusterJoin;
import io.paywire.cluster.ClusterKeys;
import io.paywire.cluster.ClusterOptions;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.LedgerOptions;
import io.paywire.node.LedgerVerticle;
import io.paywire.session.Challenges;
import io.paywire.session.KeyCache;
import io.paywire.session.LoginThrottle;
import io.paywire.session.Peer;
import io.paywire.session.PresenceView;
import io.paywire.session.Proof;
import io.paywire.session.Result;
import io.paywire.session.Session;
import io.paywire.session.Sessions;
import io.paywire.session.Views;
import io.paywire.testing.FreePorts;
import io.paywire.testing.TestShared;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of a cluster in this JVM, as far as API logins go: two Vert.x instances clustered on
 * Hazelcast with the mutual-TLS event bus (the presence map and its events are cluster-wide), each
 * with its own session core and session tokens, one ledger (on node A, reached over the clustered
 * bus by both). An API login replaced on node B ends the old token on node A.
 */
class ClusteredLoginReplacedTest {

  private static final Path CLUSTER_XML = Path.of("conf", "cluster.xml");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<ClusterJoin.Joined> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ClusterJoin.Joined joined : started) {
      joined.vertx().close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** One node's API side: its session core and its session tokens, on one context. */
  private record Node(
      ClusterJoin.Joined joined, Context context, Sessions sessions, SessionTokens tokens) {

    <T> T call(Supplier<Future<T>> call) throws Exception {
      Promise<T> done = Promise.promise();
      context.runOnContext(v -> call.get().onComplete(done));
      return done.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Logs in with a signed challenge as ApiVerticle does, replacing an earlier API login. */
    SessionTokens.Login login(String name, KeyPair keys) throws Exception {
      Session session = sessions.open(new Peer("http", "127.0.0.1", null));
      byte[] nonce = ((Result.Ok<byte[]>) sessions.challenge(name, "127.0.0.1")).value();
      Result<Views.Login> result =
          call(
              () ->
                  session.login(
                      name,
                      0,
                      new Proof.SignedChallenge(nonce, Signatures.sign(keys.getPrivate(), nonce)),
                      tokens::endSession));
      assertThat(result).isInstanceOf(Result.Ok.class);
      return tokens.issue(name, session, context);
    }

    boolean accepts(SessionTokens.Login login) throws Exception {
      return call(
          () ->
              tokens
                  .authenticate(tokens.token(login))
                  .transform(done -> Future.succeededFuture(done.succeeded())));
    }
  }

  private Node node(ClusterOptions options, String name) throws Exception {
    ClusterJoin.Joined joined =
        ClusterJoin.start(new VertxOptions(), null, options)
            .toCompletionStage()
            .toCompletableFuture()
            .get(120, TimeUnit.SECONDS);
    started.add(joined);
    PresenceView view = new PresenceView();
    view.follow(joined.vertx());
    Sessions.Shared shared =
        TestShared.of(
            name,
            new LoginThrottle(1_000, 1_000, 60_000, 1_000, System::currentTimeMillis),
            view,
            new KeyCache(100),
            new Challenges(60_000, 100, System::currentTimeMillis));
    Context context = joined.vertx().getOrCreateContext();
    // The same token key on both nodes would not matter: a token is live only where issued.
    SessionTokens tokens = new SessionTokens(joined.vertx(), KeyType.EC.generate(), 900, 10, 10);
    return new Node(joined, context, new Sessions(joined.vertx(), shared), tokens);
  }

  @Test
  void aLoginReplacedOnAnotherNodeEndsTheOldTokenOnItsNode() throws Exception {
    Path keys = dir.resolve("keys");
    ClusterKeys.generate(keys);
    // Three listed (a cluster's minimum); two are enough for Hazelcast and the event bus.
    List<ClusterOptions.HostPort> members =
        List.of(
            new ClusterOptions.HostPort("127.0.0.1", FreePorts.one()),
            new ClusterOptions.HostPort("127.0.0.1", FreePorts.one()),
            new ClusterOptions.HostPort("127.0.0.1", FreePorts.one()));
    Node a =
        node(
            new ClusterOptions(
                "127.0.0.1",
                members.get(0).port(),
                FreePorts.one(),
                FreePorts.one(),
                members,
                keys,
                CLUSTER_XML),
            "node-a");
    Node b =
        node(
            new ClusterOptions(
                "127.0.0.1",
                members.get(1).port(),
                FreePorts.one(),
                FreePorts.one(),
                members,
                keys,
                CLUSTER_XML),
            "node-b");
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> a.joined().hazelcast().getCluster().getMembers().size() == 2);
    a.joined()
        .vertx()
        .deployVerticle(
            new LedgerVerticle(
                new LedgerVerticle.Settings(
                    dir.resolve("ledger"), LedgerOptions.DEFAULTS, 1_000, 1_000),
                Clock.systemUTC()))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    KeyPair alice = KeyType.EC.generate();
    Session registering = b.sessions().open(new Peer("http", "127.0.0.1", null));
    // Node B reaches A's ledger once the ledger's consumers are known cluster-wide.
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                b.call(() -> registering.register("alice", 100L, alice.getPublic().getEncoded()))
                    instanceof Result.Ok);

    SessionTokens.Login first = a.login("alice", alice);
    assertThat(a.accepts(first)).isTrue();
    SessionTokens.Login second = b.login("alice", alice);
    assertThat(b.accepts(second)).isTrue();

    Awaitility.await().atMost(WAIT).until(() -> !a.accepts(first));
    assertThat(a.tokens().isLive(first.jti())).isFalse();
    assertThat(b.accepts(second)).as("the newer login goes on").isTrue();
  }
}
