package io.github.llamapanama.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one benchmark run measures.
 *
 * @param models          GGUF files, each benchmarked in turn
 * @param threads         threads for both the Java and the native runs
 * @param reps            repetitions of every figure (Java and native runs alternate)
 * @param promptTokens    the pp test's prompt length (llama-bench -p)
 * @param genTokens       the tg test's token count (llama-bench -n), also the sampling run's
 * @param batchSizes      parallel sequence counts of the batch test
 * @param batchPrompt     prompt tokens per sequence in the batch test
 * @param batchGen        generation steps in the batch test
 * @param shortMode       whether these are the short (CI) settings, as reported
 * @param tools           llama.cpp's tools; null for Java figures only
 * @param image           the image test; null to skip it
 */
public record BenchSettings(List<Path> models, int threads, int reps, int promptTokens, int genTokens,
                            List<Integer> batchSizes, int batchPrompt, int batchGen, boolean shortMode,
                            NativeTools tools, ImageSettings image) {

    /** Full settings: llama-bench's pp512 and tg128, five repetitions. */
    public static final int FULL_PROMPT = 512;
    public static final int FULL_GEN = 128;
    public static final int FULL_REPS = 5;
    public static final int FULL_BATCH_PROMPT = 32;
    public static final int FULL_BATCH_GEN = 32;
    /** Short settings, for CI: enough to exercise every path, not to measure well. */
    public static final int SHORT_PROMPT = 64;
    public static final int SHORT_GEN = 16;
    public static final int SHORT_REPS = 2;
    public static final int SHORT_BATCH_PROMPT = 16;
    public static final int SHORT_BATCH_GEN = 8;
    public static final List<Integer> DEFAULT_BATCH_SIZES = List.of(1, 2, 4, 8);

    public BenchSettings {
        models = List.copyOf(models);
        batchSizes = List.copyOf(batchSizes);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model to benchmark");
        }
        positive("threads", threads);
        positive("reps", reps);
        positive("promptTokens", promptTokens);
        positive("genTokens", genTokens);
        positive("batchPrompt", batchPrompt);
        positive("batchGen", batchGen);
        if (batchSizes.isEmpty()) {
            throw new IllegalArgumentException("no batch size");
        }
        for (int b : batchSizes) {
            positive("a batch size", b);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, was " + v);
        }
    }

    /** The full benchmark on {@code models}, all processors, with llama.cpp's staged tools. */
    public static BenchSettings full(List<Path> models) {
        return new BenchSettings(models, Runtime.getRuntime().availableProcessors(), FULL_REPS, FULL_PROMPT,
                FULL_GEN, DEFAULT_BATCH_SIZES, FULL_BATCH_PROMPT, FULL_BATCH_GEN, false, NativeTools.staged(), null);
    }

    /** The short (CI) benchmark on {@code models}. */
    public static BenchSettings quick(List<Path> models) {
        return new BenchSettings(models, Runtime.getRuntime().availableProcessors(), SHORT_REPS, SHORT_PROMPT,
                SHORT_GEN, DEFAULT_BATCH_SIZES, SHORT_BATCH_PROMPT, SHORT_BATCH_GEN, true, NativeTools.staged(), null);
    }

    public BenchSettings withThreads(int n) {
        return new BenchSettings(models, n, reps, promptTokens, genTokens, batchSizes, batchPrompt, batchGen,
                shortMode, tools, image);
    }

    public BenchSettings withReps(int n) {
        return new BenchSettings(models, threads, n, promptTokens, genTokens, batchSizes, batchPrompt, batchGen,
                shortMode, tools, image);
    }

    public BenchSettings withPromptTokens(int n) {
        return new BenchSettings(models, threads, reps, n, genTokens, batchSizes, batchPrompt, batchGen,
                shortMode, tools, image);
    }

    public BenchSettings withGenTokens(int n) {
        return new BenchSettings(models, threads, reps, promptTokens, n, batchSizes, batchPrompt, batchGen,
                shortMode, tools, image);
    }

    public BenchSettings withBatch(List<Integer> sizes, int prompt, int gen) {
        return new BenchSettings(models, threads, reps, promptTokens, genTokens, sizes, prompt, gen, shortMode, tools, image);
    }

    /** Native tools to compare with, or null for Java figures only. */
    public BenchSettings withTools(NativeTools nativeTools) {
        return new BenchSettings(models, threads, reps, promptTokens, genTokens, batchSizes, batchPrompt, batchGen,
                shortMode, nativeTools, image);
    }

    /** The image test with {@code settings}; null to skip it. */
    public BenchSettings withImage(ImageSettings settings) {
        return new BenchSettings(models, threads, reps, promptTokens, genTokens, batchSizes, batchPrompt, batchGen,
                shortMode, tools, settings);
    }

    /**
     * KV cells of the batch test's context, for the Java and the native run alike: every
     * sequence's prompt and steps in one shared cache (at least 8, the smallest context).
     */
    public int batchContextSize() {
        int most = batchSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        return Math.max(8, most * (batchPrompt + batchGen));
    }

    /** The most parallel sequences the batch test runs: the context's n_seq_max. */
    public int maxBatchSize() {
        return batchSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
