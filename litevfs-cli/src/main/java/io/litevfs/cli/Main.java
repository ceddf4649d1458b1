package io.litevfs.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Hooks;

/**
 * The {@code litevfs} command. {@code bin/litevfs} at the repository root runs it.
 *
 * <p>Exit status 0 on success, 1 on an error while running (one line on stderr, a stack trace only with
 * {@code --verbose}), 2 for a usage error.
 */
@Command(
        name = "litevfs",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "SQLite on object storage: read, restore and import Litestream LTX replicas.",
        subcommands = {
            QueryCommand.class,
            ShellCommand.class,
            WatchCommand.class,
            InfoCommand.class,
            RestoreCommand.class,
            ImportCommand.class,
            LtxCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command (try 'litevfs --help')");
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        // When parallel requests fail together (levels listed at once from an unreachable or refusing store), the
        // first error is reported; Reactor would log the others, dropped after cancellation, as extra stderr lines.
        Hooks.onErrorDropped(e -> {});
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /**
     * Runs the command with the given streams.
     *
     * @return the exit status
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("litevfs: " + Errors.describe(ex));
            if (main.verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args1) -> {
            err.println("litevfs: " + ex.getMessage());
            CommandLine c = ex.getCommandLine();
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return 2;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** Reports the project version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"litevfs " + (v != null ? v : "(development build)")};
        }
    }
}
