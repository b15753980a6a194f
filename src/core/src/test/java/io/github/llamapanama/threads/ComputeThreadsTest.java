package io.github.llamapanama.threads;

import io.github.llamapanama.Llama;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.QuantFormat;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No thread keeps an idle OpenMP team after the library's compute on it ends (see
 * {@link Llama#releaseComputeThreads()}): an idle team makes libgomp stop spinning at barriers,
 * and decoding on every other thread then runs 2.5x slower. The last test holds for every OpenMP
 * runtime: decoding on another thread than the load does not sleep at barriers.
 *
 * <p>libgomp's workers are created by the thread that starts the team and inherit its OS thread
 * name, so the threads named after a probe thread, other than the probe itself, are its team.
 * LLVM's libomp (the portable natives) keeps one pool of workers for all threads instead, which
 * the release puts to sleep: the team probes below apply to libgomp only.
 */
class ComputeThreadsTest {
    private static final int THREADS = 2;

    /**
     * On CPUs with AMX, loading a quantized model converts its weights in an OpenMP parallel
     * region (ggml-cpu/amx: parallel_for), which left a team on the loading thread. Elsewhere no
     * team is made at load and this holds trivially; the tests below cover the decode paths.
     */
    @Test
    void aModelLoadLeavesNoTeamOnTheLoadingThread() throws Exception {
        assumeGnuOpenMp();
        Path q8 = Fixtures.tinyQwen2(QuantFormat.Q8_0);
        onThread("lp-probe-load", () -> {
            try (Model model = Model.load(q8)) {
                assertEquals(0, teamThreads("lp-probe-load"), "OpenMP workers left on the loading thread");
                return model.size();
            }
        });
    }

    @Test
    void aFinishedGenerationLeavesNoTeamOnTheDecodingThread() throws Exception {
        assumeGnuOpenMp();
        try (Model model = Model.load(Fixtures.tinyQwen2(QuantFormat.Q8_0))) {
            onThread("lp-probe-gen", () -> {
                try (Context ctx = model.newContext(params()); Sampler greedy = Sampler.builder().greedy().build()) {
                    new Generator(ctx, greedy).generate("Once upon a time", GenerationParams.maxTokens(8)).finish();
                    assertEquals(0, teamThreads("lp-probe-gen"), "OpenMP workers left after the generation");
                }
                return null;
            });
        }
    }

    @Test
    void rawDecodesKeepTheirTeamUntilReleased() throws Exception {
        assumeGnuOpenMp();
        try (Model model = Model.load(Fixtures.tinyQwen2(QuantFormat.Q8_0))) {
            onThread("lp-probe-raw", () -> {
                try (Context ctx = model.newContext(params()); Batch batch = Batch.ofTokens(8, 1)) {
                    ctx.decode(batch.clear().add(model.vocab().bos(), 0, 0, true));
                    // The probe works: a decode with two threads starts a team of one worker ...
                    if (Llama.releaseComputeThreads() && THREADS > 1) {
                        ctx.decode(batch.clear().add(model.vocab().bos(), 1, 0, true));
                        assertEquals(THREADS - 1, teamThreads("lp-probe-raw"), "the decode's OpenMP workers");
                        // ... which the public call frees.
                        Llama.releaseComputeThreads();
                        assertEquals(0, teamThreads("lp-probe-raw"));
                    }
                }
                return null;
            });
        }
    }

    /**
     * The trap as applications meet it: the model loaded, and a first answer generated, on a
     * thread that stays alive (startup, a framework bean), then decoding on a worker thread.
     * With an idle team left on the first thread, libgomp stops spinning at barriers and the
     * worker's compute threads sleep and wake at every one: ~200 voluntary context switches a
     * token on this model (~1,200 on a 0.5B model), 2.5x slower there. Without one they spin
     * through: ~0. Context switches, unlike timing, do not depend on how busy the machine is.
     */
    @Test
    void decodingOnAnotherThreadThanTheLoadDoesNotSleepAtBarriers() throws Exception {
        Path q8 = Fixtures.tinyQwen2(QuantFormat.Q8_0);
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "lp-loader"));
        try {
            Model model = loader.submit(() -> {
                Model m = Model.load(q8);
                try (Context ctx = m.newContext(params()); Sampler greedy = Sampler.builder().greedy().build()) {
                    new Generator(ctx, greedy).generate("Warm up", GenerationParams.maxTokens(4)).finish();
                }
                return m;
            }).get();
            try {
                double perToken = onThread("lp-worker", () -> {
                    try (Context ctx = model.newContext(params()); Sampler greedy = Sampler.builder().greedy().build()) {
                        Generator generator = new Generator(ctx, greedy);
                        generator.generate("Once upon a time", GenerationParams.maxTokens(8)).finish(); // warm up
                        generator.reset();
                        long before = voluntarySwitches("lp-worker");
                        int n = generator.generate("Once upon a time", GenerationParams.maxTokens(64)
                                .withStopAtEndOfGeneration(false)).finish().tokens().length;
                        return (voluntarySwitches("lp-worker") - before) / (double) n;
                    }
                });
                assertTrue(perToken < 20, "the decoding threads slept " + perToken + " times a token: an idle"
                        + " OpenMP team is left somewhere (see Llama.releaseComputeThreads)");
            } finally {
                loader.submit(model::close).get();
            }
        } finally {
            loader.shutdownNow();
        }
    }

    /** The team probes read libgomp's thread naming (see the class comment). */
    private static void assumeGnuOpenMp() {
        String build = Llama.initialize().build();
        assumeTrue(build.isEmpty() || build.contains("libgomp"), "libgomp's teams; these natives: " + build);
    }

    /** Voluntary context switches (sleeps) of the threads named like {@code probe}. */
    private static long voluntarySwitches(String probe) throws IOException {
        long sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(t.resolve("comm")).strip().equals(probe)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return sum;
    }

    private static ContextParams params() {
        return ContextParams.builder().contextSize(256).threads(THREADS).build();
    }

    /** Threads of this process named like {@code probe} (OS names are cut to 15 characters), less the probe. */
    private static int teamThreads(String probe) throws IOException {
        String name = probe.length() > 15 ? probe.substring(0, 15) : probe;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            long n = tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).strip().equals(name);
                } catch (IOException gone) {
                    return false; // the thread ended while we looked
                }
            }).count();
            return (int) n - 1;
        }
    }

    private static <T> T onThread(String name, Callable<T> task) throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        try {
            return one.submit(task).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        } finally {
            one.shutdownNow();
        }
    }
}
