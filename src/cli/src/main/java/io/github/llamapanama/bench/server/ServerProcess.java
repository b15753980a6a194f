package io.github.llamapanama.bench.server;


import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One server under test, run as a process of its own on a free port, as users deploy it: both
 * servers get the machine to themselves, and neither shares a JVM (its heap, GC and JIT threads)
 * with the benchmark's client threads. Its log goes to a temporary file, named in the error when
 * it does not come up.
 */
final class ServerProcess implements ServerUnderTest {
    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(String name, List<String> command, int port, OpenAiClient client) {
        this.name = name;
        this.port = port;
        try {
            log = Files.createTempFile(name + "-bench", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command.getFirst(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (client.status(baseUrl(), "/health") != 200) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException(name + " did not come up (exit "
                        + (process.isAlive() ? "none, timed out" : process.exitValue()) + "); its log: " + log);
            }
            sleep(200);
        }
    }

    /** llama.cpp's llama-server from the same build, on the same model, slots, slot size and threads. */
    static ServerProcess llamaServer(ServerBenchSettings s, OpenAiClient client) {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(s.llamaServer().toString(),
                "-m", s.model().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "-np", Integer.toString(s.slots()),
                "-c", Integer.toString(s.slots() * s.slotContext()),
                "-t", Integer.toString(s.threads()), "-tb", Integer.toString(s.threads()),
                "--no-webui",
                // Render the model's own Jinja template, as llama-panama's server does: without it
                // llama-server falls back to plain ChatML and drops the template's default system
                // prompt (~150 tokens on the fixtures), and the two would answer different prompts.
                "--jinja"));
        if (s.mmproj() != null) {
            cmd.addAll(List.of("--mmproj", s.mmproj().toString()));
        }
        return new ServerProcess("llama-server", cmd, port, client);
    }

    /**
     * llama-panama's {@code serve} in a JVM of its own: this JVM's java, class path and
     * llama.panama.* properties (the natives and the cache it was given), default heap and GC.
     */
    static ServerProcess llamaPanama(ServerBenchSettings s, String serveMain, OpenAiClient client) {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath()));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("llama.panama.")).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of(serveMain, "serve",
                "-m", s.model().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "-np", Integer.toString(s.slots()),
                "-c", Integer.toString(s.slotContext()),
                "-t", Integer.toString(s.threads()),
                "--max-body", Long.toString(64L << 20)));
        if (s.mmproj() != null) {
            cmd.addAll(List.of("--mmproj", s.mmproj().toString()));
        }
        return new ServerProcess("llama-panama", cmd, port, client);
    }

    /**
     * The class path this code runs on. Under {@code mvn exec:java} the project's classes come from
     * an application class loader, not from java.class.path (Maven's own launcher), so its URLs
     * go first.
     */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader l = ServerProcess.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (var url : u.getURLs()) {
                    try {
                        entries.add(Paths.get(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // not a file: a child JVM could not read it either
                    }
                }
            }
        }
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGTERM first (llama-panama's serve drains: idle, it exits at once), then SIGKILL after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
