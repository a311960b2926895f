package io.paywire.gradecoin;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Vectors made by Node's crypto (src/test/resources/gradecoin/vectors.mjs), once per JVM. */
final class GradecoinVectors {

  static final Path DIR = Path.of("src/test/resources/gradecoin");
  private static JsonObject vectors;

  private GradecoinVectors() {}

  static synchronized JsonObject get() throws IOException, InterruptedException {
    if (vectors == null) {
      Process node =
          new ProcessBuilder("node", "vectors.mjs")
              .directory(DIR.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
        throw new IllegalStateException("node vectors.mjs failed");
      }
      vectors = new JsonObject(out);
    }
    return vectors;
  }
}
