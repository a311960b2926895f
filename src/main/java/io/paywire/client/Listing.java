package io.paywire.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reply to LIST and to a login: the user's balance and who is online.
 *
 * @param online in the server's order (by login time)
 */
public record Listing(long balance, List<Online> online) {

  /** One {@code name#ip#port} line; port 0 means the user takes no peer payments. */
  public record Online(String name, String ip, int port) {}

  /**
   * The listing in a reply, or empty if the reply is an error line ({@code 220 AUTH_FAIL}, {@code
   * Please login to access the list!} ...). A malformed listing is an exception.
   */
  public static Optional<Listing> parse(List<String> reply) {
    if (reply.size() < 2 || !ReplyShape.isNumber(reply.get(0))) {
      return Optional.empty();
    }
    long balance = Long.parseLong(reply.get(0));
    List<Online> online = new ArrayList<>(reply.size() - 2);
    for (String line : reply.subList(2, reply.size())) {
      String[] f = line.split("#", -1);
      if (f.length != 3 || !ReplyShape.isNumber(f[2])) {
        throw new IllegalArgumentException("not a name#ip#port line: " + line);
      }
      online.add(new Online(f[0], f[1], Integer.parseInt(f[2])));
    }
    return Optional.of(new Listing(balance, List.copyOf(online)));
  }

  /** The user of that name (compared as the server does, ignoring case), if online. */
  public Optional<Online> find(String name) {
    return online.stream().filter(o -> o.name.equalsIgnoreCase(name)).findFirst();
  }
}
