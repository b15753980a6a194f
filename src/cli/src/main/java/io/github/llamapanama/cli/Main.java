package io.github.llamapanama.cli;

import io.github.llamapanama.loader.NativeLoadException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The llama-panama command-line tool. */
@Command(name = "llama-panama", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "llama.cpp and mtmd from Java.",
        subcommands = {DescribeCommand.class, ChatCommand.class, ServeCommand.class, BenchCommand.class, GenerateCommand.class, InfoCommand.class, QuantizeCommand.class, SoakCommand.class,
                SystemInfoCommand.class})
public final class Main {

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The exit code when the llama.cpp natives cannot be loaded. */
    public static final int NATIVES_FAILED = 3;

    /** Runs the tool and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> fail(cmd, e));
        try {
            return cli.execute(args);
        } catch (ExceptionInInitializerError e) { // a class whose initialiser needed the natives
            return fail(cli, e.getCause() != null ? e.getCause() : e);
        }
    }

    /** One line on standard error, never a stack trace; the natives' failure has its own exit code. */
    private static int fail(CommandLine cmd, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NativeLoadException n) {
                cmd.getErr().println(cmd.getColorScheme().errorText("error: cannot load the llama.cpp natives: "
                        + n.getMessage()));
                return NATIVES_FAILED;
            }
        }
        cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
        return 1;
    }
}
