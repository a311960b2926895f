package io.paywire.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

  @Property
  void howTheBytesArriveDoesNotChangeTheLines(
      @ForAll @Size(max = 40) List<@StringLength(max = 12) String> lines,
      @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 30) Integer> cuts) {
    List<String> clean = lines.stream().map(l -> l.replace("\n", "")).toList();
    byte[] bytes =
        clean.stream()
            .map(l -> l + "\n")
            .reduce("", String::concat)
            .getBytes(StandardCharsets.UTF_8);
    List<String> seen = new ArrayList<>();
    LineSplitter splitter =
        new LineSplitter(
            64,
            line -> seen.add(line.toString(StandardCharsets.UTF_8)),
            () -> seen.add("TOO LONG"));
    int at = 0;
    for (int cut : cuts) {
      int end = Math.min(bytes.length, at + cut);
      splitter.handle(Buffer.buffer().appendBytes(bytes, at, end - at));
      at = end;
    }
    splitter.handle(Buffer.buffer().appendBytes(bytes, at, bytes.length - at));
    assertThat(seen).isEqualTo(clean);
  }

  @Test
  void manyShortLinesInOneReadAreNotOneLongLine() {
    List<Buffer> seen = new ArrayList<>();
    LineSplitter splitter = new LineSplitter(16, seen::add, () -> seen.add(null));
    splitter.handle(Buffer.buffer("LIST#0\n".repeat(1_000)));
    assertThat(seen).hasSize(1_000).doesNotContainNull();
  }

  @Test
  void aLineOverTheLimitIsReportedOnceEvenBeforeItsEnd() {
    List<String> seen = new ArrayList<>();
    LineSplitter splitter =
        new LineSplitter(8, line -> seen.add(line.toString()), () -> seen.add("TOO LONG"));
    splitter.handle(Buffer.buffer("12345678\n1234"));
    splitter.handle(Buffer.buffer("56789"));
    splitter.handle(Buffer.buffer("more\nLIST\n"));
    assertThat(seen).containsExactly("12345678", "TOO LONG");
  }
}
