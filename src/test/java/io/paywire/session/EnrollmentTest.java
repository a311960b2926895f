package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentTest {

  @TempDir Path dir;

  private Enrollment load(String text) throws IOException {
    Path file = dir.resolve("enrollment.csv");
    Files.writeString(file, text);
    return Enrollment.load(file);
  }

  @Test
  void admitsListedPairsOnlyWhateverTheCaseOfTheId() throws Exception {
    Enrollment enrollment = load("# course 2026\ne123,correct horse\n\nE456 , battery\n");
    assertThat(enrollment.size()).isEqualTo(2);
    assertThat(enrollment.admits("e123", "correct horse")).isTrue();
    assertThat(enrollment.admits("E123", "correct horse")).isTrue();
    assertThat(enrollment.admits("e456", "battery")).isTrue();
    assertThat(enrollment.admits("e123", "battery")).isFalse();
    assertThat(enrollment.admits("e789", "correct horse")).isFalse();
    assertThat(enrollment.admits(null, null)).isFalse();
  }

  @Test
  void aBadLineIsNamedWithoutItsContent() {
    assertThatThrownBy(() -> load("e123,secret\nnot a pair with secret2\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("secret2");
    assertThatThrownBy(() -> load("e123,one\nE123,two\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("twice");
  }
}
