package io.github.llamapanama.bench;

import io.github.llamapanama.model.Model;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The shape of most Java applications: a model loaded on one thread (startup, a framework bean,
 * a Spark executor) and decoded on another (a request or pool thread), against the same work
 * with load and decode on one thread. OpenMP teams left on the loading thread once made the
 * first 2.5x slower (see {@code Llama.releaseComputeThreads}); this row keeps it visible.
 *
 * <p>Each rep loads the model afresh, both ways, alternating: "same" loads and decodes on a new
 * thread; "other" loads on a long-lived loader thread that stays alive and idle, as an
 * application's main thread does, and decodes on a separate worker thread.
 */
final class ThreadSection {
    private final BenchSettings settings;
    private final Consumer<String> progress;

    ThreadSection(BenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Java = load on one thread, decode on another; the "llama.cpp" side = load and decode on one. */
    Comparison run(Path file, String name) {
        int reps = settings.reps();
        int tg = settings.genTokens();
        double[] other = new double[reps];
        double[] same = new double[reps];
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-loader"));
        try {
            for (int r = 0; r < reps; r++) {
                int i = r;
                Runnable sameRun = () -> same[i] = onNewThread("bench-same", () -> {
                    try (Model model = Model.load(file)) {
                        return decode(model, tg);
                    }
                });
                Runnable otherRun = () -> {
                    Model model = call(loader, () -> Model.load(file));
                    try {
                        other[i] = onNewThread("bench-worker", () -> decode(model, tg));
                    } finally {
                        call(loader, () -> { model.close(); return null; });
                    }
                };
                if (r % 2 == 0) { // alternate which way goes first
                    otherRun.run();
                    sameRun.run();
                } else {
                    sameRun.run();
                    otherRun.run();
                }
                progress.accept(String.format(java.util.Locale.ROOT, "%s tg%d load/decode threads rep %d:"
                        + " other %.2f t/s, same %.2f t/s", name, tg, r + 1, other[r], same[r]));
            }
        } finally {
            loader.shutdownNow();
        }
        return Comparison.of("tg" + tg + " + greedy, load on another thread", "t/s", Summary.of(other),
                Summary.of(same), Targets.THREAD_RATIO);
    }

    private double decode(Model model, int tg) {
        try (JavaGenerationBench generation = new JavaGenerationBench(model, settings.threads(), tg)) {
            return generation.run(tg).tokensPerSecond();
        }
    }

    private static <T> T call(ExecutorService executor, java.util.concurrent.Callable<T> task) {
        try {
            return executor.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private static double onNewThread(String name, java.util.concurrent.Callable<Double> task) {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        try {
            return call(one, task);
        } finally {
            one.shutdownNow();
        }
    }
}
