package io.paywire.cli;

import io.paywire.client.ClientException;
import io.paywire.client.ClientIdentity;
import io.paywire.client.ClientLimits;
import io.paywire.client.Listing;
import io.paywire.client.PaywireClient;
import io.paywire.client.PeerListener;
import io.paywire.client.ServerTrust;
import io.paywire.protocol.Replies;
import io.paywire.protocol.SignedText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The text client: the original course client's numbered menu, typed protocol commands, and peer
 * payments, interactively or from {@code --exec} commands. Prints replies, fingerprints and names;
 * never a private key.
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    description = {
      "Connect to a Paywire node's TLS text protocol.",
      "Interactive: a menu (0 register, 1 login, 2 list, 3 pay, 4 exit); any other line is "
          + "sent as a protocol command (try HELP) and its reply printed; "
          + "'peerpay <payee> <amount>' pays a logged-in user through their peer listener.",
      "Logging in with a port other than 0 (menu 1 uses --listen-port; a typed NAME#PORT its "
          + "PORT) starts a peer listener there that takes payments for you: it checks the "
          + "payer's signature, countersigns and submits TRANS.",
      "With --exec, runs the given commands in order without a terminal, printing each reply; "
          + "also 'wait <seconds>' (stay connected, listener running) and 'peerpay <payee> "
          + "<amount>'. Exit 0 when all ran, 1 if the connection fails, 2 for bad options."
    })
public final class ClientCommand implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "HOST",
      description = "Server host. Default: ${DEFAULT-VALUE}")
  String host;

  @Option(
      names = "--port",
      defaultValue = "16000",
      paramLabel = "PORT",
      description = "Server TLS port. Default: ${DEFAULT-VALUE}")
  int port;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description =
          "Your certificate (NAME.crt from keygen), with --key. Optional: without it "
              + "the client makes a self-signed one for the key in memory.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description =
          "Your private key: NAME.key from keygen, or the PKCS#8 file the console's "
              + "backup downloads. Without it you can register and log in, but not prove who you "
              + "are: PAY and peer payments need it.")
  Path key;

  @Option(
      names = "--listen-port",
      paramLabel = "N",
      description =
          "Port for your peer listener when logging in from the menu, 0 for none. "
              + "Asked for at start when interactive and not given.")
  Integer listenPort;

  @Option(
      names = "--listen-host",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDR",
      description = "Address the peer listener binds. Default: ${DEFAULT-VALUE}")
  String listenHost;

  static final class Trust {
    @Option(
        names = "--ca",
        paramLabel = "FILE",
        required = true,
        description =
            "Trust servers whose certificate chains to this CA (PEM) and names HOST "
                + "(a node's certs/ca.crt).")
    Path ca;

    @Option(
        names = "--server-fingerprint",
        paramLabel = "HEX",
        required = true,
        description =
            "Trust exactly the server certificate with this SHA-256 fingerprint (as "
                + "'server' prints it; ':' separators and case do not matter).")
    String fingerprint;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Trust trust;

  @Option(
      names = "--exec",
      paramLabel = "CMD",
      description = "Run this command instead of the interactive menu; repeat for more.")
  List<String> exec;

  @Spec CommandSpec spec;

  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  @Override
  public Integer call() {
    if (cert != null && key == null) {
      throw new ParameterException(spec.commandLine(), "--cert needs the --key it belongs to");
    }
    if (listenPort != null && listenPort != 0 && (listenPort < 1024 || listenPort > 65535)) {
      throw new ParameterException(spec.commandLine(), "--listen-port must be 0 or 1024 to 65535");
    }
    ServerTrust serverTrust;
    ClientIdentity identity = null;
    try {
      serverTrust =
          trust.fingerprint != null
              ? ServerTrust.fingerprint(trust.fingerprint)
              : ServerTrust.authority(trust.ca);
      if (key != null) {
        identity = cert == null ? ClientIdentity.load(key) : ClientIdentity.load(key, cert);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IOException e) {
      err.println("client: " + e.getMessage());
      return 1;
    }
    boolean interactive = exec == null || exec.isEmpty();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (interactive && listenPort == null) {
      listenPort = askPort(in);
    }
    PaywireClient client;
    try {
      client =
          PaywireClient.connect(host, port, serverTrust, identity, listenHost, this::peerEvent);
    } catch (IOException e) {
      err.println("client: cannot connect to " + host + ":" + port + ": " + rootMessage(e));
      return 1;
    } catch (ClientException e) {
      err.println("client: " + e.getMessage());
      return 1;
    }
    try (client) {
      if (identity != null) {
        out.println("Your key: sha256 " + identity.fingerprint());
      }
      if (interactive) {
        out.println(
            "-> Connected to " + host + ":" + port + ", trusting the " + serverTrust.description());
      }
      return interactive ? interactive(client, in) : exec(client);
    } catch (IOException e) {
      err.println("client: connection to " + host + ":" + port + " failed: " + e.getMessage());
      return 1;
    }
  }

  // ---- --exec ----------------------------------------------------------------------------------

  private int exec(PaywireClient client) throws IOException {
    for (String command : exec) {
      String[] words = command.strip().split("\\s+");
      try {
        if (words[0].equalsIgnoreCase("wait") && words.length == 2) {
          waitSeconds(words[1]);
        } else if (words[0].equalsIgnoreCase("peerpay")) {
          out.println(peerPay(client, words));
        } else {
          client.command(command).forEach(out::println);
        }
      } catch (ClientException e) {
        err.println("client: " + command + ": " + e.getMessage());
      }
    }
    return 0;
  }

  private void waitSeconds(String seconds) throws ClientException {
    long n;
    try {
      n = Long.parseLong(seconds);
    } catch (NumberFormatException e) {
      throw new ClientException("usage: wait <seconds>");
    }
    if (n < 0 || n > ClientLimits.MAX_WAIT_SECONDS) {
      throw new ClientException("wait takes 0 to " + ClientLimits.MAX_WAIT_SECONDS + " seconds");
    }
    try {
      Thread.sleep(n * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String peerPay(PaywireClient client, String[] words)
      throws IOException, ClientException {
    if (words.length != 3) {
      throw new ClientException("usage: peerpay <payee> <amount>");
    }
    return client.payPeer(words[1], amount(words[2]));
  }

  private static long amount(String text) throws ClientException {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new ClientException("the amount must be a whole number");
    }
  }

  // ---- interactive -----------------------------------------------------------------------------

  private int interactive(PaywireClient client, BufferedReader in) throws IOException {
    out.println("-> Connection confirmed!");
    while (true) {
      out.println();
      out.println("What would you like to do? 0 register, 1 login, 2 list, 3 pay, 4 exit");
      out.println("(or type a protocol command such as HELP, or: peerpay <payee> <amount>)");
      String line = in.readLine();
      if (line == null) {
        return 0; // end of input: closing the connection logs us out
      }
      line = line.strip();
      try {
        switch (line) {
          case "" -> {}
          case "0" -> register(client, in);
          case "1" -> login(client, in);
          case "2" -> status(client.user(), client.list());
          case "3" -> pay(client, in);
          case "4" -> {
            exit(client);
            return 0;
          }
          default -> {
            if (line.length() == 1 && Character.isDigit(line.charAt(0))) {
              out.println("Please choose 0 to 4.");
            } else if (line.toLowerCase(Locale.ROOT).startsWith("peerpay")) {
              out.println(peerPay(client, line.split("\\s+")));
            } else {
              client.command(line).forEach(out::println);
            }
          }
        }
      } catch (ClientException e) {
        out.println("-> " + e.getMessage());
      }
    }
  }

  private void register(PaywireClient client, BufferedReader in)
      throws IOException, ClientException {
    out.println("*** Register for new account:");
    String name = ask(in, "-> Enter your user account name:");
    String deposit = ask(in, "-> Hello " + name + ", please enter your deposit amount:");
    String reply = client.register(name, amount(deposit)).get(0);
    if (reply.equals(Replies.REGISTERED)) {
      out.println("Registration completed!");
      out.println("You're one of us now :D");
    } else {
      out.println("Registration failed: " + reply);
    }
  }

  private void login(PaywireClient client, BufferedReader in) throws IOException, ClientException {
    out.println("*** Login to existing account:");
    String name = ask(in, "-> Enter your user account name:");
    List<String> reply = client.login(name, listenPort);
    Optional<Listing> listing = Listing.parse(reply);
    if (listing.isEmpty()) {
      out.println("Login failed: " + reply.get(0));
      return;
    }
    status(client.user(), listing.get());
    client
        .listener()
        .ifPresent(l -> out.println("Taking peer payments on " + listenHost + ":" + l.port()));
  }

  private void status(String user, Listing listing) {
    out.println("-----");
    out.println("Hello " + user + "!");
    out.println("Here comes your status check! :)");
    out.println();
    out.println("Your current account balance: " + listing.balance());
    out.println("# of users online: " + listing.online().size());
    out.println();
    for (Listing.Online o : listing.online()) {
      out.println("Name: " + o.name());
      out.println("IP address: " + o.ip());
      out.println("Port number: " + o.port());
    }
    out.println("-----");
  }

  private void pay(PaywireClient client, BufferedReader in) throws IOException, ClientException {
    out.println("Which of the online users do you want to pay to?");
    String payee = ask(in, "Enter his/her user account name:");
    long amount = amount(ask(in, "How much are you paying to " + payee + "?"));
    out.println();
    out.println("You are paying " + payee + " $" + amount);
    out.println();
    Optional<Listing.Online> online = client.list().find(payee);
    String reply;
    if (online.isPresent() && online.get().port() != 0) {
      reply = client.payPeer(online.get(), amount);
      out.println("-> Transaction message sent to the payee!");
    } else {
      reply = client.pay(payee, amount);
      out.println("-> " + payee + " is not taking peer payments now: paid through the server.");
    }
    out.println("-> Response: " + reply);
    if (PaywireClient.isPaymentOk(reply)) {
      out.println("-> OK! Server updated our payment.");
    }
  }

  private void exit(PaywireClient client) throws IOException, ClientException {
    out.println("Sad to see you leave :(");
    List<String> reply = client.command("EXIT");
    if (reply.get(0).equals(Replies.BYE)) {
      out.println("Server confirmed your departure.");
    } else {
      out.println("Server answered: " + reply.get(0));
    }
    out.println();
    out.println("Connection terminated.");
    out.println("Thank you! :) See you again soon");
  }

  private String ask(BufferedReader in, String prompt) throws IOException, ClientException {
    out.println(prompt);
    String answer = in.readLine();
    if (answer == null) {
      throw new ClientException("end of input");
    }
    return answer.strip();
  }

  private int askPort(BufferedReader in) {
    while (true) {
      out.println(
          "Please enter your desired port number (for payments from other users; "
              + "0 for none):");
      String line;
      try {
        line = in.readLine();
      } catch (IOException e) {
        return 0;
      }
      if (line == null) {
        return 0;
      }
      try {
        int n = Integer.parseInt(line.strip());
        if (n == 0 || (n >= 1024 && n <= 65535)) {
          return n;
        }
      } catch (NumberFormatException retry) {
        // asked again below
      }
      out.println("A port is 0 or 1024 to 65535.");
    }
  }

  // ---- peer payments received ------------------------------------------------------------------

  /** Called on the listener's threads; one println per line keeps lines whole. */
  private void peerEvent(PeerListener.Event event) {
    SignedText.PeerPayment p = event.payment();
    synchronized (out) {
      if (p == null) {
        out.println(
            "Peer connection from "
                + event.remote()
                + ": no payment"
                + (event.reply() == null ? "" : " (" + event.reply() + ")"));
        return;
      }
      out.println("Transaction message:");
      out.println(p.payer() + "#" + p.amount() + "#" + p.payee());
      if (event.submitted()) {
        out.println("Message sent to server..");
        out.println("Server response:");
        out.println(event.reply());
      } else {
        out.println("Refused: " + event.reply());
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.toString() : message;
  }
}
