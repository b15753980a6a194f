package io.github.llamapanama.generation;

import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One running generation: an {@link Iterator} of text pieces, computed on demand on the thread
 * that pulls them. Use it as an iterator, as a {@link #stream()}, with a {@link PieceListener}
 * ({@link #forEach}), or wait for the whole {@link #text()}. Text never contains half a UTF-8
 * character or any part of a stop string. {@link #cancel()} may be called from any thread.
 */
public final class Generation implements Iterator<String> {
    private final Generator generator;
    private final Context context;
    private final SequenceOutput output;
    private final StringBuilder ready;
    private int[] prompt;
    private FinishReason finishReason;
    private volatile boolean cancelled;
    private long promptNanos;
    private long generationStart;
    private long generationNanos;
    private int promptTokens;

    Generation(Generator generator, int[] prompt, GenerationParams params) {
        this.generator = generator;
        this.context = generator.context();
        this.prompt = prompt;
        this.output = new SequenceOutput(context.model().vocab(), params);
        this.ready = output.ready;
        context.clearCancel();
    }

    /**
     * Generates one token and moves any text it completes to {@code ready}.
     * Returns false once finished.
     */
    private boolean step() {
        if (finishReason != null) {
            return false;
        }
        try {
            if (prompt != null) {
                long t0 = System.nanoTime();
                generator.evaluate(prompt);
                promptTokens = prompt.length;
                prompt = null;
                promptNanos = System.nanoTime() - t0;
            }
            if (generationStart == 0) {
                generationStart = System.nanoTime();
            }
            if (cancelled || context.isCancelRequested()) {
                return finish(FinishReason.CANCELLED);
            }
            int token = generator.sampler().sample(context, -1);
            FinishReason end = output.accept(token);
            if (end != null) {
                return finish(end);
            }
            if (generator.position() + 1 >= context.contextSize()) {
                return finish(FinishReason.CONTEXT_FULL);
            }
            generator.decodeOne(token);
            return true;
        } catch (CancellationException e) {
            return finish(FinishReason.CANCELLED);
        } catch (ContextFullException e) {
            if (prompt != null) {
                throw e;
            }
            return finish(FinishReason.CONTEXT_FULL);
        }
    }

    private boolean finish(FinishReason reason) {
        finishReason = reason;
        generationNanos = generationStart == 0 ? 0 : System.nanoTime() - generationStart;
        output.finish(reason);
        context.clearCancel();
        // This thread's decoding is over: free its OpenMP team (Llama.releaseComputeThreads).
        LlamaPanamaNative.releaseComputeThreads();
        return false;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && step()) {
            // keep generating until some text is complete
        }
        return !ready.isEmpty();
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("generation finished: " + finishReason);
        }
        String piece = ready.toString();
        ready.setLength(0);
        return piece;
    }

    /** Streams the remaining pieces to {@code listener}; returns when finished. */
    public GenerationResult forEach(PieceListener listener) {
        boolean more = true;
        while (more) {
            more = step();
            if (!ready.isEmpty()) {
                listener.onPiece(ready);
                ready.setLength(0);
            }
        }
        return result("");
    }

    /** The remaining pieces as a sequential stream. */
    public Stream<String> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Runs to the end and returns all remaining text. */
    public String text() {
        return finish().text();
    }

    /** Runs to the end and returns the remaining text with the outcome. */
    public GenerationResult finish() {
        StringBuilder all = new StringBuilder();
        forEach(all::append);
        return result(all.toString());
    }

    private GenerationResult result(String text) {
        return new GenerationResult(text, output.tokens(), finishReason, stats());
    }

    /** Ends the generation at the next token; safe from any thread. Also aborts a running decode. */
    public void cancel() {
        cancelled = true;
        context.cancel();
    }

    public boolean isFinished() {
        return finishReason != null;
    }

    /** Why it ended; null while running. */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** Tokens sampled so far. */
    public int[] tokens() {
        return output.tokens();
    }

    public GenerationStats stats() {
        long gen = finishReason != null ? generationNanos : generationStart == 0 ? 0 : System.nanoTime() - generationStart;
        return new GenerationStats(promptTokens, promptNanos / 1e6, output.tokenCount(), gen / 1e6);
    }
}
