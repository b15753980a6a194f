package io.github.llamapanama.bench.jmh;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the JMH microbenchmarks of the hot calls (decode, sampling, token to piece):
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.llamapanama.bench.jmh.JmhMain [-Dexec.args="JMH options"]
 * </pre>
 *
 * Arguments are JMH's own (e.g. {@code "SamplingBenchmark -f 1 -wi 2 -i 3"}; {@code -h} lists
 * them); without a benchmark pattern all of this package run.
 */
public final class JmhMain {
    private JmhMain() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        useClassLoaderPath();
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(JmhMain.class.getPackageName() + ".*");
        }
        String cache = System.getProperty("llama.panama.cache");
        List<String> jvmArgs = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        if (cache != null) {
            jvmArgs.add("-Dllama.panama.cache=" + cache);
        }
        options.jvmArgsAppend(jvmArgs.toArray(String[]::new));
        new Runner(options.build()).run();
    }

    /**
     * JMH forks its benchmark JVMs with java.class.path, which under exec:java is Maven's own
     * launcher path; the test classes and their dependencies are in the context class loader.
     */
    private static void useClassLoaderPath() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file: JMH could not use it either
                }
            }
            if (!entries.isEmpty()) {
                System.setProperty("java.class.path", String.join(File.pathSeparator, entries));
            }
        }
    }
}
