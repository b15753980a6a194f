package io.github.llamapanama.bench;

import io.github.llamapanama.loader.NativeLibraries;
import io.github.llamapanama.loader.NativePlatform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's own command-line tools (llama-bench, llama-batched-bench) from the same build as
 * the natives; build-native.sh stages them in {@code <cache>/tools/<classifier>}.
 *
 * @param directory where the tools are
 */
public record NativeTools(Path directory) {

    /** The tools staged by build-native.sh for this platform. */
    public static NativeTools staged() {
        return new NativeTools(NativeLibraries.cacheDirectory().resolve("tools")
                .resolve(NativePlatform.current().classifier()));
    }

    /**
     * llama.cpp's llama-mtmd-cli built by {@code build-native.sh --reference}: the unpatched
     * pinned tree, GGML_NATIVE=ON, this machine's compiler.
     */
    public static NativeTools reference() {
        return new NativeTools(NativeLibraries.cacheDirectory().resolve("build").resolve("reference").resolve("bin"));
    }

    /** The executable of {@code name}, if it is there. */
    public Optional<Path> find(String name) {
        String file = NativePlatform.current().os().equals("windows") ? name + ".exe" : name;
        Path p = directory.resolve(file);
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    /** Whether every one of {@code names} is there. */
    public boolean has(String... names) {
        for (String n : names) {
            if (find(n).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** What a tool printed: standard output, and standard error (llama.cpp's log) apart from it. */
    public record Output(String stdout, String stderr) {}

    /**
     * Runs a tool and returns its standard output. Standard error (llama.cpp's log) is kept
     * apart, so that it cannot corrupt machine-readable output, and is shown only on failure.
     *
     * @throws UncheckedIOException if the tool is missing, fails, or runs past {@code timeout}
     */
    public String run(String tool, List<String> args, Duration timeout) {
        return execute(tool, args, timeout).stdout();
    }

    /**
     * Runs a tool and returns both of its streams, for tools that print their timings in their log.
     *
     * @throws UncheckedIOException if the tool is missing, fails, or runs past {@code timeout}
     */
    public Output execute(String tool, List<String> args, Duration timeout) {
        Path exe = find(tool).orElseThrow(() -> new UncheckedIOException(new IOException(
                "llama.cpp tool " + tool + " not found in " + directory + ": run ./build-native.sh, which builds it")));
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(exe.toString());
        command.addAll(args);
        Path output = null;
        Path errors = null;
        try {
            // Both streams go to files, so a hung tool cannot block a reader and the timeout holds.
            output = Files.createTempFile("llama-panama-" + tool, ".out");
            errors = Files.createTempFile("llama-panama-" + tool, ".log");
            Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                    .redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(tool + " ran past " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                String log = text(errors);
                throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                        + (log.length() > 3000 ? log.substring(log.length() - 3000) : log));
            }
            return new Output(text(output), text(errors));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while running " + tool, e));
        } finally {
            delete(output);
            delete(errors);
        }
    }

    /** A model's answer may hold broken UTF-8: decode leniently (Files.readString would throw). */
    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
