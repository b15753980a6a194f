package io.github.llamapanama.cli;

import io.github.llamapanama.soak.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "soak", description = "Soak test: concurrent clients against an in-process server (valid, streaming, "
        + "image, cancelled, disconnecting, malformed and oversized requests), then model+projector+context "
        + "load/close cycles; prints failures, latency, RSS, file descriptors and threads.")
final class SoakCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE.gguf")
    Path model;

    @Option(names = "--mmproj", paramLabel = "FILE.gguf", description = "projector: adds image requests and cycles")
    Path mmproj;

    @Option(names = "--clients", defaultValue = "64", description = "concurrent clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--duration", defaultValue = "10m", description = "how long the clients run: 90s, 10m, 1h "
            + "(default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--cycles", defaultValue = "1000", description = "model+projector+context load/close cycles "
            + "(default ${DEFAULT-VALUE})")
    int cycles;

    @Option(names = {"-np", "--parallel"}, defaultValue = "4", description = "server slots (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = {"-c", "--ctx"}, defaultValue = "1024", description = "tokens per slot (default ${DEFAULT-VALUE})")
    int ctx;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "CPU threads (default: llama.cpp's)")
    int threads;

    @Option(names = "--slow-clients", defaultValue = "200", description = "sockets that trickle headers or a body "
            + "the whole time, reconnecting when closed (default ${DEFAULT-VALUE})")
    int slowClients;

    @Option(names = "--header-timeout", defaultValue = "10s", description = "the server's limit for request headers "
            + "(default ${DEFAULT-VALUE})")
    String headerTimeout;

    @Option(names = "--body-timeout", defaultValue = "60s", description = "the server's limit for a request body "
            + "(default ${DEFAULT-VALUE})")
    String bodyTimeout;

    @Option(names = "--shutdown-grace", defaultValue = "30s", description = "at the end, drain the server with this "
            + "grace while the last requests run; 0s closes it at once (default ${DEFAULT-VALUE})")
    String shutdownGrace;

    @Override
    public Integer call() throws InterruptedException {
        Soak.Settings s = new Soak.Settings(model, mmproj, clients, parse(duration), cycles, parallel, ctx, threads,
                slowClients, parse(headerTimeout), parse(bodyTimeout), parse(shutdownGrace));
        Soak.Result r = new Soak(s, line -> System.err.println("[soak] " + line)).run();
        Soak.print(s, r, System.out);
        return r.failedValid() == 0 ? 0 : 1;
    }

    static Duration parse(String d) {
        String t = d.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.parse(d);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad --duration '" + d + "': use 90s, 10m or 1h");
        }
    }
}
