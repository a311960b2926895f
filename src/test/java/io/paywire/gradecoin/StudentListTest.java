package io.paywire.gradecoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudentListTest {

  @TempDir Path dir;

  @Test
  void skipsTheHeaderAndAdmitsOnlyTheRightPair() throws Exception {
    Path csv = dir.resolve("students.csv");
    Files.writeString(csv, "User ID,Password\r\ne123456,secret1\r\n\r\ne654321,secret2\r\n");
    StudentList list = StudentList.load(csv);
    assertThat(list.size()).isEqualTo(2);
    assertThat(list.admits("e123456", "secret1")).isTrue();
    assertThat(list.admits("e123456", "secret2")).isFalse();
    assertThat(list.admits("User ID", "Password")).isFalse();
    assertThat(list.admits("e000000", "secret1")).isFalse();
  }

  @Test
  void refusesAMalformedLineByNumberWithoutItsContent() throws Exception {
    Path csv = dir.resolve("students.csv");
    Files.writeString(csv, "User ID,Password\ne123456,secret1\ne654321 hunter2\n");
    assertThatThrownBy(() -> StudentList.load(csv))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 3")
        .hasMessageNotContaining("hunter2");
  }
}
