package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outsider, with no login, cannot tell whether a name is an account (docs/security.md, "What an
 * outsider can learn"): account look-ups need a login, and a signed payment from a payer that does
 * not exist, has no key or has a key of another type is answered as one with a wrong signature.
 */
class AccountEnumerationTest {

  @TempDir static Path dir;
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir);
    api = ApiClient.of(node, dir);
    ApiUser.loggedIn(api, "present", 100);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void lookingUpAnAccountNeedsALoginAndAnswersAlikeForEveryName() throws Exception {
    ApiClient.Reply present = api.get("/accounts/present");
    ApiClient.Reply absent = api.get("/accounts/absent");
    assertThat(present.status()).isEqualTo(401);
    assertThat(present.bytes()).isEqualTo(absent.bytes());
  }

  @Test
  void aSignedPaymentFromANameThatIsNoAccountLooksLikeAWrongSignature() throws Exception {
    ApiUser impostor = ApiUser.of(api, "present", KeyType.EC); // not present's key
    ApiUser ghost = ApiUser.of(api, "ghost", KeyType.EC);
    ApiUser rsaGhost = ApiUser.of(api, "present", KeyType.RSA); // a key of another type
    String id = "0123456789abcdef0123456789abcdef";
    ApiClient.Reply wrongKey = impostor.pay("someone", 1, id);
    ApiClient.Reply noSuchPayer = ghost.pay("someone", 1, id);
    ApiClient.Reply otherType = rsaGhost.pay("someone", 1, id);
    assertThat(wrongKey.status()).isEqualTo(401);
    for (ApiClient.Reply reply : new ApiClient.Reply[] {noSuchPayer, otherType}) {
      assertThat(reply.status()).isEqualTo(wrongKey.status());
      assertThat(reply.bytes()).isEqualTo(wrongKey.bytes());
    }
    JsonObject body = wrongKey.json();
    assertThat(body.getString("error")).isEqualTo("BAD_SIGNATURE");
  }
}
