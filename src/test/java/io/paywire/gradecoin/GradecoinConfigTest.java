package io.paywire.gradecoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradecoinConfigTest {

  @TempDir Path dir;

  @Test
  void loadsGradecoinsMainnetConfig() throws Exception {
    GradecoinConfig c = GradecoinConfig.load(GradecoinVectors.DIR.resolve("config.yaml"));
    assertThat(c.toJson())
        .isEqualTo(
            "{\"name\":\"mainnet\",\"url_prefix\":\"\",\"preapproved_users\":\"students.csv\","
                + "\"block_transaction_count\":4,\"hash_zeros\":6,\"register_bonus\":20,"
                + "\"block_reward\":2,\"tx_gas_fee\":2,\"tx_upper_limit\":4,\"tx_lower_limit\":1,"
                + "\"tx_traffic_reward\":2,\"bots\":{"
                + "\"cde48537ca2c28084ff560826d0e6388b7c57a51497a6cb56f397289e52ff41b\":{\"starting_balance\":70},"
                + "\"a1a38b5bae5866d7d998a9834229ec2f9db7a4fc8fb6f58b1115a96a446875ff\":{\"starting_balance\":20},"
                + "\"4e048fd2a62f1307866086e803e9be43f78a702d5df10831fbf434e7663ae0e7\":{\"starting_balance\":120},"
                + "\"60e77101e76950a9b1830fa107fd2f8fc545255b3e0f14b6a7797cf9ee005f07\":{\"starting_balance\":40}}}");
  }

  @Test
  void loadsGradecoinsTestnetConfig() throws Exception {
    GradecoinConfig c = GradecoinConfig.load(GradecoinVectors.DIR.resolve("testnet.yaml"));
    assertThat(c.urlPrefix()).isEqualTo("testnet");
    assertThat(c.blockTransactionCount()).isEqualTo(3);
    assertThat(c.hashZeros()).isEqualTo(4);
    assertThat(c.registerBonus()).isEqualTo(42);
    assertThat(c.txTrafficReward()).isEqualTo(1);
    assertThat(c.bots())
        .containsExactly(
            Map.entry("StockFish", 64L),
            Map.entry("AlphaZero", 128L),
            Map.entry("HAL9000", 256L),
            Map.entry("Skynet", 512L),
            Map.entry("RokosBasilisk", 42L));
  }

  @Test
  void refusesAnOutOfRangeValueNamingItsKey() throws Exception {
    String text =
        Files.readString(GradecoinVectors.DIR.resolve("config.yaml"), StandardCharsets.UTF_8);
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, text.replace("register_bonus: 20", "register_bonus: 65536"));
    assertThatThrownBy(() -> GradecoinConfig.load(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("register_bonus is 65536");
    Files.writeString(bad, text.replace("tx_lower_limit: 1", "tx_lower_limit: 5"));
    assertThatThrownBy(() -> GradecoinConfig.load(bad)).hasMessageContaining("tx_lower_limit");
    Files.writeString(bad, text.replace("hash_zeros: 6", "hash_zeros: 65"));
    assertThatThrownBy(() -> GradecoinConfig.load(bad)).hasMessageContaining("hash_zeros");
  }
}
