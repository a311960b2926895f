package io.paywire.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompatFramerTest {

  private final CompatFramer framer = new CompatFramer(4096);

  @Test
  void aChunkIsAMessageWithTrailingNewlinesAndNulsTrimmed() {
    assertThat(framer.accept(Buffer.buffer("LIST"))).isEqualTo(new CompatFramer.Text("LIST"));
    assertThat(framer.accept(Buffer.buffer("Joanne#2000\r\n\0\0")))
        .isEqualTo(new CompatFramer.Text("Joanne#2000"));
  }

  @Test
  void aForwardIsFramedByItsHeaderAndLengthWhateverBytesItHolds() {
    byte[] blocks = new byte[LegacyTrans.PAYLOAD_BYTES];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = (byte) (i % 3 == 0 ? '\n' : i % 3 == 1 ? 0 : '&');
    }
    Buffer whole = Buffer.buffer("TRANS#Joanne#1000#Lily&").appendBytes(blocks);
    // Delivered in three pieces, cut inside the header and inside the blocks.
    assertThat(framer.accept(whole.getBuffer(0, 10))).isInstanceOf(CompatFramer.Incomplete.class);
    assertThat(framer.accept(whole.getBuffer(10, 100))).isInstanceOf(CompatFramer.Incomplete.class);
    CompatFramer.Result result = framer.accept(whole.getBuffer(100, whole.length()));
    assertThat(result).isInstanceOf(CompatFramer.Trans.class);
    CompatFramer.Trans trans = (CompatFramer.Trans) result;
    assertThat(trans.header()).isEqualTo("TRANS#Joanne#1000#Lily");
    assertThat(trans.blocks()).isEqualTo(blocks);
    assertThat(trans.wholeMessage()).isEqualTo(whole.getBytes());
    // The framer is ready for the next message.
    assertThat(framer.accept(Buffer.buffer("LIST"))).isEqualTo(new CompatFramer.Text("LIST"));
  }

  @Test
  void bytesThatOutgrowTheLimitAreInvalid() {
    CompatFramer small = new CompatFramer(1024);
    assertThat(small.accept(Buffer.buffer("x".repeat(1025))))
        .isInstanceOf(CompatFramer.Invalid.class);
    assertThat(small.accept(Buffer.buffer("TRANS#" + "a".repeat(1100))))
        .isInstanceOf(CompatFramer.Invalid.class);
    assertThat(small.accept(Buffer.buffer("EXIT".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(new CompatFramer.Text("EXIT"));
  }
}
