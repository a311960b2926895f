package io.paywire.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.crypto.KeyType;
import io.paywire.testing.ApiClient;
import io.paywire.testing.ApiUser;
import io.paywire.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registrations (RSA and Argon2id, tens of milliseconds each) run on their own workers with a
 * bounded queue: a burst beyond it is refused at once as busy (429), while a signed payment,
 * checked on the signature workers, goes through during the burst.
 */
class RegistrationWorkersTest {

  private static final int BURST = 12;

  @TempDir Path dir;

  @Test
  void aBurstOfRegistrationsIsBoundedAndPaymentsStillPass() throws Exception {
    Path enrollment = dir.resolve("enrollment.csv");
    StringBuilder roster = new StringBuilder();
    for (int i = 0; i < BURST; i++) {
      roster.append("student").append(i).append(",pw").append(i).append('\n');
    }
    roster.append("payer,pw\npayee,pw\n");
    Files.writeString(enrollment, roster);
    try (TestNode node =
        TestNode.startWith(
            dir,
            new JsonObject()
                .put("ledger", new JsonObject().put("enrollmentFile", enrollment.toString()))
                .put(
                    "session",
                    new JsonObject()
                        .put("registrationThreads", 1)
                        .put("maxQueuedRegistrations", 2)))) {
      ApiClient api = ApiClient.of(node, dir);
      ApiUser payer = ApiUser.of(api, "payer", KeyType.EC);
      assertThat(payer.register(null, "pw").status()).isEqualTo(201);
      assertThat(ApiUser.of(api, "payee", KeyType.EC).register(null, "pw").status()).isEqualTo(201);
      List<ApiUser> students = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        students.add(ApiUser.of(api, "student" + i, KeyType.EC));
      }
      ExecutorService clients = Executors.newFixedThreadPool(BURST);
      try {
        List<Future<ApiClient.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
          ApiUser student = students.get(i);
          String password = "pw" + i;
          replies.add(clients.submit(() -> student.register(null, password)));
        }
        ApiClient.Reply paid = payer.pay("payee", 1, "00000000000000000000000000000001");
        int created = 0;
        int busy = 0;
        for (Future<ApiClient.Reply> reply : replies) {
          ApiClient.Reply r = reply.get();
          if (r.status() == 201) {
            created++;
          } else {
            assertThat(r.status()).as("%s", r).isEqualTo(429);
            assertThat(r.json().getString("error")).isEqualTo("BUSY");
            busy++;
          }
        }
        assertThat(paid.status()).as("%s", paid).isEqualTo(201);
        assertThat(busy).as("refused beyond the queue").isPositive();
        assertThat(created).as("the queue still serves").isPositive();
      } finally {
        clients.shutdownNow();
      }
    }
  }
}
