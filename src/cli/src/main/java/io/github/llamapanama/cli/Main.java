package io.github.llamapanama.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The llama-panama command-line tool. */
@Command(name = "llama-panama", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "llama.cpp and mtmd from Java.",
        subcommands = {DescribeCommand.class, ChatCommand.class, ServeCommand.class, BenchCommand.class, GenerateCommand.class, InfoCommand.class, SoakCommand.class,
                SystemInfoCommand.class})
public final class Main {

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the tool and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
                    return 1;
                })
                .execute(args);
    }
}
