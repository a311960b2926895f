package io.paywire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reply framing as the client reads it, without sockets. */
class ReplyAssemblerTest {

  @Test
  void knowsTheShapeOfEveryCommandFromItsWord() {
    assertThat(ReplyShape.of("HELP")).isEqualTo(ReplyShape.COUNTED);
    assertThat(ReplyShape.of("history#5")).isEqualTo(ReplyShape.COUNTED);
    assertThat(ReplyShape.of("LIST")).isEqualTo(ReplyShape.LISTING);
    assertThat(ReplyShape.of("Joanne#2000")).isEqualTo(ReplyShape.LISTING);
    assertThat(ReplyShape.of("REGISTER#Joanne#2000")).isEqualTo(ReplyShape.SINGLE);
    assertThat(ReplyShape.of("KEY#Joanne")).isEqualTo(ReplyShape.SINGLE);
    assertThat(ReplyShape.of("PAY#Lily#5")).isEqualTo(ReplyShape.SINGLE);
    assertThat(ReplyShape.of("EXIT")).isEqualTo(ReplyShape.SINGLE);
    assertThat(ReplyShape.of("nonsense")).isEqualTo(ReplyShape.SINGLE);
    assertThat(ReplyShape.of("a#b#c")).isEqualTo(ReplyShape.SINGLE);
  }

  @Test
  void readsAListingAsBalanceCountAndThatManyLines() throws Exception {
    ReplyAssembler reply = new ReplyAssembler("Joanne#2000");
    assertThat(reply.add("2000")).isNull();
    assertThat(reply.add("2")).isNull();
    assertThat(reply.add("Joanne#127.0.0.1#2000")).isNull();
    assertThat(reply.add("Lily#127.0.0.1#3000"))
        .containsExactly("2000", "2", "Joanne#127.0.0.1#2000", "Lily#127.0.0.1#3000");
  }

  @Test
  void takesANonNumericFirstLineAsTheWholeReply() throws Exception {
    for (String error :
        List.of(
            "220 AUTH_FAIL",
            "User already logged in!",
            "Please login to access the list!",
            "230 INVALID more than 50 commands a second")) {
      assertThat(new ReplyAssembler("Joanne#2000").add(error)).containsExactly(error);
      assertThat(new ReplyAssembler("LIST").add(error)).containsExactly(error);
      assertThat(new ReplyAssembler("HISTORY#3").add(error)).containsExactly(error);
    }
  }

  @Test
  void readsCountedRepliesIncludingAnEmptyOne() throws Exception {
    assertThat(new ReplyAssembler("HISTORY").add("0")).containsExactly("0");
    ReplyAssembler help = new ReplyAssembler("HELP");
    assertThat(help.add("1")).isNull();
    assertThat(help.add("EXIT  log out")).containsExactly("1", "EXIT  log out");
  }

  @Test
  void refusesAReplyAnnouncingMoreLinesThanItMayHave() {
    ReplyAssembler reply = new ReplyAssembler(ReplyShape.COUNTED, 10);
    assertThatThrownBy(() -> reply.add("11")).isInstanceOf(ProtocolException.class);
    ReplyAssembler listing = new ReplyAssembler("LIST");
    assertThatThrownBy(
            () -> {
              listing.add("5");
              listing.add("not a count");
            })
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void parsesListingsAndKeyReplies() {
    assertThat(Listing.parse(List.of("2000", "1", "Joanne#127.0.0.1#0")))
        .get()
        .isEqualTo(new Listing(2000, List.of(new Listing.Online("Joanne", "127.0.0.1", 0))));
    assertThat(Listing.parse(List.of("220 AUTH_FAIL"))).isEmpty();
    assertThat(RegisteredKey.parse("230 INVALID no such account")).isEmpty();
    assertThat(RegisteredKey.parse("KEY Joanne AAAA 00")).isEmpty();
  }
}
