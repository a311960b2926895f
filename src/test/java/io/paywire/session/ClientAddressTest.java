package io.paywire.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

  @Test
  void ipv4CountsAsItIsAndMappedIpv6AsItsIpv4() {
    assertThat(ClientAddress.key("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(ClientAddress.key("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
  }

  @Test
  void ipv6CountsByItsSlash64() {
    String a = ClientAddress.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    String b = ClientAddress.key("2001:db8:1:2::1");
    String other = ClientAddress.key("2001:db8:1:3::1");
    assertThat(a).isEqualTo(b).isEqualTo("2001:db8:1:2::/64");
    assertThat(other).isNotEqualTo(a);
  }
}
