package io.paywire.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.compat.OriginalClient.Identity;
import io.paywire.compat.OriginalClient.Listing;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An original client on the compatibility listener and a current client on the main TLS listener
 * share one ledger and one presence: they see each other, pay each other, and an account's key is
 * the same on both.
 */
class CompatMixedTest {

  @TempDir static Path directory;
  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(directory, new JsonObject(), new JsonObject());
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private static OriginalClient original(Identity identity) throws Exception {
    return OriginalClient.connect(node.port("compat"), node.fingerprint(), identity);
  }

  private static TlsLineClient current(KeyPair keys, X509Certificate certificate) throws Exception {
    return TlsLineClient.connect(node.tlsPort(), node.fingerprint(), keys, certificate);
  }

  @Test
  void originalAndCurrentUsersListEachOtherAndTheCurrentOnePaysTheOriginalOne() throws Exception {
    Identity oldie = Identity.fresh("Oldie");
    KeyPair newKeys = KeyType.EC.generate();
    X509Certificate newCertificate = Certificates.selfSigned(newKeys, "Newbie", Duration.ofDays(1));
    try (OriginalClient old = original(oldie);
        TlsLineClient modern = current(newKeys, newCertificate)) {
      assertThat(old.register("Oldie", 100)).isEqualTo("100 OK");
      assertThat(old.login("Oldie", 4100)).isEqualTo("100\n1\nOldie#127.0.0.1#4100\n");
      assertThat(modern.ask("REGISTER#Newbie#700")).isEqualTo("100 OK");
      assertThat(modern.askList("Newbie#0")).startsWith("700", "2");

      assertThat(Listing.parse(old.list()).users())
          .containsExactlyInAnyOrder("Oldie#127.0.0.1#4100", "Newbie#127.0.0.1#0");
      List<String> modernList = modern.askList("LIST");
      assertThat(modernList.subList(2, modernList.size()))
          .containsExactlyInAnyOrder("Oldie#127.0.0.1#4100", "Newbie#127.0.0.1#0");

      assertThat(modern.ask("PAY#Oldie#250")).matches("TRANS OK [0-9a-f]{32} 450");
      assertThat(Listing.parse(old.list()).balance()).isEqualTo(350);
      assertThat(modern.askList("LIST").get(0)).isEqualTo("450");

      // The RSA key of the original client's certificate is what REGISTER bound to the account.
      String oldKey = Base64.getEncoder().encodeToString(oldie.publicKey().getEncoded());
      assertThat(modern.ask("KEY#Oldie")).startsWith("KEY Oldie " + oldKey + " ");
      // One namespace for both listeners, case ignored (fresh keys, so only the name can clash).
      try (OriginalClient another = original(Identity.fresh("another"))) {
        assertThat(another.register("NEWBIE", 5)).isEqualTo("210 FAIL");
      }
      KeyPair otherKeys = KeyType.EC.generate();
      try (TlsLineClient other =
          current(otherKeys, Certificates.selfSigned(otherKeys, "other", Duration.ofDays(1)))) {
        assertThat(other.ask("REGISTER#oldie#5")).startsWith("210 FAIL NAME_TAKEN");
      }

      assertThat(old.exit()).isEqualTo("Bye");
    }
    // The same key logs in to the same account through the main listener.
    try (TlsLineClient sameKey = current(oldie.keys(), oldie.certificate())) {
      assertThat(sameKey.askList("Oldie#0")).startsWith("350");
    }
  }
}
