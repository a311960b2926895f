package io.paywire.console;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser console (docs/console.md): the page and its assets from {@code webroot/}, served on
 * the API's port, plus the few settings the page needs to know. Everything else the console does
 * goes through the documented API and the live channel, as any program's would.
 *
 * <p>Routes: {@code GET /} (the page), {@code GET /assets/*} (its scripts, style and icon), both
 * also for {@code HEAD}, and {@code GET /console.json}. The files are read from {@value #WEBROOT}
 * under the working directory when it has one, else from the same folder packaged in the jar.
 */
public final class ConsoleRoutes {

  /** Where the console's files are, on disk or on the class path. */
  public static final String WEBROOT = "webroot";

  /**
   * The page's Content-Security-Policy: only its own scripts, styles and images, requests and the
   * live channel to its own origin; no inline script or style, no frames, no forms posted anywhere,
   * no plugins.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; "
          + "style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; "
          + "form-action 'none'; frame-ancestors 'none'";

  /**
   * What the page is told at {@code GET /console.json}.
   *
   * @param enrollment whether registration asks for a one-time password
   * @param sessionTokenSeconds the session token's lifetime, so the page renews it in time
   * @param maxPageSize the largest page of a read
   */
  public record Settings(boolean enrollment, int sessionTokenSeconds, int maxPageSize) {

    JsonObject toJson() {
      return new JsonObject()
          .put("enrollment", enrollment)
          .put("sessionTokenSeconds", sessionTokenSeconds)
          .put("maxPageSize", maxPageSize);
    }
  }

  private ConsoleRoutes() {}

  /** Adds the console's routes to the API's router. */
  public static void mount(Router router, Settings settings) {
    router
        .routeWithRegex("/(index\\.html)?")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(ConsoleRoutes::pagePolicy)
        .handler(files(WEBROOT));
    // Vert.x serves a wildcard route's files relative to the route's path.
    router
        .route("/assets/*")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(ConsoleRoutes::pagePolicy)
        .handler(files(WEBROOT + "/assets"));
    String body = settings.toJson().encode();
    router
        .get("/console.json")
        .handler(
            ctx ->
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body));
  }

  private static StaticHandler files(String root) {
    return StaticHandler.create(FileSystemAccess.RELATIVE, root)
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        // The API's Cache-Control: no-store stays: a console is small, and never stale.
        .setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8");
  }

  private static void pagePolicy(RoutingContext ctx) {
    ctx.response().headers().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.next();
  }
}
