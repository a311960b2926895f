package io.paywire.session;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The key under which per-address limits count a client: an IPv4 address as it is (an IPv4-mapped
 * IPv6 address as its IPv4), an IPv6 address by its /64 prefix, since one subscriber usually holds
 * a whole /64 and could otherwise take a fresh address per connection.
 */
public final class ClientAddress {

  /** Bytes of an IPv6 address that name its /64 network. */
  static final int IPV6_PREFIX_BYTES = 8;

  private ClientAddress() {}

  /** The limit key of {@code ip} (a literal address as Vert.x reports it). */
  public static String key(String ip) {
    InetAddress address;
    try {
      // A literal, so no name lookup happens; anything else is counted as it is.
      address = ip == null || ip.isEmpty() || !isLiteral(ip) ? null : InetAddress.getByName(ip);
    } catch (UnknownHostException notLiteral) {
      address = null;
    }
    if (address instanceof Inet6Address v6) {
      byte[] bytes = v6.getAddress();
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < IPV6_PREFIX_BYTES; i += 2) {
        prefix
            .append(Integer.toHexString((bytes[i] & 0xff) << 8 | (bytes[i + 1] & 0xff)))
            .append(':');
      }
      return prefix.append(":/64").toString();
    }
    if (address instanceof Inet4Address v4) {
      return v4.getHostAddress(); // also what an IPv4-mapped IPv6 literal parses to
    }
    return String.valueOf(ip);
  }

  private static boolean isLiteral(String ip) {
    return ip.chars()
        .allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%');
  }
}
