package io.github.llamapanama.generation;

import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.sampling.Sampler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Continuous batching over one context: each of its n_seq_max sequences is a slot. Callers
 * {@linkplain #admit admit} a prompt into a free slot whenever one is free, and call
 * {@link #step()} to decode the next token of every running slot in one batch, so requests join
 * and leave between steps instead of waiting for a whole batch to end (unlike
 * {@link BatchGenerator}, which takes a fixed list of jobs).
 *
 * <p>Not thread-safe: one thread (a scheduler) owns the context and calls every method but
 * {@link Listener#isCancelled()}, which is how other threads stop a slot.
 */
public final class ContinuousBatch implements AutoCloseable {
    private final Context context;
    private final int slotContextSize;
    private final Batch stepBatch;
    private final Batch promptBatch;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final List<Slot> running = new ArrayList<>();

    /** Receives one slot's output on the thread that calls {@link #admit} and {@link #step}. */
    public interface Listener {
        /** New text, whole characters only; stop strings are never passed on. */
        void onPiece(String text);

        /** The slot ended; {@code result.text()} is the whole text. */
        void onFinish(GenerationResult result);

        /** The slot failed (a decode error); its sequence is already freed. */
        void onError(RuntimeException error);

        /** Polled before every step, from the batch's thread: true drops the slot (CANCELLED). */
        default boolean isCancelled() {
            return false;
        }

        /**
         * Log-probabilities wanted per sampled token, asked once at admission: -1 none (the
         * default: no extra work), 0 the sampled token's only, n > 0 also the n most likely.
         */
        default int logprobs() {
            return -1;
        }

        /**
         * Each sampled token with its log-probability (when {@link #logprobs()} >= 0), before
         * the {@link #onPiece} that holds its text; end-of-generation tokens are not reported.
         */
        default void onToken(TokenLogprob token) {
        }
    }

    /** Evaluates a prompt into {@code sequence} from position 0 and returns the next position. */
    @FunctionalInterface
    public interface PromptEvaluator {
        int evaluate(Context context, int sequence);
    }

    private final class Slot {
        final int sequence;
        final SequenceOutput output;
        final Sampler sampler;
        final Listener listener;
        int position;
        int pendingToken;
        int batchIndex;
        int emitted; // chars of output.ready already handed to the listener
        int promptTokens;
        int logprobs = -1;
        double promptMillis;
        long startNanos;
        FinishReason finish;

        Slot(int sequence, GenerationParams params, Sampler sampler, Listener listener) {
            this.sequence = sequence;
            this.output = new SequenceOutput(context.model().vocab(), params);
            this.sampler = sampler;
            this.listener = listener;
        }
    }

    /**
     * @param context         its n_seq_max is the number of slots
     * @param slotContextSize most positions one slot may use (prompt and answer), at most the
     *                        context size divided by the slots
     */
    public ContinuousBatch(Context context, int slotContextSize) {
        if (slotContextSize < 2 || (long) slotContextSize * context.maxSequences() > context.contextSize()) {
            throw new IllegalArgumentException("slotContextSize " + slotContextSize + " times " + context.maxSequences()
                    + " slots does not fit the context of " + context.contextSize());
        }
        this.context = context;
        this.slotContextSize = slotContextSize;
        this.stepBatch = Batch.ofTokens(context.maxSequences(), 1);
        this.promptBatch = Batch.ofTokens(context.batchSize(), 1);
        for (int s = 0; s < context.maxSequences(); s++) {
            free.add(s);
        }
    }

    public int slotCount() {
        return context.maxSequences();
    }

    public int freeSlots() {
        return free.size();
    }

    public int activeSlots() {
        return running.size();
    }

    public int slotContextSize() {
        return slotContextSize;
    }

    /**
     * Evaluates a tokenized text prompt into a free slot and samples its first token. The slot
     * takes ownership of {@code sampler} and closes it when it ends.
     *
     * @throws ContextFullException if the prompt leaves no room in a slot
     * @throws IllegalStateException if no slot is free
     */
    public void admit(int[] prompt, Sampler sampler, GenerationParams params, Listener listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        if (prompt.length >= slotContextSize) {
            throw new ContextFullException("the prompt has " + prompt.length + " tokens but a slot holds "
                    + slotContextSize + " (prompt and answer)");
        }
        admit((ctx, seq) -> evaluateTokens(prompt, seq), sampler, params, listener);
    }

    /**
     * Evaluates a prompt (e.g. a multimodal one through a projector) into a free slot and samples
     * its first token; the listener may already hear the end. A failing prompt frees the slot
     * and closes the sampler, and its exception propagates.
     */
    public void admit(PromptEvaluator prompt, Sampler sampler, GenerationParams params, Listener listener) {
        Objects.requireNonNull(sampler, "sampler");
        if (free.isEmpty()) {
            sampler.close();
            throw new IllegalStateException("no free slot");
        }
        int sequence = free.poll();
        Slot slot;
        try {
            context.kvCache().remove(sequence, -1, -1);
            sampler.reset();
            slot = new Slot(sequence, params, sampler, listener);
            slot.logprobs = listener.logprobs();
            long t0 = System.nanoTime();
            slot.position = prompt.evaluate(context, sequence);
            if (slot.position >= slotContextSize) {
                throw new ContextFullException("the prompt needs " + slot.position + " positions but a slot holds "
                        + slotContextSize + " (prompt and answer)");
            }
            slot.promptTokens = slot.position;
            slot.promptMillis = (System.nanoTime() - t0) / 1e6;
            slot.startNanos = System.nanoTime();
            sample(slot, -1); // before another sequence's decode replaces the prompt's logits
        } catch (RuntimeException e) {
            context.kvCache().remove(sequence, -1, -1);
            free.add(sequence);
            sampler.close();
            throw e;
        }
        if (slot.finish != null) {
            end(slot);
        } else {
            running.add(slot);
        }
    }

    private int evaluateTokens(int[] tokens, int sequence) {
        for (int start = 0; start < tokens.length; start += promptBatch.capacity()) {
            int end = Math.min(tokens.length, start + promptBatch.capacity());
            promptBatch.clear();
            for (int i = start; i < end; i++) {
                promptBatch.add(tokens[i], i, sequence, i == tokens.length - 1);
            }
            context.decode(promptBatch);
        }
        return tokens.length;
    }

    /**
     * Drops cancelled slots, then decodes one token for every running slot in a single batch
     * and samples each. Returns how many sequences that batch held (0: nothing ran).
     */
    public int step() {
        for (int i = running.size() - 1; i >= 0; i--) {
            Slot s = running.get(i);
            if (s.listener.isCancelled()) {
                running.remove(i);
                s.finish = FinishReason.CANCELLED;
                s.output.finish(FinishReason.CANCELLED);
                end(s);
            }
        }
        if (running.isEmpty()) {
            return 0;
        }
        stepBatch.clear();
        for (Slot s : running) {
            s.batchIndex = stepBatch.size();
            stepBatch.add(s.pendingToken, s.position, s.sequence, true);
        }
        int size = stepBatch.size();
        try {
            context.decode(stepBatch);
        } catch (RuntimeException e) {
            failAll(e);
            return size;
        }
        for (int i = running.size() - 1; i >= 0; i--) {
            Slot s = running.get(i);
            s.position++;
            try {
                sample(s, s.batchIndex);
            } catch (RuntimeException e) {
                running.remove(i);
                release(s);
                s.listener.onError(e);
                continue;
            }
            if (s.finish != null) {
                running.remove(i);
                end(s);
            }
        }
        return size;
    }

    private void sample(Slot s, int index) {
        int token = s.sampler.sample(context, index);
        TokenLogprob logprob = s.logprobs < 0 ? null : Logprobs.of(context, index, token, s.logprobs);
        FinishReason end = s.output.accept(token);
        if (logprob != null && end != FinishReason.END_OF_GENERATION) {
            s.listener.onToken(logprob);
        }
        if (end == null && s.position + 1 >= slotContextSize) {
            end = FinishReason.CONTEXT_FULL;
        }
        if (end != null) {
            s.finish = end;
            s.output.finish(end);
        } else {
            s.pendingToken = token;
            emit(s);
        }
    }

    private void emit(Slot s) {
        StringBuilder ready = s.output.ready;
        if (ready.length() > s.emitted) {
            String piece = ready.substring(s.emitted);
            s.emitted = ready.length();
            s.listener.onPiece(piece);
        }
    }

    private void end(Slot s) {
        emit(s);
        release(s);
        double millis = (System.nanoTime() - s.startNanos) / 1e6;
        s.listener.onFinish(new GenerationResult(s.output.ready.toString(), s.output.tokens(), s.finish,
                new GenerationStats(s.promptTokens, s.promptMillis, s.output.tokenCount(), millis)));
    }

    private void release(Slot s) {
        context.kvCache().remove(s.sequence, -1, -1);
        free.add(s.sequence);
        s.sampler.close();
    }

    private void failAll(RuntimeException e) {
        List<Slot> failed = new ArrayList<>(running);
        running.clear();
        for (Slot s : failed) {
            release(s);
            s.listener.onError(e);
        }
    }

    /** Ends every running slot as cancelled and frees the batches (the context stays open). */
    @Override
    public void close() {
        for (Slot s : new ArrayList<>(running)) {
            s.finish = FinishReason.CANCELLED;
            s.output.finish(FinishReason.CANCELLED);
            end(s);
        }
        running.clear();
        stepBatch.close();
        promptBatch.close();
    }
}
