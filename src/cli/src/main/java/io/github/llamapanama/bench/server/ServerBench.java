package io.github.llamapanama.bench.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.bench.BenchImage;
import io.github.llamapanama.bench.Comparison;
import io.github.llamapanama.bench.Summary;
import io.github.llamapanama.bench.Target;
import io.github.llamapanama.bench.Targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.ToDoubleBiFunction;

/**
 * llama-panama's server against llama.cpp's llama-server from the same build: both up at once
 * on the same model, projector, slots, slot size and threads, driven by one OpenAI-style client,
 * the two servers alternating within each rep (which goes first alternates too). Each figure is
 * the median of the reps; the ratio is llama-panama's over llama-server's.
 */
public final class ServerBench {
    private final ServerBenchSettings settings;
    private final String serveMain;
    private final Consumer<String> progress;
    private final OpenAiClient client = new OpenAiClient();

    /**
     * @param serveMain the main class whose {@code serve} command starts llama-panama's server in
     *                  a JVM of its own (the command-line tool's), as users run it
     */
    public ServerBench(ServerBenchSettings settings, String serveMain, Consumer<String> progress) {
        this.settings = settings;
        this.serveMain = serveMain;
        this.progress = progress;
    }

    public ServerBenchReport run() {
        List<Comparison> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path png = drawImage();
        progress.accept("starting llama-server and llama-panama's server on " + settings.model().getFileName());
        try (ServerUnderTest java = ServerProcess.llamaPanama(settings, serveMain, client);
             ServerUnderTest llama = ServerProcess.llamaServer(settings, client)) {
            List<ServerUnderTest> both = List.of(java, llama);
            for (ServerUnderTest s : both) { // warm up each: first requests pay for lazy set-up
                client.chat(s.baseUrl(), Prompts.text(8, "Hello"));
            }
            rows.add(figure("decode, non-streaming", "t/s", Targets.SERVER_DECODE, both, (s, r) -> {
                OpenAiClient.Answer a = client.chat(s.baseUrl(), Prompts.text(settings.decodeTokens(),
                        "Write a story about a lighthouse keeper, number " + r));
                return a.completionTokens() / (a.nanos() / 1e9);
            }));
            rows.add(figure("decode, streaming", "t/s", Targets.SERVER_DECODE, both, (s, r) ->
                    client.stream(s.baseUrl(), Prompts.text(settings.decodeTokens(),
                            "Write a story about a harbour pilot, number " + r), n -> { }).tokensPerSecond()));
            if (settings.mmproj() != null) {
                rows.add(figure("image chat, 2nd turn", "ms", Targets.SERVER_SECOND_TURN, both,
                        (s, r) -> secondTurn(s, Prompts.image(png, r))));
                OpenAiClient.Answer[][] newChat = new OpenAiClient.Answer[2][settings.reps()];
                String encodes = "llama_images_encoded_total";
                double encoded = client.metrics(java.baseUrl()).getOrDefault(encodes, Double.NaN);
                rows.add(figure("image, new chat", "ms", Targets.SERVER_SAME_IMAGE, both, (s, r) -> {
                    OpenAiClient.Answer a = newConversation(s, Prompts.image(png, r), r);
                    newChat[s == java ? 0 : 1][r] = a;
                    return a.nanos() / 1e6;
                }));
                Map<String, Double> after = client.metrics(java.baseUrl());
                double encodedAfter = after.getOrDefault(encodes, Double.NaN);
                double encodeSeconds = after.getOrDefault("llama_image_encode_seconds_total", Double.NaN);
                notes.add(new NewChatFloor(newChat[0], newChat[1], (long) (encodedAfter - encoded),
                        encodedAfter > 0 ? 1000 * encodeSeconds / encodedAfter : Double.NaN).note());
            } else {
                notes.add("no projector: the image tests did not run");
            }
            for (int clients : settings.clients()) {
                Throughput[] t = new Throughput[2 * settings.reps()];
                rows.add(figure(clients + " clients, t/s", "t/s", Targets.SERVER_THROUGHPUT, both, (s, r) -> {
                    Throughput run = throughput(s, clients, r);
                    t[2 * r + (s == java ? 0 : 1)] = run;
                    return run.tokensPerSecond();
                }));
                rows.add(latency(clients + " clients, p50", t, Throughput::p50));
                rows.add(latency(clients + " clients, p99", t, Throughput::p99));
            }
            rows.add(figure("stream gap, " + settings.longPrompt() + " prompt", "ms",
                    Targets.SERVER_GAP, both, this::longestGap));
        }
        return new ServerBenchReport(settings, rows, notes);
    }

    /** Runs {@code measure} on both servers for every rep, alternating which goes first. */
    private Comparison figure(String test, String unit, Target target, List<ServerUnderTest> both,
                              ToDoubleBiFunction<ServerUnderTest, Integer> measure) {
        double[] java = new double[settings.reps()];
        double[] llama = new double[settings.reps()];
        for (int r = 0; r < settings.reps(); r++) {
            for (int k = 0; k < 2; k++) {
                int which = (r + k) % 2;
                double v = measure.applyAsDouble(both.get(which), r);
                (which == 0 ? java : llama)[r] = v;
                progress.accept(String.format(Locale.ROOT, "%s, rep %d, %s: %.2f %s", test, r + 1,
                        both.get(which).name(), v, unit));
            }
        }
        return Comparison.of(test, unit, Summary.of(java), Summary.of(llama), target);
    }

    private static Comparison latency(String test, Throughput[] runs, java.util.function.ToDoubleFunction<Throughput> f) {
        int reps = runs.length / 2;
        double[] java = new double[reps];
        double[] llama = new double[reps];
        for (int r = 0; r < reps; r++) {
            java[r] = f.applyAsDouble(runs[2 * r]);
            llama[r] = f.applyAsDouble(runs[2 * r + 1]);
        }
        return Comparison.of(test, "ms", Summary.of(java), Summary.of(llama), null);
    }

    /**
     * Time of the second turn of an image chat whose client resends the history, as OpenAI
     * clients do. The history carries the same plain-text answer to both servers, not each
     * server's own: a random-weight model's answer is mostly invalid UTF-8, which comes back as
     * replacement characters that tokenize to ten times its length and differently for every
     * answer, so each server would re-read a different history. A real model's answer
     * re-tokenizes to what the slot holds; here both re-read the same ~12 tokens.
     */
    private double secondTurn(ServerUnderTest s, String image) {
        ObjectNode first = Prompts.body(settings.answerTokens());
        Prompts.imageMessage((ArrayNode) first.get("messages"), "Describe the image.", image);
        client.chat(s.baseUrl(), first);
        ObjectNode second = Prompts.body(settings.answerTokens());
        ArrayNode m = (ArrayNode) second.get("messages");
        Prompts.imageMessage(m, "Describe the image.", image);
        Prompts.message(m, "assistant", "Coloured shapes and stripes on a light background.");
        Prompts.message(m, "user", "What colours stand out?");
        return client.chat(s.baseUrl(), second).nanos() / 1e6;
    }

    /**
     * The image of the previous test in a conversation that shares no prefix with it (another
     * system prompt): llama-server encodes it again; an image embedding cache does not.
     */
    private OpenAiClient.Answer newConversation(ServerUnderTest s, String image, int rep) {
        ObjectNode body = Prompts.body(settings.answerTokens());
        ArrayNode m = (ArrayNode) body.get("messages");
        Prompts.message(m, "system", "You are assistant number " + rep + ". Answer briefly.");
        Prompts.imageMessage(m, "What is in the picture?", image);
        return client.chat(s.baseUrl(), body);
    }

    /** Latencies (ms) and aggregate decode speed of {@code clients} clients sending requests back to back. */
    record Throughput(double tokensPerSecond, double[] latencies) {
        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        private double percentile(double p) {
            double[] s = latencies.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1)];
        }
    }

    private Throughput throughput(ServerUnderTest s, int clients, int rep) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<OpenAiClient.Answer[]>> runs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int client = c;
                runs.add(pool.submit(() -> {
                    OpenAiClient.Answer[] answers = new OpenAiClient.Answer[settings.requestsPerClient()];
                    for (int k = 0; k < answers.length; k++) {
                        answers[k] = this.client.chat(s.baseUrl(), Prompts.text(settings.answerTokens(),
                                "Write about topic " + rep + "-" + client + "-" + k + "."));
                    }
                    return answers;
                }));
            }
            long tokens = 0;
            List<Double> latencies = new ArrayList<>();
            for (Future<OpenAiClient.Answer[]> f : runs) {
                for (OpenAiClient.Answer a : f.get()) {
                    tokens += a.completionTokens();
                    latencies.add(a.nanos() / 1e6);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Throughput(tokens / seconds, latencies.stream().mapToDouble(Double::doubleValue).toArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(s.name() + ": " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The longest pause of a running stream while another client's long prompt is admitted: the
     * stream starts, and after its 8th delta the long prompt (one answer token) is sent; the gap
     * is measured over the span of that request. The stream hangs up once it has answered.
     */
    private double longestGap(ServerUnderTest s, int rep) {
        ObjectNode running = Prompts.text(settings.slotContext() / 2, "Tell a very long story, number " + rep + ".");
        ObjectNode longPrompt = Prompts.text(1, Prompts.words(settings.longPrompt(), rep));
        CountDownLatch streaming = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<OpenAiClient.Stream> stream = CompletableFuture.supplyAsync(() -> client.stream(
                    s.baseUrl(), running, n -> { if (n == 8) streaming.countDown(); }, done::get), one);
            if (!streaming.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException(s.name() + ": the stream produced no tokens");
            }
            long t0 = System.nanoTime();
            client.chat(s.baseUrl(), longPrompt);
            long t1 = System.nanoTime();
            ServerProcess.sleep(500); // a delta after the prompt's end closes the last gap
            done.set(true);
            OpenAiClient.Stream result = stream.get(5, TimeUnit.MINUTES);
            if (result.deltaTimes()[result.deltas() - 1] < t1) {
                throw new IllegalStateException(s.name() + ": the stream ended before the long prompt was answered;"
                        + " its answer was too short for the test");
            }
            return result.longestGapMillis(t0, t1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(s.name() + ": " + e.getMessage(), e);
        } finally {
            done.set(true);
            one.shutdownNow();
        }
    }

    private static Path drawImage() {
        try {
            Path file = Files.createTempFile("llama-panama-server-bench", ".png");
            file.toFile().deleteOnExit();
            return BenchImage.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark image", e);
        }
    }
}
