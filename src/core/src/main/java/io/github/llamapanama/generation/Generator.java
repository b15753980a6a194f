package io.github.llamapanama.generation;

import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.sampling.Sampler;

/**
 * Generates text for one sequence of a {@link Context}: it evaluates a prompt, then samples and
 * decodes token by token on the calling thread, with a batch that is reused for every step.
 * It tracks the next position of its sequence, so successive prompts continue the same
 * conversation in the KV cache.
 *
 * {@snippet :
 * Generator generator = new Generator(context, sampler);
 * generator.generate("Once upon a time", GenerationParams.maxTokens(64))
 *          .forEachRemaining(System.out::print);
 * }
 */
public final class Generator implements AutoCloseable {
    private final Context context;
    private final Sampler sampler;
    private final int sequence;
    private final Batch batch;
    private int position;
    private Generation active;

    /** A generator for sequence 0 of an empty context. */
    public Generator(Context context, Sampler sampler) {
        this(context, sampler, 0, 0);
    }

    /** A generator for {@code sequence}, whose next token goes at {@code position}. */
    public Generator(Context context, Sampler sampler, int sequence, int position) {
        if (sequence < 0 || sequence >= context.maxSequences()) {
            throw new IllegalArgumentException("sequence " + sequence + " is outside [0, " + context.maxSequences() + ")");
        }
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + position);
        }
        this.context = context;
        this.sampler = sampler;
        this.sequence = sequence;
        this.position = position;
        this.batch = Batch.ofTokens(context.batchSize(), 1);
    }

    /** Tokenizes {@code prompt} (adding BOS if the model wants it, parsing special tokens) and starts. */
    public Generation generate(String prompt, GenerationParams params) {
        boolean first = position == 0;
        return generate(context.model().vocab().tokenize(prompt, first, true), params);
    }

    /**
     * Starts generating after {@code prompt}, which is evaluated on the first step. Consume the
     * result as an iterator or stream of text pieces, with a {@link PieceListener}, or as a String.
     *
     * @throws ContextFullException if the prompt does not fit in the context
     */
    public Generation generate(int[] prompt, GenerationParams params) {
        if (active != null && !active.isFinished()) {
            throw new IllegalStateException("this generator is still running a generation: finish or close it first");
        }
        checkFits(prompt.length);
        active = new Generation(this, prompt, params);
        return active;
    }

    /**
     * Starts generating after a prompt that was evaluated by other means (a projector's media
     * chunks, say) up to {@code position}, with the logits of its last token in the context.
     */
    public Generation generateAfterEvaluated(int position, GenerationParams params) {
        if (active != null && !active.isFinished()) {
            throw new IllegalStateException("this generator is still running a generation: finish or close it first");
        }
        if (position < 1 || position >= context.contextSize()) {
            throw new IllegalArgumentException("position " + position + " is outside [1, " + context.contextSize() + ")");
        }
        this.position = position;
        active = new Generation(this, null, params);
        return active;
    }

    /** Generates and returns the whole text. */
    public String complete(String prompt, GenerationParams params) {
        return generate(prompt, params).text();
    }

    /** Next position of this generator's sequence: how many of its tokens are in the KV cache. */
    public int position() {
        return position;
    }

    public int sequence() {
        return sequence;
    }

    public Context context() {
        return context;
    }

    public Sampler sampler() {
        return sampler;
    }

    /** Forgets this sequence: clears its KV cache cells and resets the sampler. */
    public void reset() {
        context.kvCache().remove(sequence, -1, -1);
        sampler.reset();
        position = 0;
    }

    /**
     * Declares that the KV cache holds this sequence up to {@code newPosition}, after it was
     * filled by other means (a projector, a loaded state).
     */
    public void advanceTo(int newPosition) {
        if (newPosition < 0 || newPosition >= context.contextSize()) {
            throw new IllegalArgumentException("position " + newPosition + " is outside [0, " + context.contextSize() + ")");
        }
        position = newPosition;
    }

    /** Drops positions from {@code newPosition} on, e.g. to re-evaluate a changed tail. */
    public void rewind(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("can rewind to [0, " + position + "], not " + newPosition);
        }
        context.kvCache().remove(sequence, newPosition, -1);
        position = newPosition;
    }

    // ---- the hot path, used by Generation ------------------------------------------------------

    /** Evaluates a prompt after checking that it fits; the next token is sampled from its logits. */
    void evaluatePrompt(int[] tokens) {
        checkFits(tokens.length);
        evaluate(tokens);
    }

    private void checkFits(int tokens) {
        if (tokens == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        if ((long) position + tokens >= context.contextSize()) {
            throw new ContextFullException("prompt of " + tokens + " tokens does not fit: the context holds "
                    + context.contextSize() + " tokens and " + position + " are in use");
        }
    }

    /** Frees the batch this generator reuses. */
    @Override
    public void close() {
        batch.close();
    }

    /** Evaluates {@code tokens} in batches; only the last one keeps logits. */
    void evaluate(int[] tokens) {
        for (int start = 0; start < tokens.length; start += batch.capacity()) {
            int end = Math.min(tokens.length, start + batch.capacity());
            batch.clear();
            for (int i = start; i < end; i++) {
                batch.add(tokens[i], position + i - start, sequence, i == tokens.length - 1);
            }
            context.decode(batch);
            position += end - start;
        }
    }

    /** Decodes one sampled token so that the next one can be sampled. */
    void decodeOne(int token) {
        batch.clear().add(token, position, sequence, true);
        context.decode(batch);
        position++;
    }
}
