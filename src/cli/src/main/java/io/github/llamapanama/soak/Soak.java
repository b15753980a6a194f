package io.github.llamapanama.soak;

import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.server.LlamaServer;
import io.github.llamapanama.server.ServerConfig;
import io.github.llamapanama.vision.Projector;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A soak test: many concurrent clients against a real in-process server for a while, mixing
 * valid requests (streaming and not, with images) with abusive ones (cancelled streams,
 * disconnects without reading, malformed bodies, oversized images); then a run of
 * model + projector + context load/close cycles. Reports what a long-running service needs to
 * know: failed valid requests, latency, and whether memory, file descriptors and threads come
 * back to where they were.
 */
public final class Soak {
    /** What to run. */
    public record Settings(Path model, Path projector, int clients, Duration duration, int cycles, int parallel,
                           int slotContext, int threads, int slowClients, Duration headerTimeout, Duration bodyTimeout,
                           Duration shutdownGrace) {
        /** No slow clients, the server's default limits, and a close without grace at the end. */
        public Settings(Path model, Path projector, int clients, Duration duration, int cycles, int parallel,
                        int slotContext, int threads) {
            this(model, projector, clients, duration, cycles, parallel, slotContext, threads, 0, Duration.ofSeconds(10),
                    Duration.ofSeconds(60), Duration.ZERO);
        }
    }

    /** What came out. */
    public record Result(Map<String, Long> sent, long failedValid, long timedOut, List<String> failures, double p50Millis,
                         double p99Millis, ProcessStats before, ProcessStats serverMiddle, ProcessStats serverEnd,
                         ProcessStats cyclesStart, ProcessStats cyclesMiddle, ProcessStats cyclesEnd, ProcessStats after,
                         long slowConnections, long slowClosedByServer, double slowLongestHeldSeconds, double drainSeconds,
                         String drainProbe) {
        public long requests() {
            return sent.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static final String[] SCENARIOS = {"chat", "stream", "image", "cancel-stream", "disconnect", "malformed",
            "oversized-image"};

    private final Settings s;
    private final Consumer<String> log;
    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
    private final AtomicLong failedValid = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong slowConnections = new AtomicLong();
    private final AtomicLong slowClosed = new AtomicLong();
    private final AtomicLong slowLongestNanos = new AtomicLong();
    private volatile double drainSeconds;
    private volatile String drainProbe = "";
    private volatile boolean drainStarted;
    private final AtomicLong refusedInDrain = new AtomicLong(); // sent as the drain began: 503 or refused

    public Soak(Settings settings, Consumer<String> log) {
        this.s = settings;
        this.log = log;
    }

    public Result run() throws InterruptedException {
        warmUp();
        ProcessStats before = stats();
        log.accept(String.format("start: RSS %.1f MiB, %d fds, %d threads", before.rssMiB(), before.openFds(), before.threads()));
        ProcessStats[] server = serve();
        ProcessStats[] cycles = cycles();
        ProcessStats after = stats();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        Map<String, Long> counts = new java.util.TreeMap<>();
        sent.forEach((k, v) -> counts.put(k, v.get()));
        return new Result(counts, failedValid.get(), timedOut.get(), List.copyOf(failures.subList(0, Math.min(20, failures.size()))),
                percentile(sorted, 0.50), percentile(sorted, 0.99), before, server[0], server[1], cycles[0], cycles[1],
                cycles[2], after, slowConnections.get(), slowClosed.get(), slowLongestNanos.get() / 1e9, drainSeconds,
                drainProbe);
    }

    /**
     * One request through a server that is then closed, so that what the JVM starts once and
     * keeps (virtual-thread carriers and pollers, their epoll descriptors, JIT threads) is
     * already there when the "before" figures are taken. When the soak has slow clients, a
     * virtual thread's timed socket read too: it starts the JDK's socket pollers, whose threads and
     * descriptors are kept for good.
     */
    private void warmUp() throws InterruptedException {
        Soak once = new Soak(new Settings(s.model(), s.projector(), 2, Duration.ofMillis(1), 0, 1, s.slotContext(),
                s.threads(), 0, s.headerTimeout(), s.bodyTimeout(), Duration.ZERO), line -> { });
        once.serve();
        if (s.slowClients() > 0) {
            startSocketPollers();
        }
    }

    private static void startSocketPollers() throws InterruptedException {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread reader = Thread.ofVirtual().start(() -> {
                try (Socket sock = new Socket()) {
                    sock.connect(listener.getLocalSocketAddress(), 10_000);
                    sock.setSoTimeout(50);
                    sock.getInputStream().read();
                } catch (IOException expected) {
                    // the read times out: it has parked on the poller, which is all this is for
                }
            });
            try (Socket accepted = listener.accept()) {
                reader.join();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ProcessStats stats() {
        System.gc();
        return ProcessStats.now();
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
    }

    // --- the server phase ----------------------------------------------------------------

    private ProcessStats[] serve() throws InterruptedException {
        ServerConfig.Builder b = ServerConfig.builder(s.model()).port(0).parallel(s.parallel())
                .slotContextSize(s.slotContext()).queueSize(s.clients() * 2).threads(s.threads())
                .maxImageBytes(1 << 20).headerTimeout(s.headerTimeout()).bodyTimeout(s.bodyTimeout())
                .shutdownGrace(s.shutdownGrace());
        if (s.projector() != null) {
            b.projector(s.projector());
        }
        ProcessStats middle;
        LlamaServer server = new LlamaServer(b.build()).start();
        try (server; HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            String base = "http://127.0.0.1:" + server.port();
            String image = dataUri(png(64, 48));
            String oversized = dataUri(new byte[(1 << 20) + 4096]);
            long start = System.nanoTime();
            long end = start + s.duration().toNanos();
            CountDownLatch done = new CountDownLatch(s.clients());
            for (int c = 0; c < s.clients(); c++) {
                Random r = new Random(c);
                int port = server.port();
                Thread.ofVirtual().name("soak-client-" + c).start(() -> {
                    try {
                        for (boolean first = true; first || System.nanoTime() < end; first = false) {
                            String scenario = SCENARIOS[r.nextInt(s.projector() == null ? 2 : SCENARIOS.length)];
                            if (scenario.equals("image") && s.projector() == null) {
                                scenario = "chat";
                            }
                            sent.computeIfAbsent(scenario, k -> new AtomicLong()).incrementAndGet();
                            try {
                                one(http, base, port, scenario, image, oversized, r);
                            } catch (Exception e) {
                                if (drainStarted && e instanceof java.net.ConnectException) {
                                    refusedInDrain.incrementAndGet(); // sent just as the drain began
                                } else if (isValid(scenario)) {
                                    if (e instanceof java.net.http.HttpTimeoutException) {
                                        timedOut.incrementAndGet(); // waited 5 minutes without an answer
                                    }
                                    fail(scenario + ": " + e);
                                }
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            List<Thread> slow = new ArrayList<>();
            for (int c = 0; c < s.slowClients(); c++) {
                boolean body = c % 2 == 1;
                slow.add(Thread.ofVirtual().name("soak-slow-" + c).start(() -> slowClient(server.port(), body, end)));
            }
            Thread.sleep(Math.max(1, s.duration().toMillis() / 2));
            middle = stats();
            log.accept(String.format("server middle: RSS %.1f MiB, %d fds, %d threads", middle.rssMiB(), middle.openFds(),
                    middle.threads()));
            Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
            if (s.shutdownGrace().isPositive()) {
                // The clients start nothing new now; what they sent is in flight: drain it.
                long d0 = System.nanoTime();
                drainStarted = true;
                Thread drain = Thread.ofPlatform().start(() -> server.close(s.shutdownGrace()));
                while (!server.isDraining()) {
                    Thread.onSpinWait();
                }
                drainProbe = probe(http, base);
                drain.join();
                drainSeconds = (System.nanoTime() - d0) / 1e9;
                log.accept(String.format("drained in %.2f s (a request meanwhile: %s)", drainSeconds, drainProbe));
            }
            done.await();
            if (s.shutdownGrace().isPositive()) {
                drainProbe += "; " + refusedInDrain.get() + " client requests answered 503 or refused during it "
                        + "(still waiting for a slot at the end of the grace, or sent as it began)";
            }
            for (Thread t : slow) {
                t.join();
            }
        }
        ProcessStats end = stats();
        log.accept(String.format("server closed: RSS %.1f MiB, %d fds, %d threads", end.rssMiB(), end.openFds(), end.threads()));
        return new ProcessStats[] {middle, end};
    }

    /** A request sent during the drain: refused on a new connection, or 503. */
    private static String probe(HttpClient http, String base) {
        try {
            HttpResponse<String> r = http.send(post(URI.create(base + "/v1/chat/completions"), chatBody(false, null, 2)),
                    HttpResponse.BodyHandlers.ofString());
            return "HTTP " + r.statusCode();
        } catch (java.net.ConnectException e) {
            return "connection refused";
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * A client that never finishes its request: headers (or, with {@code body}, a body) one byte
     * a second; when the server closes it, it counts how long it was held and connects again.
     */
    private void slowClient(int port, boolean body, long end) {
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try (Socket sock = new Socket()) {
                sock.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                slowConnections.incrementAndGet();
                sock.setSoTimeout(1000);
                OutputStream out = sock.getOutputStream();
                InputStream in = sock.getInputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (body
                        ? "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{" : "X-Slow: "))
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (System.nanoTime() < end) {
                    try {
                        if (in.read() < 0) {
                            break; // closed by the server
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        out.write(body ? ' ' : 'a');
                        out.flush();
                        continue;
                    }
                }
                if (System.nanoTime() >= end) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() >= end) {
                    return;
                }
            }
            slowClosed.incrementAndGet();
            long held = System.nanoTime() - t0;
            slowLongestNanos.accumulateAndGet(held, Math::max);
        }
    }

    private static boolean isValid(String scenario) {
        return scenario.equals("chat") || scenario.equals("stream") || scenario.equals("image");
    }

    private void fail(String why) {
        failedValid.incrementAndGet();
        failures.add(why);
    }

    private static String chatBody(boolean stream, String imageUri, int maxTokens) {
        String content = imageUri == null ? "\"Tell me a story about a lighthouse.\""
                : "[{\"type\":\"text\",\"text\":\"What is in the image?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                + imageUri + "\"}}]";
        return "{\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + content + "}]}";
    }

    private void one(HttpClient http, String base, int port, String scenario, String image, String oversized, Random r)
            throws IOException, InterruptedException {
        URI uri = URI.create(base + "/v1/chat/completions");
        switch (scenario) {
            case "chat", "image" -> {
                long t0 = System.nanoTime();
                HttpResponse<String> resp = http.send(post(uri, chatBody(false, scenario.equals("image") ? image : null,
                        4 + r.nextInt(8))), HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 503 && drainStarted) {
                    refusedInDrain.incrementAndGet();
                } else if (resp.statusCode() != 200 || !resp.body().contains("\"choices\"")) {
                    fail(scenario + ": HTTP " + resp.statusCode() + " " + abbreviate(resp.body()));
                } else {
                    latencies.add(System.nanoTime() - t0);
                }
            }
            case "stream" -> {
                long t0 = System.nanoTime();
                HttpResponse<String> resp = http.send(post(uri, chatBody(true, null, 4 + r.nextInt(8))),
                        HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 503 && drainStarted) {
                    refusedInDrain.incrementAndGet();
                } else if (resp.statusCode() != 200 || !resp.body().contains("[DONE]")) {
                    fail("stream: HTTP " + resp.statusCode() + " " + abbreviate(resp.body()));
                } else {
                    latencies.add(System.nanoTime() - t0);
                }
            }
            case "cancel-stream" -> {
                HttpResponse<InputStream> resp = http.send(post(uri, chatBody(true, null, 64)),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = resp.body()) {
                    in.readNBytes(1 + r.nextInt(200)); // a little of the stream, then hang up
                }
            }
            case "disconnect" -> {
                byte[] body = chatBody(r.nextBoolean(), null, 32).getBytes(StandardCharsets.UTF_8);
                try (Socket sock = new Socket()) {
                    sock.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    OutputStream out = sock.getOutputStream();
                    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } // closed without reading a byte of the answer
            }
            case "malformed" -> {
                String[] bad = {"{\"messages\": [", "[]", "{\"messages\":\"x\"}", "\u0000\u0001", "{\"max_tokens\":-5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"};
                HttpResponse<String> resp = http.send(post(uri, bad[r.nextInt(bad.length)]),
                        HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() / 100 != 4) {
                    fail("malformed body answered HTTP " + resp.statusCode());
                }
            }
            default -> { // oversized image
                HttpResponse<String> resp = http.send(post(uri, chatBody(false, oversized, 4)),
                        HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() / 100 != 4) {
                    fail("oversized image answered HTTP " + resp.statusCode());
                }
            }
        }
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    static byte[] png(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | ((x + y) * 2 & 0xFF));
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dataUri(byte[] bytes) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
    }

    // --- the library phase ---------------------------------------------------------------

    private ProcessStats[] cycles() {
        ProcessStats start = null;
        ProcessStats middle = null;
        int warmup = Math.min(10, s.cycles() / 10);
        ContextParams ctx = ContextParams.builder().contextSize(256).batchSize(256).threads(Math.max(1, s.threads())).build();
        for (int i = 0; i < s.cycles(); i++) {
            if (i == warmup) {
                start = stats();
            }
            if (i == warmup + (s.cycles() - warmup) / 2) {
                middle = stats();
            }
            try (Model model = Model.load(s.model());
                 Projector projector = s.projector() == null ? null : Projector.load(s.projector(), model);
                 Context context = model.newContext(ctx)) {
                context.contextSize();
            }
        }
        ProcessStats end = stats();
        if (start == null) {
            start = end;
        }
        if (middle == null) {
            middle = end;
        }
        log.accept(String.format("cycles: RSS %.1f -> %.1f -> %.1f MiB", start.rssMiB(), middle.rssMiB(), end.rssMiB()));
        return new ProcessStats[] {start, middle, end};
    }

    /** The report, as the soak command prints it. */
    public static void print(Settings s, Result r, PrintStream out) {
        out.printf("soak: %d clients for %s, %d load/close cycles (%s%s)%n", s.clients(), s.duration(), s.cycles(),
                s.model().getFileName(), s.projector() == null ? "" : " + " + s.projector().getFileName());
        out.printf("requests sent: %d %s%n", r.requests(), r.sent());
        out.printf("failed valid requests: %d (%d of them no answer within 5 minutes)%n", r.failedValid(), r.timedOut());
        for (String f : r.failures()) {
            out.println("  " + f);
        }
        out.printf("latency of valid requests: p50 %.0f ms, p99 %.0f ms%n", r.p50Millis(), r.p99Millis());
        if (s.slowClients() > 0) {
            out.printf("slow clients: %d at a time trickling headers or a body, %d connections, %d closed by the server, "
                            + "longest held %.1f s (limits: headers %s, body %s)%n", s.slowClients(), r.slowConnections(),
                    r.slowClosedByServer(), r.slowLongestHeldSeconds(), s.headerTimeout(), s.bodyTimeout());
        }
        if (s.shutdownGrace().isPositive()) {
            out.printf("drain at the end (grace %s): %.2f s until closed; a request during it: %s%n", s.shutdownGrace(),
                    r.drainSeconds(), r.drainProbe());
        }
        out.printf("RSS server phase: start %.1f MiB, middle %.1f MiB, end (closed) %.1f MiB%n", r.before().rssMiB(),
                r.serverMiddle().rssMiB(), r.serverEnd().rssMiB());
        out.printf("RSS load/close cycles: start %.1f MiB, middle %.1f MiB, end %.1f MiB (growth %+.1f MiB)%n",
                r.cyclesStart().rssMiB(), r.cyclesMiddle().rssMiB(), r.cyclesEnd().rssMiB(),
                r.cyclesEnd().rssMiB() - r.cyclesStart().rssMiB());
        out.printf("open fds: before %d, after %d; threads: before %d, after %d%n", r.before().openFds(),
                r.after().openFds(), r.before().threads(), r.after().threads());
    }
}
