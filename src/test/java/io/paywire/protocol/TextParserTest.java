package io.paywire.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.paywire.ledger.TransferId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextParserTest {

  private static final String ID = "0123456789abcdef0123456789abcdef";
  private final TextParser parser = new TextParser(100);

  @Test
  void readsEveryCommandWithCommandWordsInAnyCase() {
    assertThat(parser.parse("REGISTER#Joanne#2000"))
        .isEqualTo(new TextCommand.Register("Joanne", 2000L));
    assertThat(parser.parse("register#Joanne")).isEqualTo(new TextCommand.Register("Joanne", null));
    assertThat(parser.parse("Joanne#2000")).isEqualTo(new TextCommand.Login("Joanne", 2000));
    assertThat(parser.parse("Joanne#0")).isEqualTo(new TextCommand.Login("Joanne", 0));
    assertThat(parser.parse("List")).isEqualTo(new TextCommand.ListOnline(0));
    assertThat(parser.parse("KEY#Lily")).isEqualTo(new TextCommand.Key("Lily"));
    assertThat(parser.parse("pay#Lily#5")).isEqualTo(new TextCommand.Pay("Lily", 5, null));
    assertThat(parser.parse("PAY#Lily#5#" + ID))
        .isEqualTo(new TextCommand.Pay("Lily", 5, TransferId.parseOrNull(ID)));
    assertThat(parser.parse("HISTORY")).isEqualTo(new TextCommand.History(10));
    assertThat(parser.parse("history#3")).isEqualTo(new TextCommand.History(3));
    assertThat(parser.parse("HELP")).isEqualTo(new TextCommand.Help());
    assertThat(parser.parse("exit")).isEqualTo(new TextCommand.Exit());
  }

  @Test
  void readsTransKeepingThePayerSignatureTextForThePayeeSignatureCheck() {
    TextCommand command = parser.parse("TRANS#Joanne#1000#Lily#" + ID + "#AAEC#AwQ=");
    assertThat(command).isInstanceOf(TextCommand.Trans.class);
    TextCommand.Trans trans = (TextCommand.Trans) command;
    assertThat(trans.payer()).isEqualTo("Joanne");
    assertThat(trans.amount()).isEqualTo(1000);
    assertThat(trans.payee()).isEqualTo("Lily");
    assertThat(trans.id()).isEqualTo(TransferId.parseOrNull(ID));
    assertThat(trans.payerSignatureText()).isEqualTo("AAEC");
    assertThat(trans.payerSignature()).containsExactly(0, 1, 2);
    assertThat(trans.payeeSignature()).containsExactly(3, 4);
  }

  @Test
  void negativeAndZeroAmountsParseSoTheLedgerAnswersWithItsOwnCode() {
    assertThat(parser.parse("PAY#Lily#-5")).isEqualTo(new TextCommand.Pay("Lily", -5, null));
    assertThat(parser.parse("PAY#Lily#0")).isEqualTo(new TextCommand.Pay("Lily", 0, null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "#",
        "REGISTER",
        "REGISTER#",
        "REGISTER#a#b",
        "REGISTER#a#1#2",
        "PAY#Lily",
        "PAY#Lily#abc",
        "PAY#Lily#1.5",
        "PAY#Lily#1e3",
        "PAY#Lily#9999999999999999999",
        "PAY#Lily# 5",
        "PAY##5",
        "PAY#Lily#5#xyz",
        "PAY#Lily#5#" + ID + "#extra",
        "PAY#Lily#5#0123456789ABCDEF0123456789ABCDEF",
        "TRANS#a#1#b#" + ID + "#AA==",
        "TRANS#a#1#b#" + ID + "#***#AA==",
        "TRANS#a#1#b#" + ID + "##AA==",
        "TRANS##1#b#" + ID + "#AA==#AA==",
        "LIST#x",
        "LIST#-1",
        "LIST#1#2",
        "HELP#x",
        "EXIT#now",
        "KEY",
        "KEY#",
        "HISTORY#0",
        "HISTORY#101",
        "HISTORY#x",
        "Joanne#80",
        "Joanne#65536",
        "Joanne#port",
        "#2000",
        "Joanne#2000#extra",
        "hello",
        "GET / HTTP/1.1"
      })
  void malformedLinesAreInvalidWithAReason(String line) {
    TextCommand command = parser.parse(line);
    assertThat(command).as(line).isInstanceOf(TextCommand.Invalid.class);
    assertThat(((TextCommand.Invalid) command).reason()).isNotBlank();
  }

  @Test
  void peerMessagesRoundTrip() {
    TransferId id = TransferId.parseOrNull(ID);
    String line = SignedText.peerMessage("Joanne", 1000, "Lily", id, "AAEC");
    assertThat(SignedText.parsePeerMessage(line))
        .isEqualTo(new SignedText.PeerPayment("Joanne", 1000, "Lily", id, "AAEC"));
    assertThat(SignedText.parsePeerMessage("Joanne#1000#Lily")).isNull();
    assertThat(SignedText.transLine("Joanne", 1000, "Lily", id, "AAEC", "AwQ="))
        .isEqualTo("TRANS#Joanne#1000#Lily#" + ID + "#AAEC#AwQ=");
    assertThat(new String(SignedText.signedByPayee("Joanne", 1000, "Lily", id, "AAEC"), UTF_8))
        .isEqualTo("Joanne#1000#Lily#" + ID + "#AAEC");
  }
}
