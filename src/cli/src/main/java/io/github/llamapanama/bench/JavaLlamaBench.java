package io.github.llamapanama.bench;

import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PerfTimings;
import io.github.llamapanama.model.Vocab;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * llama-bench's pp and tg tests on the Java path, step for step: a context of n_prompt (or
 * n_gen) tokens with llama-bench's defaults, one warmup run when it is created, the KV cache
 * cleared before each timed run.
 *
 * <ul>
 *   <li>{@link #prompt}: test_prompt, batches of up to n_batch random tokens (BOS first if the
 *       model adds one), logits for the last token of each batch only;</li>
 *   <li>{@link #generation}: test_gen, one token per decode, starting from BOS or a random
 *       token, each next token random: no sampling, logits unread.</li>
 * </ul>
 *
 * Like llama-bench, each decode is followed by llama_synchronize (a no-op on the CPU backend,
 * and what makes the timing honest on asynchronous GPU backends). Runs on the caller's thread.
 */
final class JavaLlamaBench implements AutoCloseable {
    private final Model model;
    private final int threads;
    private final int nVocab;
    private final int firstToken; // BOS, or -1 for a random first token
    private final SplittableRandom random = new SplittableRandom(1234);
    private Context promptContext;
    private Batch promptBatch;
    private Context genContext;
    private Batch genBatch;

    JavaLlamaBench(Model model, int threads) {
        this.model = model;
        this.threads = threads;
        Vocab vocab = model.vocab();
        this.nVocab = vocab.size();
        this.firstToken = vocab.addsBos() ? vocab.bos() : -1;
    }

    /** One timed test_prompt of {@code nPrompt} tokens. */
    RunSample prompt(int nPrompt) {
        if (promptContext == null || promptContext.contextSize() < nPrompt) {
            closeContexts(true);
            promptContext = model.newContext(LlamaBenchDefaults.context(nPrompt, threads, 1));
            promptBatch = Batch.ofTokens(promptContext.batchSize(), 1);
            testPrompt(promptContext, promptBatch, nPrompt); // llama-bench's warmup run
        }
        return timed(promptContext, nPrompt, () -> testPrompt(promptContext, promptBatch, nPrompt),
                PerfTimings::promptMillis);
    }

    /** One timed test_gen of {@code nGen} tokens. */
    RunSample generation(int nGen) {
        if (genContext == null || genContext.contextSize() < nGen) {
            closeContexts(false);
            genContext = model.newContext(LlamaBenchDefaults.context(nGen, threads, 1));
            genBatch = Batch.ofTokens(1, 1);
            testGen(genContext, genBatch, 1); // llama-bench's warmup run
        }
        return timed(genContext, nGen, () -> testGen(genContext, genBatch, nGen), PerfTimings::generationMillis);
    }

    /**
     * Times {@code test} on a cleared cache, with llama.cpp's own timing of it ({@code nativeMillis}
     * of the context's perf data: the prompt or the one-token decodes).
     */
    private static RunSample timed(Context ctx, int tokens, Runnable test, ToDoubleFunction<PerfTimings> nativeMillis) {
        ctx.kvCache().clear();
        ctx.resetPerf();
        long gc = HeapMeter.collections();
        long bytes = HeapMeter.allocatedBytes();
        long t0 = System.nanoTime();
        test.run();
        long nanos = System.nanoTime() - t0;
        long allocated = HeapMeter.since(bytes);
        long collections = HeapMeter.collections() - gc;
        return new RunSample(nanos, tokens, allocated, collections, nativeMillis.applyAsDouble(ctx.perf()));
    }

    private void testPrompt(Context ctx, Batch batch, int nPrompt) {
        int nBatch = batch.capacity();
        for (int processed = 0; processed < nPrompt; ) {
            int n = Math.min(nPrompt - processed, nBatch);
            batch.clear();
            for (int i = 0; i < n; i++) {
                int token = i == 0 && processed == 0 && firstToken >= 0 ? firstToken : random.nextInt(nVocab);
                batch.add(token, processed + i, 0, i == n - 1); // llama_batch_get_one: logits of the last
            }
            ctx.decode(batch);
            processed += n;
        }
        ctx.synchronize();
    }

    private void testGen(Context ctx, Batch batch, int nGen) {
        int token = firstToken >= 0 ? firstToken : random.nextInt(nVocab);
        for (int i = 0; i < nGen; i++) {
            ctx.decode(batch.clear().add(token, i, 0, true));
            ctx.synchronize();
            token = random.nextInt(nVocab);
        }
    }

    private void closeContexts(boolean prompt) {
        if (prompt && promptContext != null) {
            promptBatch.close();
            promptContext.close();
            promptContext = null;
        }
        if (!prompt && genContext != null) {
            genBatch.close();
            genContext.close();
            genContext = null;
        }
    }

    @Override
    public void close() {
        closeContexts(true);
        closeContexts(false);
    }
}
