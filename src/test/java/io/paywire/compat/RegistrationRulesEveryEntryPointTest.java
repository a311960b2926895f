package io.paywire.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.compat.OriginalClient.Identity;
import io.paywire.crypto.Certificates;
import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.TestNode;
import io.paywire.testing.TlsLineClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may register, with which name and opening balance, is one rule of the session core: the text
 * protocol, the compatibility listener and the HTTPS API all answer it alike (issue 21, findings 1
 * and 6).
 */
class RegistrationRulesEveryEntryPointTest {

  @TempDir Path dir;

  private static TlsLineClient text(TestNode node, String name) throws Exception {
    KeyPair keys = KeyType.EC.generate();
    return TlsLineClient.connect(
        node.tlsPort(),
        node.fingerprint(),
        keys,
        Certificates.selfSigned(keys, name, Duration.ofDays(1)));
  }

  private static OriginalClient original(TestNode node, String name) throws Exception {
    return OriginalClient.connect(node.port("compat"), node.fingerprint(), Identity.fresh(name));
  }

  private TestNode start(JsonObject ledger, JsonObject session) throws Exception {
    return TestNode.startWith(
        dir,
        new JsonObject()
            .put("ledger", ledger)
            .put("session", session)
            .put("node", new JsonObject().put("compatPort", 0))
            .put("compat", new JsonObject()));
  }

  @Test
  void enrollmentHoldsOnTheTextAndCompatibilityListenersToo() throws Exception {
    Path enrollment = dir.resolve("enrollment.csv");
    Files.writeString(enrollment, "e100001,correct horse\n");
    try (TestNode node =
        start(
            new JsonObject().put("enrollmentFile", enrollment.toString()),
            new JsonObject().put("openingDeposit", "fixed"))) {
      try (TlsLineClient squatter = text(node, "e100001")) {
        assertThat(squatter.ask("REGISTER#e100001#1000000000"))
            .startsWith("210 FAIL ENROLLMENT_REQUIRED")
            .contains("POST /register");
        assertThat(squatter.ask("REGISTER#stranger#5")).startsWith("210 FAIL ENROLLMENT_REQUIRED");
      }
      try (OriginalClient squatter = original(node, "e100001")) {
        assertThat(squatter.register("e100001", 1_000_000_000)).isEqualTo("210 FAIL");
      }
      ApiClient api = ApiClient.of(node, dir);
      ApiUser student = ApiUser.of(api, "e100001", KeyType.EC);
      ApiClient.Reply registered = student.register(1_000_000_000L, "correct horse");
      assertThat(registered.status()).as("%s", registered).isEqualTo(201);
      assertThat(registered.json().getLong("balance"))
          .as("the fixed opening balance, not the stated one")
          .isEqualTo(10_000);
    }
  }

  @Test
  void theRegistrationRateHoldsPerAddressAcrossEntryPoints() throws Exception {
    try (TestNode node =
        start(new JsonObject(), new JsonObject().put("registrationsPerMinute", 3))) {
      for (int i = 0; i < 3; i++) {
        try (TlsLineClient client = text(node, "flood" + i)) { // a key binds one account
          assertThat(client.ask("REGISTER#flood" + i + "#1")).isEqualTo("100 OK");
        }
      }
      try (TlsLineClient client = text(node, "flood3")) {
        assertThat(client.ask("REGISTER#flood3#1")).startsWith("210 FAIL RATE_LIMITED");
      }
      try (OriginalClient original = original(node, "flood4")) {
        assertThat(original.register("flood4", 1)).isEqualTo("210 FAIL");
      }
      ApiClient.Reply https =
          ApiUser.of(ApiClient.of(node, dir), "flood5", KeyType.EC).register(null, null);
      assertThat(https.status()).isEqualTo(429);
      assertThat(https.json().getString("error")).isEqualTo("RATE_LIMITED");
      assertThat(https.header("Retry-After")).isNotNull();
    }
  }

  @Test
  void byDefaultEveryAccountOpensWithTheFixedBalanceWhateverItStates() throws Exception {
    try (TestNode node = start(new JsonObject(), new JsonObject().put("openingDeposit", "fixed"));
        TlsLineClient client = text(node, "minter")) {
      assertThat(client.ask("REGISTER#minter#1000000000")).isEqualTo("100 OK");
      assertThat(client.askList("minter#0").get(0)).isEqualTo("10000");
    }
  }

  @Test
  void lookAlikeAndUnreachableNamesAreRefusedEverywhere() throws Exception {
    List<String> bad =
        List.of(
            "lssuer", "Issuer", "i.ssuer", "issuer.", "alice.", "-", "_", ".", "..", "9lives",
            "a..b", "r00t", "adm1n");
    try (TestNode node = start(new JsonObject(), new JsonObject());
        TlsLineClient client = text(node, "names")) {
      ApiClient api = ApiClient.of(node, dir);
      for (String name : bad) {
        assertThat(client.ask("REGISTER#" + name + "#5"))
            .as(name)
            .startsWith("210 FAIL INVALID_NAME");
        ApiClient.Reply https = ApiUser.of(api, name, KeyType.EC).register(null, null);
        assertThat(https.status()).as(name).isEqualTo(400);
        assertThat(https.json().getString("error")).as(name).isEqualTo("INVALID_NAME");
      }
      try (OriginalClient original = original(node, "lssuer")) {
        assertThat(original.register("lssuer", 5)).isEqualTo("210 FAIL");
      }
      assertThat(client.ask("REGISTER#a1ice.b-c_d9#5")).isEqualTo("100 OK");
    }
  }
}
