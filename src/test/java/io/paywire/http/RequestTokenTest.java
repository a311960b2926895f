package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.crypto.EcdsaFormats;
import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PublicKeys;
import io.paywire.testing.ApiUser;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The form and claims of a request token, against tokens signed outside Paywire: by Node.js's
 * crypto module, with the JWS assembled by hand (the script is below). The signature itself is
 * checked by the session core with {@link EcdsaFormats#verifyAnyEncoding} against the payer's key,
 * if {@link RequestToken.Checked#fits} the key: both are exercised here as it uses them.
 */
class RequestTokenTest {

  /*
   * Made once with node 20 (node -e '<script>'); ECDSA signatures are randomized, so running it
   * again gives other, equally valid vectors:
   *
   *   const crypto = require('crypto');
   *   const body = Buffer.from('{"id":"00112233445566778899aabbccddeeff","source":"alice",'
   *       + '"target":"bob","amount":5}');
   *   const tha = crypto.createHash('sha256').update(body).digest('hex');
   *   const b64 = (b) => Buffer.from(b).toString('base64url');
   *   const claims = b64(JSON.stringify({ tha, iat: 1800000000, exp: 1800000060 }));
   *   const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
   *   const ed = crypto.generateKeyPairSync('ed25519');
   *   const es = b64(JSON.stringify({ alg: 'ES256', typ: 'JWT' })) + '.' + claims;
   *   es + '.' + b64(crypto.sign('sha256', Buffer.from(es),
   *       { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));      // ES256
   *   ... the same with dsaEncoding: 'der'                        // ES256_DER
   *   const ed = b64(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })) + '.' + claims;
   *   ed + '.' + b64(crypto.sign(null, Buffer.from(ed), ed.privateKey));  // EDDSA
   *   ec.publicKey.export({ type: 'spki', format: 'pem' })           // EC_PUBLIC_KEY, ...
   */
  private static final byte[] BODY =
      ("{\"id\":\"00112233445566778899aabbccddeeff\","
              + "\"source\":\"alice\",\"target\":\"bob\",\"amount\":5}")
          .getBytes(StandardCharsets.UTF_8);
  private static final long ISSUED = 1_800_000_000L;
  private static final long EXPIRES = ISSUED + 60;
  private static final int SKEW = 30;
  private static final String CLAIMS =
      "eyJ0aGEiOiIxNTA1ZGUwMmNjOTBhY2FhMWM3OGQ4MWNhMjRlYWZjMjlj"
          + "ZjM4M2U4ZTNiZDI1NWU3NzQwOGNlNjk1ZjQwZTc1IiwiaWF0IjoxODAwMDAwMDAwLCJleHAiOjE4MDAwMDAwNjB9";
  private static final String ES256_HEADER = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9";
  private static final String ES256 =
      ES256_HEADER
          + "."
          + CLAIMS
          + ".zIcY9MRj63EpunK1Wnwym9yvgn"
          + "ThAKrc0ouFPndVxIHnAJ97-V79M9z5Kx_GlSoyxUEA4eEkWVKz_au_KwIwBw";
  private static final String ES256_DER =
      ES256_HEADER
          + "."
          + CLAIMS
          + ".MEYCIQCO3ukKT0C-FGhBN0"
          + "rhdwU0FPQQWyO8dng5A1hWAtUciAIhAJLzsaAAgpa5juZwo80gmedOVPMrWWeEpd3GP1Ii9Skk";
  private static final String EDDSA =
      "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9."
          + CLAIMS
          + ".HT6pgoo1Ipl3f20Wtf-UTfLgK646EENxisjAC6c0xcoHK9AwuNID6p-lrwmUUgzUMe7QEBVz2gcGkNr9NJNOBQ";
  private static final PublicKey EC_KEY =
      key(
          """
      -----BEGIN PUBLIC KEY-----
      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE77E2i0RkrewlwPFIajSMO6bNX05/
      HedEk5zDysMeNagOKz3pgJkUOO7x29LpAcI4NvuzRkwuCooryKTgb+Wiyg==
      -----END PUBLIC KEY-----
      """);
  private static final PublicKey ED25519_KEY =
      key(
          """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAylayMSW7GgC/TcoE1HMZ5UFBAFwb646ZVaC5+K2b0l0=
      -----END PUBLIC KEY-----
      """);

  @Test
  void acceptsNodesEs256TokenAndItsSignatureVerifiesAsTheSessionCoreChecksIt() throws Exception {
    RequestToken.Checked checked = check(ES256, ISSUED + 10);
    assertThat(checked.algorithm()).isEqualTo("ES256");
    assertThat(checked.signature()).hasSize(RequestToken.FIXED_SIGNATURE_BYTES);
    assertThat(checked.signingInput())
        .isEqualTo((ES256_HEADER + "." + CLAIMS).getBytes(StandardCharsets.US_ASCII));
    assertThat(checked.compact()).isEqualTo(ES256.getBytes(StandardCharsets.US_ASCII));
    assertThat(checked.fits(EC_KEY)).isTrue();
    assertThat(verifies(checked, EC_KEY)).isTrue();
  }

  @Test
  void acceptsNodesEdDsaToken() throws Exception {
    RequestToken.Checked checked = check(EDDSA, ISSUED);
    assertThat(checked.fits(ED25519_KEY)).isTrue();
    assertThat(verifies(checked, ED25519_KEY)).isTrue();
  }

  @Test
  void aTamperedSignatureOrAnotherKeyDoesNotVerify() throws Exception {
    String[] parts = ES256.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[10] ^= 1;
    RequestToken.Checked tampered =
        check(parts[0] + "." + parts[1] + "." + ApiUser.b64url(signature), ISSUED);
    assertThat(verifies(tampered, EC_KEY)).isFalse();
    assertThat(verifies(check(ES256, ISSUED), KeyType.EC.generate().getPublic())).isFalse();
  }

  @Test
  void aTokenNamingAnotherAlgorithmThanTheKeysDoesNotFit() throws Exception {
    assertThat(check(ES256, ISSUED).fits(ED25519_KEY)).isFalse();
    assertThat(check(EDDSA, ISSUED).fits(EC_KEY)).isFalse();
    assertThat(check(ES256, ISSUED).fits(KeyType.RSA.generate().getPublic())).isFalse();
  }

  @Test
  void refusesADerSignatureThoughItWouldVerify() throws Exception {
    // Node's dsaEncoding 'der' is what openssl dgst writes: valid ECDSA, but not JWS.
    // The one refusal that explains itself: the likeliest mistake of anyone signing with openssl.
    assertThatThrownBy(() -> check(ES256_DER, ISSUED))
        .isInstanceOf(RequestToken.Refused.class)
        .hasMessageContaining("DER-encoded")
        .hasMessageContaining("r||s");
    byte[] der = Base64.getUrlDecoder().decode(ES256_DER.split("\\.")[2]);
    assertThat(
            EcdsaFormats.verifyAnyEncoding(
                EC_KEY, (ES256_HEADER + "." + CLAIMS).getBytes(StandardCharsets.US_ASCII), der))
        .isTrue();
  }

  @Test
  void refusesAnExpiredOrNotYetValidToken() {
    refused(() -> check(ES256, EXPIRES), "expired or not yet valid");
    refused(() -> check(ES256, EXPIRES + 3_600), "expired or not yet valid");
    refused(() -> check(ES256, ISSUED - SKEW - 1), "expired or not yet valid");
  }

  @Test
  void acceptsATokenIssuedWithinTheClockSkewAndUntilTheSecondBeforeExp() throws Exception {
    assertThat(check(ES256, ISSUED - SKEW)).isNotNull();
    assertThat(check(ES256, EXPIRES - 1)).isNotNull();
  }

  @Test
  void refusesAnotherBody() {
    byte[] other = Arrays.copyOf(BODY, BODY.length);
    other[other.length - 2] = '6'; // amount 6, not the 5 that was signed
    refused(
        () -> RequestToken.check("Bearer " + ES256, other, ISSUED, SKEW),
        "tha does not match the body");
  }

  @Test
  void refusesAlgorithmsNotTiedToAKeyFamily() throws Exception {
    for (String alg : new String[] {"none", "HS256", "ES384", "PS256", ""}) {
      String header =
          ApiUser.b64url(
              new JsonObject().put("alg", alg).encode().getBytes(StandardCharsets.UTF_8));
      refused(
          () -> check(header + "." + CLAIMS + "." + ES256.split("\\.")[2], ISSUED),
          "algorithm not accepted");
    }
    String critical =
        ApiUser.b64url("{\"alg\":\"ES256\",\"crit\":[\"b64\"]}".getBytes(StandardCharsets.UTF_8));
    refused(
        () -> check(critical + "." + CLAIMS + "." + ES256.split("\\.")[2], ISSUED),
        "algorithm not accepted");
  }

  @Test
  void refusesMissingFractionalOrOverlongLifetimes() throws Exception {
    KeyPair keys = KeyType.EC.generate();
    String tha = HexFormat.of().formatHex(RequestToken.sha256(BODY));
    JsonObject[] bad = {
      new JsonObject().put("tha", tha).put("iat", ISSUED),
      new JsonObject().put("tha", tha).put("exp", EXPIRES),
      new JsonObject().put("tha", tha).put("iat", ISSUED + 0.5).put("exp", EXPIRES),
      new JsonObject().put("tha", tha).put("iat", String.valueOf(ISSUED)).put("exp", EXPIRES),
      new JsonObject()
          .put("tha", tha)
          .put("iat", ISSUED)
          .put("exp", ISSUED + RequestToken.MAX_LIFETIME_SECONDS + 1),
      new JsonObject().put("tha", tha).put("iat", ISSUED).put("exp", ISSUED),
    };
    for (JsonObject claims : bad) {
      String token = ApiUser.jws(keys.getPrivate(), "ES256", claims);
      assertThatThrownBy(() -> check(token, ISSUED + 1))
          .as("%s", claims)
          .isInstanceOf(RequestToken.Refused.class);
    }
    JsonObject longest =
        new JsonObject()
            .put("tha", tha)
            .put("iat", ISSUED)
            .put("exp", ISSUED + RequestToken.MAX_LIFETIME_SECONDS);
    assertThat(check(ApiUser.jws(keys.getPrivate(), "ES256", longest), ISSUED + 1)).isNotNull();
  }

  @Test
  void refusesWhatIsNotACompactJws() {
    String[] parts = ES256.split("\\.");
    refused(() -> RequestToken.check(null, BODY, ISSUED, SKEW), "no bearer token");
    refused(() -> RequestToken.check("Basic " + ES256, BODY, ISSUED, SKEW), "no bearer token");
    refused(
        () ->
            RequestToken.check(
                "Bearer " + "a".repeat(RequestToken.MAX_TOKEN_CHARS + 1), BODY, ISSUED, SKEW),
        "no bearer token");
    refused(() -> check(parts[0] + "." + parts[1], ISSUED), "not a compact JWS");
    refused(() -> check(ES256 + ".x", ISSUED), "not a compact JWS");
    refused(
        () -> check(parts[0] + "." + parts[1] + "=." + parts[2], ISSUED), "empty or padded part");
    refused(() -> check(parts[0] + ".." + parts[2], ISSUED), "empty or padded part");
    refused(() -> check(parts[0] + "." + parts[1] + ".***", ISSUED), "not base64url");
    refused(
        () ->
            check(
                ApiUser.b64url("[1]".getBytes(StandardCharsets.UTF_8))
                    + "."
                    + parts[1]
                    + "."
                    + parts[2],
                ISSUED),
        "not JSON");
  }

  @Test
  void aClaimNamedTwiceIsABadRequestNotJustARefusal() {
    String twice =
        ApiUser.b64url(
            ("{\"tha\":\"x\",\"iat\":1,\"iat\":2,\"exp\":3}").getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () -> check(ES256_HEADER + "." + twice + "." + ES256.split("\\.")[2], ISSUED))
        .isInstanceOfSatisfying(
            RequestToken.Refused.class, refused -> assertThat(refused.duplicateKey()).isTrue());
    assertThatThrownBy(() -> check(ES256_DER, ISSUED))
        .isInstanceOfSatisfying(
            RequestToken.Refused.class, refused -> assertThat(refused.duplicateKey()).isFalse());
  }

  // ---- helpers
  // -----------------------------------------------------------------------------------

  private static RequestToken.Checked check(String token, long nowSeconds)
      throws RequestToken.Refused {
    return RequestToken.check("Bearer " + token, BODY, nowSeconds, SKEW);
  }

  private static boolean verifies(RequestToken.Checked checked, PublicKey key) {
    return checked.fits(key)
        && EcdsaFormats.verifyAnyEncoding(key, checked.signingInput(), checked.signature());
  }

  private static void refused(ThrowingCallable call, String reason) {
    assertThatThrownBy(call).isInstanceOf(RequestToken.Refused.class).hasMessage(reason);
  }

  private static PublicKey key(String pem) {
    return PublicKeys.decode(Pem.publicKeyInfo(pem));
  }
}
