package io.github.llamapanama.generation;

import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.model.TokenDecoder;
import io.github.llamapanama.model.Vocab;

import java.util.Arrays;
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
    private final Vocab vocab;
    private final GenerationParams params;
    private final StopMatcher stops;
    private final TokenDecoder decoder;
    private final StringBuilder pending = new StringBuilder(); // decoded, maybe the start of a stop string
    private final StringBuilder ready = new StringBuilder();   // safe to hand out
    private int[] prompt;
    private int[] tokens = new int[256];
    private int tokenCount;
    private FinishReason finishReason;
    private volatile boolean cancelled;
    private long promptNanos;
    private long generationStart;
    private long generationNanos;
    private int promptTokens;

    Generation(Generator generator, int[] prompt, GenerationParams params) {
        this.generator = generator;
        this.context = generator.context();
        this.vocab = context.model().vocab();
        this.params = params;
        this.prompt = prompt;
        this.stops = new StopMatcher(params.stopStrings());
        this.decoder = vocab.newDecoder(params.renderSpecial());
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
            record(token);
            if (params.stopAtEndOfGeneration() && vocab.isEndOfGeneration(token)) {
                return finish(FinishReason.END_OF_GENERATION);
            }
            decoder.append(token, pending);
            if (!stops.isEmpty()) {
                int at = stops.find(pending);
                if (at >= 0) {
                    pending.setLength(at);
                    return finish(FinishReason.STOP_STRING);
                }
            }
            int hold = stops.isEmpty() ? 0 : stops.heldSuffix(pending);
            ready.append(pending, 0, pending.length() - hold);
            pending.delete(0, pending.length() - hold);
            if (params.maxTokens() > 0 && tokenCount >= params.maxTokens()) {
                return finish(FinishReason.MAX_TOKENS);
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

    private void record(int token) {
        if (tokenCount == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[tokenCount++] = token;
    }

    private boolean finish(FinishReason reason) {
        finishReason = reason;
        generationNanos = generationStart == 0 ? 0 : System.nanoTime() - generationStart;
        if (reason != FinishReason.STOP_STRING) {
            decoder.flush(pending);
        }
        ready.append(pending);
        pending.setLength(0);
        context.clearCancel();
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
        return new GenerationResult(text, Arrays.copyOf(tokens, tokenCount), finishReason, stats());
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
        return Arrays.copyOf(tokens, tokenCount);
    }

    public GenerationStats stats() {
        long gen = finishReason != null ? generationNanos : generationStart == 0 ? 0 : System.nanoTime() - generationStart;
        return new GenerationStats(promptTokens, promptNanos / 1e6, tokenCount, gen / 1e6);
    }
}
