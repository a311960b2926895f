package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node whose connection caps cannot fit the process's file descriptors does not start. */
class DescriptorBudgetTest {

  @TempDir Path dir;

  @Test
  void aNodeWhoseCapsExceedTheDescriptorLimitRefusesToStartSayingWhy() {
    long limit = DescriptorBudget.processLimit();
    assertThat(limit).as("a Unix JVM reports its descriptor limit").isPositive();
    assertThatThrownBy(
            () ->
                TestNode.startWith(
                    dir,
                    new JsonObject()
                        .put(
                            "text",
                            new JsonObject()
                                .put("maxConnections", (int) Math.min(limit, 1_000_000)))
                        .put("http", new JsonObject().put("maxConnections", 1_000))))
        .hasStackTraceContaining("text.maxConnections")
        .hasStackTraceContaining("node.reservedFileDescriptors")
        .hasStackTraceContaining("ulimit -n");
  }
}
