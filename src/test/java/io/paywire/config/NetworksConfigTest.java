package io.paywire.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code networks} section: off by default, each network validated at start. */
class NetworksConfigTest {

  private static final String GRADECOIN =
      "{\"kind\": \"gradecoin\", \"port\": 8080, \"gradecoinConfig\": \"g/config.yaml\","
          + " \"students\": \"g/students.csv\"}";
  private static final String COURSE =
      "{\"kind\": \"course\", \"port\": 16100, \"host\": \"127.0.0.2\", \"dialect\": \"2021\","
          + " \"openingBalance\": 10000}";

  @Test
  void offByDefault() throws Exception {
    assertThat(PaywireConfig.defaults().networks()).isEmpty();
    assertThat(PaywireConfig.fromJson(new JsonObject("{\"networks\": {}}")).networks()).isEmpty();
    assertThat(PaywireConfig.load(Path.of("conf/paywire.json")).networks()).isEmpty();
  }

  @Test
  void readsBothKindsWithPathsAgainstTheFilesDirectory(@TempDir Path dir) throws Exception {
    Path file = gradecoinFilesBeside(dir.resolve("conf/paywire.json"));
    Files.writeString(
        file, "{\"networks\": {\"ceng489\": " + GRADECOIN + ", \"phase1\": " + COURSE + "}}");

    PaywireConfig config = PaywireConfig.load(file);

    assertThat(config.networks()).hasSize(2);
    PaywireConfig.Network ceng = config.networks().get(0);
    assertThat(ceng.name()).isEqualTo("ceng489");
    assertThat(ceng.kind()).isEqualTo(PaywireConfig.Network.Kind.GRADECOIN);
    assertThat(ceng.host()).isEqualTo("127.0.0.1");
    assertThat(ceng.port()).isEqualTo(8080);
    assertThat(ceng.gradecoinConfig()).isEqualTo(dir.resolve("conf/g/config.yaml"));
    assertThat(ceng.students()).isEqualTo(dir.resolve("conf/g/students.csv"));
    assertThat(ceng.maxTokenLifetimeSeconds())
        .isEqualTo(PaywireConfig.Network.DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
    PaywireConfig.Network phase1 = config.networks().get(1);
    assertThat(phase1.kind()).isEqualTo(PaywireConfig.Network.Kind.COURSE);
    assertThat(phase1.host()).isEqualTo("127.0.0.2");
    assertThat(phase1.dialect()).isEqualTo("2021");
    assertThat(phase1.openingBalance()).isEqualTo(10_000);
    assertThat(phase1.gradecoinConfig()).isNull();
  }

  @Test
  void withoutAFileRelativePathsAreTheWorkingDirectorys() throws Exception {
    assertThatThrownBy(() -> PaywireConfig.fromJson(networks("{\"ceng489\": " + GRADECOIN + "}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("networks.ceng489.gradecoinConfig")
        .hasMessageContaining(Path.of("g/config.yaml").toAbsolutePath().toString());
  }

  @Test
  void refusesEachBadNetworkNamingItsKey() {
    assertRefused("{\"Ceng489\": " + COURSE + "}", "networks.Ceng489: a network's name");
    assertRefused("{\"-x\": " + COURSE + "}", "networks.-x: a network's name");
    assertRefused("{\"" + "a".repeat(33) + "\": " + COURSE + "}", "a network's name");
    assertRefused("{\"p\": {\"kind\": \"bitcoin\", \"port\": 1}}", "networks.p.kind must be");
    assertRefused("{\"p\": {\"port\": 1}}", "networks.p.kind");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"port\": 70000, \"dialect\": \"2021\"}}",
        "networks.p.port must be from 0 to 65535");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"dialect\": \"2021\"}}", "networks.p.port is required");
    assertRefused(
        "{\"p\": {\"kind\": \"gradecoin\", \"port\": 1, \"students\": \"s.csv\"}}",
        "networks.p.gradecoinConfig is required");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"port\": 1, \"dialect\": \"2022\"}}",
        "networks.p.dialect must be \"2020\" or \"2021\"");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"port\": 1, \"dialect\": \"2021\", \"openingBalance\": 0}}",
        "networks.p.openingBalance must be from 1 to 1000000000");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"port\": 1, \"dialect\": \"2021\", \"colour\": 1}}",
        "networks.p.colour is not a known setting");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"port\": 1, \"dialect\": \"2021\", \"students\": \"s\"}}",
        "networks.p.students is not a known setting");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"port\": 1, \"dialect\": \"2021\","
            + " \"maxTokenLifetimeSeconds\": 60}}",
        "networks.p.maxTokenLifetimeSeconds is not a known setting");
    assertRefused("{\"p\": 5}", "networks.p must be an object");
    assertRefused(
        "{\"p\": {\"kind\": \"course\", \"port\": 9, \"dialect\": \"2021\"},"
            + " \"q\": {\"kind\": \"course\", \"port\": 9, \"dialect\": \"2020\"}}",
        "networks.q.port 9 is also networks.p's");
  }

  @Test
  void aCourseGreetingIsOptionalPrintableAsciiAndBounded() throws Exception {
    assertThat(PaywireConfig.fromJson(networks("{\"p\": " + COURSE + "}")).networks().get(0))
        .extracting(PaywireConfig.Network::greeting)
        .isNull();
    String longest = "g".repeat(PaywireConfig.MAX_GREETING_BYTES);
    assertThat(
            PaywireConfig.fromJson(networks("{\"p\": " + greeted(longest) + "}"))
                .networks()
                .get(0)
                .greeting())
        .isEqualTo(longest);
    assertRefused(
        "{\"p\": " + greeted(longest + "g") + "}",
        "networks.p.greeting must be 1 to 256 printable ASCII characters");
    assertRefused(
        "{\"p\": " + greeted("hi\\r\\nthere") + "}",
        "networks.p.greeting must be 1 to 256 printable ASCII characters");
    assertRefused(
        "{\"p\": " + greeted("caf\u00e9") + "}",
        "networks.p.greeting must be 1 to 256 printable ASCII characters");
  }

  @Test
  void aGradecoinNetworkTakesNoGreeting(@TempDir Path dir) throws Exception {
    Path file = gradecoinFilesBeside(dir.resolve("paywire.json"));
    Files.writeString(
        file,
        "{\"networks\": {\"p\": "
            + GRADECOIN.substring(0, GRADECOIN.length() - 1)
            + ", \"greeting\": \"hi\"}}}");
    assertThatThrownBy(() -> PaywireConfig.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("networks.p.greeting is not a known setting");
  }

  /** The course network above, with a greeting (JSON-escaped as given). */
  private static String greeted(String greeting) {
    return COURSE.substring(0, COURSE.length() - 1) + ", \"greeting\": \"" + greeting + "\"}";
  }

  @Test
  void refusesMoreThanTheNamedLimit() {
    JsonObject many = new JsonObject();
    for (int i = 0; i <= PaywireConfig.MAX_NETWORKS; i++) {
      many.put(
          "n" + i, new JsonObject().put("kind", "course").put("port", 0).put("dialect", "2021"));
    }
    assertThatThrownBy(() -> PaywireConfig.fromJson(new JsonObject().put("networks", many)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at most " + PaywireConfig.MAX_NETWORKS + " networks");
  }

  @Test
  void refusesANetworkGivenTwiceInAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("paywire.json");
    Files.writeString(
        file, "{\"networks\": {\"phase1\": " + COURSE + ", \"phase1\": " + COURSE + "}}");
    assertThatThrownBy(() -> PaywireConfig.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid JSON: Duplicate field 'phase1'");
  }

  /** Writes the files {@link #GRADECOIN} names next to the configuration file {@code file}. */
  private static Path gradecoinFilesBeside(Path file) throws Exception {
    Path g = file.resolveSibling("g");
    Files.createDirectories(g);
    Files.writeString(g.resolve("config.yaml"), "hash_zeros: 1\n");
    Files.writeString(g.resolve("students.csv"), "User ID,Password\n");
    return file;
  }

  private static JsonObject networks(String networks) {
    return new JsonObject("{\"networks\": " + networks + "}");
  }

  private static void assertRefused(String networks, String expected) {
    assertThatThrownBy(() -> PaywireConfig.fromJson(networks(networks)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(expected);
  }
}
