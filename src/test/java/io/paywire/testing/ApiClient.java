package io.paywire.testing;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real HTTPS client for a test node's API: the JDK's HttpClient, trusting only the node's local
 * CA ({@code certs/ca.crt}) and checking the host name as any client would.
 */
public final class ApiClient {

  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A reply: status, headers and body. */
  public record Reply(int status, HttpHeaders headers, byte[] bytes) {

    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return new JsonObject(text());
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + text();
    }
  }

  private final HttpClient http;
  private final String base;

  public ApiClient(int port, Path caCertificate) throws Exception {
    this.base = "https://127.0.0.1:" + port;
    this.http =
        HttpClient.newBuilder()
            .sslContext(trusting(caCertificate))
            .connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public static ApiClient of(TestNode node, Path directory) throws Exception {
    return new ApiClient(node.port("http"), directory.resolve("certs").resolve("ca.crt"));
  }

  public Reply get(String path) throws Exception {
    return get(path, null);
  }

  public Reply get(String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request.GET().build());
  }

  public Reply post(String path, JsonObject body) throws Exception {
    return post(path, body.encode().getBytes(StandardCharsets.UTF_8), null, "application/json");
  }

  public Reply post(String path, byte[] body, String authorization, String contentType)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request.build());
  }

  private Reply send(HttpRequest request) throws Exception {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(response.statusCode(), response.headers(), response.body());
  }

  private static SSLContext trusting(Path caCertificate) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caCertificate)) {
      trust.setCertificateEntry(
          "ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
