package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
    presence
        .login(entry("Joanne", "s1", 1))
        .compose(
            first ->
                presence
                    .login(entry("JOANNE", "s2", 2))
                    .map(
                        second -> {
                          context.verify(
                              () -> {
                                assertThat(first).isTrue();
                                assertThat(second).isFalse();
                              });
                          return second;
                        }))
        .compose(v -> presence.online())
        .onComplete(
            context.succeeding(
                online ->
                    context.verify(
                        () -> {
                          assertThat(online)
                              .extracting(Presence.Entry::session)
                              .containsExactly("s1");
                          context.completeNow();
                        })));
  }

  @Test
  void listsOnlineUsersInLoginOrderAndOnlyTheOwningSessionLogsOutWhateverTheCase(
      Vertx vertx, VertxTestContext context) {
    Presence presence = new Presence(vertx, new PresenceView());
    Presence.Entry joanne = entry("Joanne", "s1", 1);
    presence
        .login(entry("Lily", "s2", 2))
        .compose(v -> presence.login(joanne))
        .compose(v -> presence.online())
        .compose(
            online -> {
              context.verify(
                  () ->
                      assertThat(online)
                          .extracting(Presence.Entry::name)
                          .containsExactly("Joanne", "Lily"));
              return presence.logoutSession("Joanne", "stale-session");
            })
        .compose(
            staleRemoved -> {
              context.verify(() -> assertThat(staleRemoved).isFalse());
              return presence.logoutSession("JOANNE", joanne.session());
            })
        .compose(
            removed -> {
              context.verify(() -> assertThat(removed).isTrue());
              return presence.online();
            })
        .onComplete(
            context.succeeding(
                online ->
                    context.verify(
                        () -> {
                          assertThat(online)
                              .extracting(Presence.Entry::name)
                              .containsExactly("Lily");
                          context.completeNow();
                        })));
  }

  @Test
  void aViewAppliesOtherNodesEventsButNotItsOwnLateOnes(Vertx vertx, VertxTestContext context) {
    PresenceView view = new PresenceView();
    view.follow(vertx);
    // This node's own "online" event, arriving after the logout it preceded (the logout has
    // already taken the entry out of the view), then another node's login.
    Presence.Entry late = entry("Joanne", "s1", 1);
    Presence.Entry remote = new Presence.Entry("Lily", "127.0.0.2", 0, "node-2", "tls", "s2", 2);
    vertx
        .eventBus()
        .publish(
            Presence.EVENTS,
            new JsonObject()
                .put("op", "online")
                .put("entry", late.toJson())
                .put(PresenceView.PUBLISHED_BY, view.origin()));
    vertx
        .eventBus()
        .publish(
            Presence.EVENTS, new JsonObject().put("op", "online").put("entry", remote.toJson()));
    vertx.setPeriodic(
        10,
        timer -> {
          if (view.page(0, 10).stream().anyMatch(e -> e.name().equals("Lily"))) {
            vertx.cancelTimer(timer);
            context.verify(
                () ->
                    assertThat(view.page(0, 10))
                        .extracting(Presence.Entry::name)
                        .containsExactly("Lily"));
            context.completeNow();
          }
        });
  }

  @Test
  void anotherNodeRemovingThisNodesEntryRemovesItFromTheView(
      Vertx vertx, VertxTestContext context) {
    // A login on another member replaced one here: that member removed this node's entry and
    // published it as offline; this node's view must drop it (else the name is listed twice).
    PresenceView view = new PresenceView();
    view.add(entry("Joanne", "s1", 1));
    view.follow(vertx)
        .completion()
        .onComplete(
            context.succeeding(
                v ->
                    vertx
                        .eventBus()
                        .publish(
                            Presence.EVENTS,
                            new JsonObject()
                                .put("op", "offline")
                                .put("entry", entry("Joanne", "s1", 1).toJson())
                                .put(PresenceView.PUBLISHED_BY, "another node's view"))));
    vertx.setPeriodic(
        10,
        timer -> {
          if (view.count() == 0) {
            vertx.cancelTimer(timer);
            context.completeNow();
          }
        });
  }
}
