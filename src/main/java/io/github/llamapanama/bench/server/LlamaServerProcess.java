package io.github.llamapanama.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * llama.cpp's llama-server from the same build, on the same model, slots, slot size and threads.
 * Its log goes to a temporary file, named in the error when it does not come up.
 */
final class LlamaServerProcess implements ServerUnderTest {
    private final Process process;
    private final int port;
    private final Path log;

    LlamaServerProcess(Path executable, ServerBenchSettings s, OpenAiClient client) {
        port = freePort();
        List<String> cmd = new ArrayList<>(List.of(executable.toString(),
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
        try {
            log = Files.createTempFile("llama-server-bench", ".log");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (client.status(baseUrl(), "/health") != 200) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("llama-server did not come up (exit "
                        + (process.isAlive() ? "none, timed out" : process.exitValue()) + "); its log: " + log);
            }
            sleep(200);
        }
    }

    @Override
    public String name() {
        return "llama-server";
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
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
