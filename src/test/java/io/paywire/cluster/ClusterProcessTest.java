package io.paywire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.TransferId;
import io.paywire.ledger.Verifier;
import io.paywire.protocol.SignedText;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.ClusterProcesses;
import io.paywire.testing.TlsLineClient;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real Paywire processes as one cluster: users on different nodes see each other and pay each
 * other, directly and peer to peer; an HTTP user on a third node sees them and the payment it
 * received; every member's data directory then passes {@code verify} with the same head. Their Raft
 * ports answer only a client with the cluster key.
 */
@Tag("slow")
class ClusterProcessTest {

  static final Duration TAKEOVER = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** A text-protocol user with a key bound to its account. */
  record User(String name, KeyPair keys, X509Certificate certificate) {

    static User create(String name) {
      KeyPair keys = KeyType.EC.generate();
      return new User(name, keys, Certificates.selfSigned(keys, name, Duration.ofDays(1)));
    }

    TlsLineClient connect(ClusterProcesses.Member member) throws Exception {
      return TlsLineClient.connect(member.tlsPort(), member.fingerprint(), keys, certificate);
    }

    String sign(byte[] text) {
      return Base64.getEncoder().encodeToString(Signatures.sign(keys.getPrivate(), text));
    }
  }

  static TlsLineClient registeredAndLoggedIn(
      User user, ClusterProcesses.Member member, long deposit) throws Exception {
    TlsLineClient client = user.connect(member);
    Awaitility.await()
        .atMost(TAKEOVER)
        .until(() -> client.ask("REGISTER#" + user.name() + "#" + deposit).equals("100 OK"));
    assertThat(client.askList(user.name() + "#0").get(0)).isEqualTo(Long.toString(deposit));
    return client;
  }

  static String trans(User payer, long amount, User payee, TransferId id) {
    String payerSignature =
        payer.sign(SignedText.signedByPayer(payer.name(), amount, payee.name(), id));
    String payeeSignature =
        payee.sign(
            SignedText.signedByPayee(payer.name(), amount, payee.name(), id, payerSignature));
    return SignedText.transLine(
        payer.name(), amount, payee.name(), id, payerSignature, payeeSignature);
  }

  /**
   * Stops every running member (SIGTERM) once they agree on a head, and checks each data directory,
   * killed members' too, as `paywire verify` does: the journals of the members that ran end where
   * their /health said (no entry came after they agreed). Every journal's head.
   */
  static Set<String> verifiedHeads(ClusterProcesses cluster) throws Exception {
    // A member stopped while it still catches up keeps a shorter (valid) journal: stop them only
    // once every running member says it has applied up to the same head.
    List<ClusterProcesses.Member> running =
        cluster.members().stream().filter(ClusterProcesses.Member::running).toList();
    Set<String> reported =
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    running.stream()
                        .map(m -> m.head().orElse("unknown"))
                        .collect(Collectors.toSet()),
                heads -> heads.size() == 1 && !heads.contains("unknown"));
    for (ClusterProcesses.Member member : running) {
      member.jvm().sigterm();
      assertThat(member.jvm().awaitExit(60_000)).isEqualTo(0);
    }
    for (ClusterProcesses.Member member : running) {
      assertThat(verifiedHead(member))
          .as("journal of %s", member.dataDirectory)
          .isEqualTo(reported.iterator().next());
    }
    return verify(cluster);
  }

  /**
   * Checks each (stopped or killed) member's data directory as {@code paywire verify} does (its
   * {@link Verifier}, in this JVM rather than a JVM per member; the command itself is tested in
   * {@code cli/ServerProcessTest}); each journal's {@code head <hash>}.
   */
  static Set<String> verify(ClusterProcesses cluster) throws Exception {
    Set<String> heads = new HashSet<>();
    for (ClusterProcesses.Member member : cluster.members()) {
      heads.add("head " + verifiedHead(member));
    }
    return heads;
  }

  private static String verifiedHead(ClusterProcesses.Member member) throws IOException {
    return Verifier.verify(member.dataDirectory.resolve("ledger")).headHash();
  }

  /**
   * Every member's Raft port runs mutual TLS with the cluster key (the production wiring): a plain
   * gRPC client, or one with another key, gets no answer, one with the cluster key does.
   */
  static void assertRaftNeedsTheClusterKey(Path work, ClusterProcesses cluster) throws IOException {
    List<RaftLedger.Member> members =
        cluster.members().stream()
            .map(
                m ->
                    new RaftLedger.Member(
                        new ClusterOptions.HostPort("127.0.0.1", m.clusterPort).raftId(),
                        "127.0.0.1",
                        m.clusterPort + ClusterOptions.RAFT_PORT_OFFSET))
            .toList();
    RaftGroup group =
        RaftGroup.valueOf(
            RaftLedger.GROUP_ID, members.stream().map(RaftLedger.Member::peer).toList());
    Path otherKey = work.resolve("other-cluster-key");
    ClusterKeys.generate(otherKey);
    Parameters wrong = RaftTls.load(ClusterKeys.in(otherKey)).parameters();
    Parameters right =
        RaftTls.load(ClusterKeys.in(work.resolve("certs").resolve("cluster"))).parameters();
    for (RaftLedger.Member member : members) {
      RaftPeerId id = RaftPeerId.valueOf(member.id());
      for (Parameters refused : Arrays.asList(null, wrong)) {
        try (RaftClient client =
            RaftTlsTest.client(group, member.id(), RaftSettings.DEFAULTS, refused)) {
          assertThatThrownBy(() -> client.getGroupManagementApi(id).info(RaftLedger.GROUP_ID))
              .as("member %s answered a client without the cluster key", member.id())
              .isInstanceOfAny(IOException.class, StatusRuntimeException.class);
        }
      }
      try (RaftClient client =
          RaftTlsTest.client(group, member.id(), RaftSettings.DEFAULTS, right)) {
        assertThat(client.getGroupManagementApi(id).info(RaftLedger.GROUP_ID).isSuccess()).isTrue();
      }
    }
  }

  /**
   * A member's log until its cluster has a leader (docs/operations.md): Paywire's lines and no
   * library's, no error, no stack trace. A JVM pause Ratis reports is allowed: on the loaded test
   * machine a pause is real.
   */
  static void assertQuietStart(ClusterProcesses cluster) {
    for (ClusterProcesses.Member member : cluster.members()) {
      assertThat(member.jvm().stderr())
          .as("log of member %s", member.index)
          .hasSizeLessThan(MAX_START_LOG_LINES)
          .noneMatch(line -> line.contains(" SEVERE "))
          .noneMatch(line -> line.contains(" WARNING ") && !line.contains("JvmPauseMonitor"))
          .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by"));
    }
  }

  /**
   * A member's start: joining, ledger recovered and opened, Raft started, leading or not, a member
   * reached late, a snapshot; twice that to spare (it printed 170 to 240 before).
   */
  static final int MAX_START_LOG_LINES = 30;

  @Test
  void usersOnDifferentNodesSeeEachOtherAndPayDirectlyAndPeerToPeer() throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.of(dir, 3).startAll()) {
      Awaitility.await().atMost(TAKEOVER).until(() -> cluster.leader().isPresent());
      assertQuietStart(cluster);
      assertRaftNeedsTheClusterKey(dir, cluster);
      ClusterProcesses.Member a = cluster.member(0);
      ClusterProcesses.Member b = cluster.member(1);
      ClusterProcesses.Member c = cluster.member(2);
      User alice = User.create("alice");
      User bob = User.create("bob");
      try (TlsLineClient onA = registeredAndLoggedIn(alice, a, 1_000);
          TlsLineClient onB = registeredAndLoggedIn(bob, b, 500)) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    onA.askList("LIST").contains("bob#127.0.0.1#0")
                        && onB.askList("LIST").contains("alice#127.0.0.1#0"));

        TransferId direct = TransferId.parseOrNull("a1".repeat(16));
        assertThat(onA.ask("PAY#bob#100#" + direct)).startsWith("TRANS OK " + direct);
        TransferId peer = TransferId.parseOrNull("b2".repeat(16));
        // Peer to peer: bob pays alice; alice (the payee) countersigns and submits on node A.
        assertThat(onA.ask(trans(bob, 30, alice, peer))).startsWith("TRANS OK " + peer);
        assertThat(onA.askList("LIST").get(0)).isEqualTo(Long.toString(1_000 - 100 + 30));
        assertThat(onB.askList("LIST").get(0)).isEqualTo(Long.toString(500 + 100 - 30));

        // An HTTP user on node C sees both, and a payment bob makes to it.
        ApiClient api = new ApiClient(c.httpPort(), dir.resolve("certs").resolve("ca.crt"));
        ApiUser carol = ApiUser.loggedIn(api, "carol", 10);
        String online = api.get("/online", carol.token()).json().encode();
        assertThat(online).contains("\"alice\"").contains("\"bob\"").contains("\"carol\"");
        TransferId toCarol = TransferId.parseOrNull("c3".repeat(16));
        assertThat(onB.ask("PAY#carol#25#" + toCarol)).startsWith("TRANS OK " + toCarol);
        assertThat(api.get("/transfers?account=carol", carol.token()).json().encode())
            .contains(toCarol.toString())
            .contains("\"source\":\"bob\"");
        assertThat(api.get("/accounts/carol", carol.token()).json().getLong("balance"))
            .isEqualTo(35);
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> onA.askList("LIST").contains("carol#127.0.0.1#0"));
      }
      // The leader's metrics count the Raft entries it proposed and saw applied.
      ClusterProcesses.Member leader = cluster.leader().orElseThrow();
      assertThat(leader.metric("paywire_ledger_batch_transfers_count")).isGreaterThan(0);
      assertThat(leader.metric("paywire_ledger_fsync_seconds_count")).isGreaterThan(0);
      assertThat(verifiedHeads(cluster)).hasSize(1);
    }
  }
}
