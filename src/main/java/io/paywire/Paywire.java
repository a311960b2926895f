package io.paywire;

import io.paywire.crypto.TlsPolicy;
import io.paywire.cli.BackupCommand;
import io.paywire.cli.BenchApiCommand;
import io.paywire.cli.BenchClientCommand;
import io.paywire.cli.BenchCommand;
import io.paywire.cli.ClusterKeysCommand;
import io.paywire.cli.BenchServerCommand;
import io.paywire.cli.ClientCommand;
import io.paywire.cli.KeygenCommand;
import io.paywire.cli.ServerCommand;
import io.paywire.cli.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of {@code paywire.jar}: a subcommand per task. */
@Command(
    name = "paywire",
    mixinStandardHelpOptions = true,
    version = "Paywire 0.1.0",
    description = "Secure person-to-person micropayments.",
    subcommands = {ServerCommand.class, VerifyCommand.class, BenchCommand.class,
        BackupCommand.class,
        KeygenCommand.class, ClusterKeysCommand.class, ClientCommand.class, BenchClientCommand.class, BenchApiCommand.class,
        BenchServerCommand.class, CommandLine.HelpCommand.class})
public final class Paywire implements Runnable {

  public static void main(String[] args) {
    TlsPolicy.refuseClientRenegotiation();
    // One line per log event, key=value in the message; set before anything logs.
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n");
    System.exit(new CommandLine(new Paywire()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
