package io.paywire;

import io.paywire.cli.BackupCommand;
import io.paywire.cli.BenchApiCommand;
import io.paywire.cli.BenchClientCommand;
import io.paywire.cli.BenchCommand;
import io.paywire.cli.BenchServerCommand;
import io.paywire.cli.ClientCommand;
import io.paywire.cli.ClusterKeysCommand;
import io.paywire.cli.KeygenCommand;
import io.paywire.cli.ServerCommand;
import io.paywire.cli.VerifyCommand;
import io.paywire.crypto.TlsPolicy;
import io.paywire.server.LogSetup;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of {@code paywire.jar}: a subcommand per task. */
@Command(
    name = "paywire",
    mixinStandardHelpOptions = true,
    version = "Paywire 0.1.0",
    description = "Secure person-to-person micropayments.",
    subcommands = {
      ServerCommand.class,
      VerifyCommand.class,
      BenchCommand.class,
      BackupCommand.class,
      KeygenCommand.class,
      ClusterKeysCommand.class,
      ClientCommand.class,
      BenchClientCommand.class,
      BenchApiCommand.class,
      BenchServerCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Paywire implements Callable<Integer> {

  /** Exit code of a command line without a subcommand, as picocli's for a usage error. */
  static final int USAGE_EXIT_CODE = 2;

  public static void main(String[] args) {
    TlsPolicy.refuseClientRenegotiation();
    LogSetup.configure(); // before anything logs
    System.exit(new CommandLine(new Paywire()).execute(args));
  }

  /** No subcommand: nothing to do, which is a usage error, not a success. */
  @Override
  public Integer call() {
    new CommandLine(this).usage(System.err);
    return USAGE_EXIT_CODE;
  }
}
