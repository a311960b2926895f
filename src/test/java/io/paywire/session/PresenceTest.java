package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PresenceTest {

  private static Presence.Entry entry(String name, String session, long since) {
    return new Presence.Entry(name, "127.0.0.1", 2000, "node-1", "tls", session, since);
  }

  @Test
  void secondLoginOfTheSameAccountIsRefusedWhateverTheCase(Vertx vertx, VertxTestContext context) {
    Presence presence = new Presence(vertx, new PresenceView());
    presence.login(entry("Joanne", "s1", 1))
        .compose(first -> presence.login(entry("JOANNE", "s2", 2)).map(second -> {
          context.verify(() -> {
            assertThat(first).isTrue();
            assertThat(second).isFalse();
          });
          return second;
        }))
        .compose(v -> presence.online())
        .onComplete(context.succeeding(online -> context.verify(() -> {
          assertThat(online).extracting(Presence.Entry::session).containsExactly("s1");
          context.completeNow();
        })));
  }

  @Test
  void listsOnlineUsersInLoginOrderAndOnlyTheOwningSessionLogsOutWhateverTheCase(Vertx vertx,
      VertxTestContext context) {
    Presence presence = new Presence(vertx, new PresenceView());
    Presence.Entry joanne = entry("Joanne", "s1", 1);
    presence.login(entry("Lily", "s2", 2))
        .compose(v -> presence.login(joanne))
        .compose(v -> presence.online())
        .compose(online -> {
          context.verify(() -> assertThat(online).extracting(Presence.Entry::name)
              .containsExactly("Joanne", "Lily"));
          return presence.logoutSession("Joanne", "stale-session");
        })
        .compose(staleRemoved -> {
          context.verify(() -> assertThat(staleRemoved).isFalse());
          return presence.logoutSession("JOANNE", joanne.session());
        })
        .compose(removed -> {
          context.verify(() -> assertThat(removed).isTrue());
          return presence.online();
        })
        .onComplete(context.succeeding(online -> context.verify(() -> {
          assertThat(online).extracting(Presence.Entry::name).containsExactly("Lily");
          context.completeNow();
        })));
  }
}
