package io.paywire.course;

import io.paywire.net.LogRate;
import io.paywire.session.Payment;
import io.paywire.session.Proof;
import io.paywire.session.Refusal;
import io.paywire.session.Result;
import io.paywire.session.Session;
import io.paywire.session.Views;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The course dialects (the TA's phase-1 server of 2021/2024, and the 2018/2020 specifications) over
 * the session core: their command words and reply strings, byte for byte (docs/dialects.md), the
 * wire differences between them in a {@link CourseDialect}. Every rule of who may do what is the
 * session core's; what only these dialects have is here: how a port, a deposit and an amount are
 * read, and how a list is cut to fit one read of a student's buffer.
 */
final class CourseSession {

  // Reply lines, without the dialect's line end.
  static final String REGISTERED = "100 OK";
  static final String REGISTER_FAILED = "210 FAIL";
  static final String AUTH_FAILED = "220 AUTH_FAIL";
  static final String LOGIN_FIRST = "Please login first";
  static final String FORMAT_ERROR = "230 Input format error";
  static final String TRANSFER_OK = "Transfer OK!";
  static final String TRANSFER_FAILED = "Transfer Fail!";

  /** The literal key line of the list: the TA server lists no key, only these words. */
  static final String KEY_LINE = "public key";

  static final String REGISTER = "REGISTER#";
  static final String EXIT = "Exit";

  /**
   * The most bytes a list reply takes: the smallest buffer clients of this dialect read a reply
   * into, with one {@code recv()}. Rows that would not fit are left out, and the count line counts
   * the rows shown.
   */
  static final int MAX_LIST_BYTES = 1_000;

  /** Rows asked of the session core for one list: more than ever fit in {@link #MAX_LIST_BYTES}. */
  static final int MAX_LIST_ROWS = MAX_LIST_BYTES / "a#1.2.3.4#0\n".length();

  static final int MAX_PORT = 65_535;

  private static final Pattern AMOUNT = Pattern.compile("\\d{1,18}");

  private static final System.Logger LOG = System.getLogger(CourseSession.class.getName());

  /** Lines an outsider can cause at will: the first of a kind, then a count per interval. */
  private static final LogRate OUTSIDER_LOG = LogRate.nodeWide(LOG);

  /** A reply ("" for none) and whether the connection closes after it. */
  record Reply(String text, boolean close) {
    static Reply of(String text) {
      return new Reply(text, false);
    }
  }

  private final Session session;
  private final CourseDialect dialect;
  private final String network;
  private final BiConsumer<String, String> tell;

  /**
   * @param tell writes a reply (its line end included) to the connection of a login ({@link
   *     Session#id()}), wherever it is
   */
  CourseSession(
      Session session, CourseDialect dialect, String network, BiConsumer<String, String> tell) {
    this.session = session;
    this.dialect = dialect;
    this.network = network;
    this.tell = tell;
  }

  Session session() {
    return session;
  }

  /** Whether the command may change the session (register, login, exit): ordered alone. */
  static boolean changesSession(String command) {
    return !command.equals(CourseFramer.LIST);
  }

  Future<Reply> handle(String command) {
    if (command.startsWith(REGISTER)) {
      return register(command.substring(REGISTER.length()));
    }
    if (command.equals(CourseFramer.LIST)) {
      return list();
    }
    if (command.equals(EXIT)) {
      return session.close().map(v -> new Reply(dialect.exitReply(), true));
    }
    String[] f = command.split("#", -1);
    if (f.length == 2) {
      long port = atoi(f[1]);
      if (port >= 0 && port <= MAX_PORT) {
        return login(f[0], (int) port);
      }
    }
    if (f.length == 3) {
      return transfer(f[0], f[1], f[2]);
    }
    return Future.succeededFuture(line(FORMAT_ERROR));
  }

  /** A reply of one line in this dialect. */
  Reply line(String text) {
    return Reply.of(dialect.line(text));
  }

  /**
   * 2021: {@code REGISTER#<name>}, the rest of the command being the name. 2020: {@code
   * REGISTER#<name>#<deposit>}, the deposit a whole number the network's deposit policy then
   * ignores (every account opens with its {@code openingBalance}), or {@code REGISTER#<name>} alone
   * (the 2018 specification's form).
   */
  private Future<Reply> register(String request) {
    String name = request;
    Long deposit = null;
    int cut = request.indexOf('#');
    if (dialect.deposit() && cut >= 0) {
      name = request.substring(0, cut);
      String stated = request.substring(cut + 1);
      if (!AMOUNT.matcher(stated).matches()) {
        return Future.succeededFuture(line(REGISTER_FAILED));
      }
      deposit = Long.valueOf(stated);
    }
    return session
        .register(name, deposit, null)
        .map(r -> line(r instanceof Result.Ok<?> ? REGISTERED : REGISTER_FAILED));
  }

  private Future<Reply> login(String name, int port) {
    return session
        .login(name, port, new Proof.Name(), this::moved)
        .compose(
            r -> r instanceof Result.Ok<?> ? list() : Future.succeededFuture(line(AUTH_FAILED)));
  }

  /** The name of a login moved to another connection: that one's session logs out. */
  private void moved(String formerLogin) {
    tell.accept(formerLogin, null);
  }

  /**
   * {@code <balance>\npublic key\n<count>\n} (2020: no key line, CRLF) and a row per user online,
   * cut to one read.
   */
  private Future<Reply> list() {
    return session
        .online(0, MAX_LIST_ROWS)
        .map(
            r -> {
              if (!(r instanceof Result.Ok<Views.OnlinePage> ok)) {
                return line(
                    ((Result.Refused<?>) r).refusal().code().equals(Refusal.LOGIN_FIRST)
                        ? LOGIN_FIRST
                        : FORMAT_ERROR);
              }
              return Reply.of(listText(dialect, ok.value().balance(), ok.value().users()));
            });
  }

  /** The list, with as many rows as fit in {@link #MAX_LIST_BYTES}. */
  static String listText(CourseDialect dialect, long balance, List<Views.Online> users) {
    StringBuilder rows = new StringBuilder();
    int shown = 0;
    for (Views.Online o : users) {
      String row = dialect.line(o.name() + "#" + o.ip() + "#" + o.port());
      if (head(dialect, balance, shown + 1).length() + rows.length() + bytes(row)
          > MAX_LIST_BYTES) {
        break;
      }
      rows.append(row);
      shown++;
    }
    return head(dialect, balance, shown) + rows;
  }

  private static String head(CourseDialect dialect, long balance, int count) {
    return dialect.line(Long.toString(balance))
        + (dialect.keyLine() ? dialect.line(KEY_LINE) : "")
        + dialect.line(Integer.toString(count));
  }

  private static int bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * {@code <payer>#<amount>#<payee>} from the payee's connection: nothing to the sender when paid,
   * {@code Transfer OK!} to the payer's; {@code Transfer Fail!} to the sender otherwise, and to the
   * payer's connection too when the payer was told of it (the session core says who).
   */
  private Future<Reply> transfer(String payer, String amountText, String payee) {
    Long amount = AMOUNT.matcher(amountText).matches() ? Long.valueOf(amountText) : null;
    return session
        .paySandbox(payer, payee, amount)
        .map(
            sandbox -> {
              Payment payment = sandbox.payment();
              String payerLogin = sandbox.payerLogin();
              boolean ownConnection = session.id().equals(payerLogin);
              if (payment instanceof Payment.Paid) {
                if (ownConnection) {
                  return line(TRANSFER_OK);
                }
                tell.accept(payerLogin, dialect.line(TRANSFER_OK));
                return Reply.of("");
              }
              String reason =
                  payment instanceof Payment.Refused refused ? refused.refusal().code() : "UNKNOWN";
              String kind = "event=course_transfer_refused reason=" + reason;
              OUTSIDER_LOG.log(
                  Level.INFO, kind, kind + " network=" + network + " id=" + payment.id());
              if (payerLogin != null && !ownConnection) {
                tell.accept(payerLogin, dialect.line(TRANSFER_FAILED));
              }
              return line(TRANSFER_FAILED);
            });
  }

  /**
   * C's {@code atoi} as the TA server reads a port: leading blanks, a sign, then digits up to the
   * first other byte; no digits is 0. Past the int range: -1 (refused by the caller).
   */
  static long atoi(String text) {
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    boolean negative = false;
    if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long value = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      value = value * 10 + (text.charAt(i) - '0');
      if (value > Integer.MAX_VALUE) {
        return -1;
      }
      i++;
    }
    return negative ? -value : value;
  }
}
