package io.paywire.session;

import java.util.List;

/** The values session commands answer with. */
public final class Views {

  private Views() {}

  /** A login that took effect: the account's name as registered, and how it was proven. */
  public record Login(String name, boolean keyProven) {}

  /** Someone online, as lists show them. */
  public record Online(String name, String ip, int port, String via) {}

  /**
   * The caller's balance and one page of who is online.
   *
   * @param total how many are online in all; {@code users} holds those from {@code offset}
   */
  public record OnlinePage(long balance, int total, int offset, List<Online> users) {}

  /** An account as a logged-in user sees it; {@code owner}: the user's own, balance shown. */
  public record Account(io.paywire.bus.LedgerViews.Account account, boolean owner) {}

  /** A registered key: SubjectPublicKeyInfo and its fingerprint (the account's address). */
  public record Key(String name, byte[] publicKey, String fingerprint) {}
}
