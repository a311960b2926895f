package io.paywire.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.testing.ApiClient;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's files over real HTTPS: what is served, with which type and policy. */
class ConsoleRoutesTest {

  @TempDir static Path dir;
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dir);
    api = ApiClient.of(node, dir);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void thePageAndItsAssetsAreServedWithTheirTypesAndTheConsolePolicy() throws Exception {
    for (String[] file :
        new String[][] {
          {"/", "text/html", "webroot/index.html"},
          {"/index.html", "text/html", "webroot/index.html"},
          {"/assets/app.js", "javascript", "webroot/assets/app.js"},
          {"/assets/keys.js", "javascript", "webroot/assets/keys.js"},
          {"/assets/api.js", "javascript", "webroot/assets/api.js"},
          {"/assets/console.css", "text/css", "webroot/assets/console.css"},
          {"/assets/icon.svg", "image/svg+xml", "webroot/assets/icon.svg"}
        }) {
      ApiClient.Reply reply = api.get(file[0]);
      assertThat(reply.status()).as(file[0]).isEqualTo(200);
      assertThat(reply.header("Content-Type")).as(file[0]).contains(file[1]);
      assertThat(reply.bytes()).as(file[0]).isEqualTo(Files.readAllBytes(Path.of(file[2])));
      assertThat(reply.header("Content-Security-Policy"))
          .isEqualTo(ConsoleRoutes.CONTENT_SECURITY_POLICY);
      assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(reply.header("Strict-Transport-Security")).isNotNull();
    }
    // The policy allows no inline script and nothing from elsewhere.
    assertThat(ConsoleRoutes.CONTENT_SECURITY_POLICY)
        .contains("default-src 'none'")
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe");
    assertThat(Files.readString(Path.of("webroot/index.html")))
        .doesNotContain("<script>")
        .doesNotContain("style=")
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  void nothingElseIsServedAndTheApiKeepsItsOwnPolicy() throws Exception {
    for (String path :
        new String[] {
          "/README.md",
          "/assets/",
          "/assets/nothing.js",
          "/webroot/index.html",
          "/assets/%2e%2e/%2e%2e/pom.xml",
          "/assets/..%2f..%2fpom.xml",
          "/assets/%2e%2e/README.md"
        }) {
      ApiClient.Reply reply = api.get(path);
      assertThat(reply.status()).as(path).isIn(404, 400);
      assertThat(reply.text())
          .as(path)
          .doesNotContain("<html")
          .doesNotContain("<project")
          .doesNotContain("# webroot");
    }
    ApiClient.Reply health = api.get("/health");
    assertThat(health.header("Content-Security-Policy"))
        .startsWith("default-src 'none'")
        .isNotEqualTo(ConsoleRoutes.CONTENT_SECURITY_POLICY);
    assertThat(api.post("/", new JsonObject()).status()).isEqualTo(405);
    JsonObject settings = api.get("/console.json").json();
    assertThat(settings.getBoolean("enrollment")).isFalse();
    assertThat(settings.getInteger("sessionTokenSeconds")).isEqualTo(900);
  }

  @Test
  void everyControlOfThePageHasALabelAndMessagesGoToLiveRegions() throws Exception {
    String page = Files.readString(Path.of("webroot/index.html"));
    Matcher controls =
        Pattern.compile("<(input|textarea|select)\\b[^>]*\\bid=\"([^\"]+)\"").matcher(page);
    int count = 0;
    while (controls.find()) {
      count++;
      assertThat(page)
          .as("a label for #" + controls.group(2))
          .contains("<label for=\"" + controls.group(2) + "\"");
    }
    assertThat(count).isGreaterThanOrEqualTo(9);
    Matcher buttons = Pattern.compile("<button\\b[^>]*>([^<]*)</button>").matcher(page);
    while (buttons.find()) {
      assertThat(buttons.group(1).strip()).as("a button's visible name").isNotEmpty();
    }
    assertThat(page)
        .contains("role=\"status\" aria-live=\"polite\"")
        .contains("role=\"alert\"")
        .contains("<html lang=\"en\">")
        .contains("name=\"viewport\" content=\"width=device-width, initial-scale=1\"");
  }
}
