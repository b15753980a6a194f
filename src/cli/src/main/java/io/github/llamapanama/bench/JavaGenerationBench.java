package io.github.llamapanama.bench;

import io.github.llamapanama.generation.Generation;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.generation.PieceListener;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.sampling.Sampler;

import java.util.SplittableRandom;

/**
 * The full Java generation path, which llama-bench has no counterpart for: a {@link Generator}
 * with a greedy sampler, streamed through {@link Generation#forEach} (the zero-allocation way),
 * from a one-token prompt. A run of n tokens makes n decodes (the prompt's, then n - 1) and n
 * samples, so it compares with llama-bench's tg test plus the cost of sampling and detokenizing.
 * A piece listener reads the thread's allocation counter, which separates what the loop
 * allocates per token from what a generation allocates once.
 */
final class JavaGenerationBench implements AutoCloseable {
    private final Context context;
    private final Sampler sampler;
    private final Generator generator;
    private final Vocab vocab;
    private final SplittableRandom random = new SplittableRandom(4321);
    private final PieceMeter meter = new PieceMeter();

    JavaGenerationBench(Model model, int threads, int nGen) {
        // +8: Generation stops one short of a full context, and n_ctx must leave room for the prompt
        context = model.newContext(LlamaBenchDefaults.context(nGen + 8, threads, 1));
        sampler = Sampler.builder().greedy().build();
        generator = new Generator(context, sampler);
        vocab = model.vocab();
        run(Math.min(nGen, 16)); // warm up the loop
    }

    /** One timed generation of exactly {@code nGen} tokens (end-of-generation tokens do not stop it). */
    RunSample run(int nGen) {
        generator.reset();
        int[] prompt = {vocab.addsBos() ? vocab.bos() : random.nextInt(vocab.size())};
        Generation g = generator.generate(prompt, GenerationParams.maxTokens(nGen).withStopAtEndOfGeneration(false));
        long gc = HeapMeter.collections();
        long bytes = HeapMeter.allocatedBytes();
        long t0 = System.nanoTime();
        meter.reset();
        GenerationResult r = g.forEach(meter);
        long nanos = System.nanoTime() - t0;
        long allocated = HeapMeter.since(bytes);
        long collections = HeapMeter.collections() - gc;
        if (r.tokens().length != nGen) {
            throw new IllegalStateException("generated " + r.tokens().length + " tokens, not " + nGen
                    + " (" + r.finishReason() + ")");
        }
        return new RunSample(nanos, nGen, allocated, collections);
    }

    /**
     * Heap bytes per piece between the first and the last piece of the last run: the loop's
     * own cost, without what a generation allocates once (its result). NaN when unknown.
     */
    double lastLoopBytesPerPiece() {
        return meter.pieces < 2 || meter.first < 0 ? Double.NaN
                : (double) (meter.last - meter.first) / (meter.pieces - 1);
    }

    @Override
    public void close() {
        sampler.close();
        context.close();
    }

    /** Reads the allocation counter at each piece; allocates nothing itself. */
    private static final class PieceMeter implements PieceListener {
        long first;
        long last;
        int pieces;

        void reset() {
            pieces = 0;
        }

        @Override
        public void onPiece(CharSequence text) {
            long bytes = HeapMeter.allocatedBytes();
            if (pieces++ == 0) {
                first = bytes;
            }
            last = bytes;
        }
    }
}
