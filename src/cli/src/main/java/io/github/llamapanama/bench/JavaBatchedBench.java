package io.github.llamapanama.bench;

import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PerfTimings;

/**
 * llama-batched-bench on the Java path (tools/batched-bench, without a shared prompt): one
 * context with n_seq_max sequences; for each shape, {@code pl} prompts of {@code pp} tokens, then
 * {@code tg} steps that each decode one token for every sequence in one batch, all with logits.
 * Like the tool, every token is token 0, the warmup is one decode of 16 tokens, and each decode
 * is followed by llama_synchronize. Runs on the caller's thread.
 */
final class JavaBatchedBench implements AutoCloseable {
    private final Context context;
    private final Batch batch;

    /**
     * @param contextSize  n_ctx, shared by all sequences (the tool's {@code -c})
     * @param maxSequences n_seq_max: the largest {@code pl} to run
     */
    JavaBatchedBench(Model model, int threads, int contextSize, int maxSequences) {
        context = model.newContext(LlamaBenchDefaults.context(contextSize, threads, maxSequences));
        batch = Batch.ofTokens(context.batchSize(), 1);
        for (int i = 0; i < 16; i++) { // the tool's warm up
            batch.add(0, i, 0, false);
        }
        context.decode(batch);
        context.synchronize();
    }

    /**
     * Runs one shape and times its generation steps.
     *
     * @throws IllegalArgumentException if the shape needs more than n_ctx cells or n_seq_max sequences
     */
    RunSample run(int pp, int tg, int pl) {
        if (pl > context.maxSequences() || (long) pl * (pp + tg) > context.contextSize()) {
            throw new IllegalArgumentException(pl + " sequences of " + pp + " + " + tg + " tokens do not fit a context"
                    + " of " + context.contextSize() + " cells and " + context.maxSequences() + " sequences");
        }
        context.kvCache().clear();
        prompts(pp, pl);
        context.resetPerf();
        long gc = HeapMeter.collections();
        long bytes = HeapMeter.allocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < tg; i++) {
            batch.clear();
            for (int j = 0; j < pl; j++) {
                batch.add(0, pp + i, j, true);
            }
            context.decode(batch);
            context.synchronize();
        }
        long nanos = System.nanoTime() - t0;
        long allocated = HeapMeter.since(bytes);
        long collections = HeapMeter.collections() - gc;
        // one token a decode counts as "eval", more as "prompt eval": the steps are one or the other
        PerfTimings perf = context.perf();
        return new RunSample(nanos, (long) pl * tg, allocated, collections, perf.promptMillis() + perf.generationMillis());
    }

    /** The pl prompts, one after another, in decodes of up to n_batch tokens; logits of the last token only. */
    private void prompts(int pp, int pl) {
        int total = pp * pl;
        batch.clear();
        for (int k = 0; k < total; k++) {
            batch.add(0, k % pp, k / pp, k == total - 1);
            if (batch.size() == batch.capacity() || k == total - 1) {
                context.decode(batch);
                context.synchronize();
                batch.clear();
            }
        }
    }

    @Override
    public void close() {
        batch.close();
        context.close();
    }
}
