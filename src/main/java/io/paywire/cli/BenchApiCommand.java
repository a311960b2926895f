package io.paywire.cli;

import io.paywire.crypto.KeyType;
import io.paywire.crypto.Pem;
import io.paywire.crypto.PublicKeys;
import io.paywire.crypto.RegistrationCipher;
import io.paywire.crypto.Signatures;
import io.paywire.ledger.TransferId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A load generator for the HTTPS API's signed {@code POST /transactions}: many keep-alive
 * connections, one request in flight on each (HTTP/1.1 has no pipelining worth using), every
 * request's JWT signed in advance with the payer's own key. Measures accepted payments per second
 * and latency from a request's write to its reply.
 */
@Command(
    name = "bench-api",
    mixinStandardHelpOptions = true,
    description = {
      "Load a running node's HTTPS API with signed POST /transactions and measure "
          + "payments/s and latency (p50, p99, max).",
      "Setup, untimed: --accounts key pairs of --key-type, each registered with an encrypted "
          + "POST /register (AES-128-GCM) under a fresh name, then --payments bodies and their "
          + "JWTs (tha, iat, exp) signed in advance, payer i paying payer i+1.",
      "The node limits registrations per address and minute (session.registrationsPerMinute): "
          + "raise it in the node's configuration for a run, as docs/benchmarks.md shows."
    })
public final class BenchApiCommand implements Callable<Integer> {

  static final long DEPOSIT = 1_000_000;

  /** A request token's lifetime: long enough for setup and the run. */
  static final int TOKEN_SECONDS = 300;

  @Option(names = "--host", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--port", required = true, description = "The node's HTTPS API port.")
  int port;

  @Option(
      names = "--ca",
      defaultValue = "certs/ca.crt",
      description = "CA certificate to trust for the node. Default: ${DEFAULT-VALUE}")
  Path ca;

  @Option(
      names = "--key-type",
      defaultValue = "ec",
      description = "ec or rsa. Default: ${DEFAULT-VALUE}")
  String keyType;

  @Option(names = "--accounts", defaultValue = "64")
  int accounts;

  @Option(names = "--connections", defaultValue = "64")
  int connections;

  @Option(names = "--payments", defaultValue = "20000")
  int payments;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      description = "Stop sending after this long. Default: ${DEFAULT-VALUE}")
  int seconds;

  private record Prepared(byte[] body, String authorization) {}

  @Override
  public Integer call() throws Exception {
    KeyType type = KeyType.parse(keyType);
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient http =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setSsl(true)
                  .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
                  .setVerifyHost(true)
                  .setKeepAlive(true)
                  .setDefaultHost(host)
                  .setDefaultPort(port),
              new PoolOptions().setHttp1MaxSize(connections));
      String run = UUID.randomUUID().toString().substring(0, 6);
      long t0 = System.nanoTime();
      PublicKey registrationKey =
          PublicKeys.decode(
              Pem.publicKeyInfo(
                  await(
                      http.request(HttpMethod.GET, "/registration-key.pem")
                          .compose(r -> r.send().compose(res -> res.body()))
                          .map(Buffer::toString))));
      KeyPair[] keys =
          IntStream.range(0, accounts)
              .parallel()
              .mapToObj(i -> type.generate())
              .toArray(KeyPair[]::new);
      String[] names = new String[accounts];
      for (int i = 0; i < accounts; i++) {
        names[i] = "api" + i + "-" + run;
        JsonObject fields =
            new JsonObject()
                .put("student_id", names[i])
                .put("public_key", Pem.toPem(keys[i].getPublic()))
                .put("deposit", DEPOSIT);
        RegistrationCipher.Envelope e =
            RegistrationCipher.seal(
                registrationKey,
                fields.encode().getBytes(StandardCharsets.UTF_8),
                RegistrationCipher.Mode.GCM);
        Base64.Encoder b64 = Base64.getEncoder();
        JsonObject body =
            new JsonObject()
                .put("c", b64.encodeToString(e.c()))
                .put("iv", b64.encodeToString(e.iv()))
                .put("key", b64.encodeToString(e.key()))
                .put("alg", "A128GCM");
        int status =
            await(post(http, "/register", body.encode().getBytes(StandardCharsets.UTF_8), null))
                .status;
        if (status != 201) {
          throw new IllegalStateException(
              "register "
                  + names[i]
                  + ": HTTP "
                  + status
                  + " (raise session.registrationsPerMinute for the run)");
        }
      }
      long t1 = System.nanoTime();
      System.out.printf(
          "setup: %d %s accounts registered in %.1f s%n", accounts, type, (t1 - t0) / 1e9);
      long now = System.currentTimeMillis() / 1000;
      SecureRandom random = new SecureRandom();
      Prepared[] prepared =
          IntStream.range(0, payments)
              .parallel()
              .mapToObj(
                  i -> {
                    int payer = i % accounts;
                    byte[] body =
                        new JsonObject()
                            .put("source", names[payer])
                            .put("target", names[(payer + 1) % accounts])
                            .put("amount", 1)
                            .put("id", TransferId.random(random).toString())
                            .encode()
                            .getBytes(StandardCharsets.UTF_8);
                    return new Prepared(body, "Bearer " + jwt(keys[payer], body, now));
                  })
              .toArray(Prepared[]::new);
      long t2 = System.nanoTime();
      System.out.printf(
          "setup: %d signed requests prepared in %.1f s%n", payments, (t2 - t1) / 1e9);

      long[] latencies = new long[payments];
      AtomicInteger next = new AtomicInteger();
      AtomicLong ok = new AtomicLong();
      AtomicLong unknown = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long start = System.nanoTime();
      List<Future<Void>> loops = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        Promise<Void> done = Promise.promise();
        vertx.runOnContext(
            v -> loop(http, prepared, next, latencies, ok, unknown, failed, deadline, done));
        loops.add(done.future());
      }
      await(Future.all(loops));
      long nanos = System.nanoTime() - start;
      int sent = Math.min(next.get(), payments);
      long[] sorted = Arrays.copyOf(latencies, sent);
      Arrays.sort(sorted);
      System.out.printf(
          "result: %d sent, %d ok, %d failed, %d unknown in %.2f s: %.0f "
              + "payments/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%s keys, %d "
              + "connections)%n",
          sent,
          ok.get(),
          failed.get(),
          unknown.get(),
          nanos / 1e9,
          ok.get() / (nanos / 1e9),
          pct(sorted, 0.50) / 1e6,
          pct(sorted, 0.99) / 1e6,
          sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
          type,
          connections);
      return failed.get() == 0 ? 0 : 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private void loop(
      HttpClient http,
      Prepared[] prepared,
      AtomicInteger next,
      long[] latencies,
      AtomicLong ok,
      AtomicLong unknown,
      AtomicLong failed,
      long deadline,
      Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= prepared.length || System.nanoTime() > deadline) {
      done.tryComplete();
      return;
    }
    long sentAt = System.nanoTime();
    post(http, "/transactions", prepared[i].body(), prepared[i].authorization())
        .onComplete(
            reply -> {
              latencies[i] = System.nanoTime() - sentAt;
              int status = reply.succeeded() ? reply.result().status : -1;
              if (status == 201) {
                ok.incrementAndGet();
              } else if (status == 503) {
                unknown.incrementAndGet();
              } else {
                failed.incrementAndGet();
                if (failed.get() <= 3) {
                  System.out.println(
                      "failed: "
                          + (reply.succeeded()
                              ? status + " " + reply.result().body
                              : reply.cause()));
                }
              }
              loop(http, prepared, next, latencies, ok, unknown, failed, deadline, done);
            });
  }

  private record Reply(int status, String body) {}

  private static Future<Reply> post(
      HttpClient http, String path, byte[] body, String authorization) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI(path)
            .putHeader("content-type", "application/json");
    if (authorization != null) {
      options.putHeader("authorization", authorization);
    }
    return http.request(options)
        .compose(
            r ->
                r.send(Buffer.buffer(body))
                    .compose(
                        res -> res.body().map(b -> new Reply(res.statusCode(), b.toString()))));
  }

  /** The request token: ES256 (r||s) or RS256 over {@code header.payload}, tha of the body. */
  static String jwt(KeyPair keys, byte[] body, long now) {
    try {
      Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
      boolean ec = KeyType.of(keys.getPrivate()) == KeyType.EC;
      String header =
          url.encodeToString(
              ("{\"alg\":\"" + (ec ? "ES256" : "RS256") + "\",\"typ\":\"JWT\"}")
                  .getBytes(StandardCharsets.US_ASCII));
      String tha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      String payload =
          url.encodeToString(
              new JsonObject()
                  .put("tha", tha)
                  .put("iat", now)
                  .put("exp", now + TOKEN_SECONDS)
                  .encode()
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] input = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
      byte[] signature;
      if (ec) {
        Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
        p1363.initSign(keys.getPrivate());
        p1363.update(input);
        signature = p1363.sign();
      } else {
        signature = Signatures.sign(keys.getPrivate(), input);
      }
      return header + "." + payload + "." + url.encodeToString(signature);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
