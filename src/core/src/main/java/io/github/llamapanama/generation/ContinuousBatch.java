package io.github.llamapanama.generation;

import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.sampling.Sampler;

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
 * <p><b>Prompt cache.</b> A slot keeps what it evaluated (prompt and answer) in the KV cache
 * after its request ends. A {@link SlotPrompt} goes to the free slot that holds the longest
 * common prefix of it (media compared by id), and only the rest is evaluated; a prompt that
 * shares nothing takes an empty slot, else the least recently used one.
 *
 * <p><b>Chunked prefill.</b> Admitting a {@link SlotPrompt} evaluates nothing: each step
 * evaluates at most {@code prefillBudget} prompt tokens (or media embeddings) of the slots that
 * are still reading their prompt, in the same batch as the next token of every running slot,
 * so a long prompt does not stop the other streams; while no slot is generating, prompts are read
 * a whole batch at a time. A media item that is not
 * {@linkplain PromptMedia#ready() ready} yet (being encoded elsewhere) makes its slot wait
 * while the others go on.
 *
 * <p>Not thread-safe: one thread (a scheduler) owns the context and calls every method but
 * {@link Listener#isCancelled()}, which is how other threads stop a slot.
 */
public final class ContinuousBatch implements AutoCloseable {
    private final Context context;
    private final int slotContextSize;
    private final int prefillBudget;
    private final boolean promptCache;
    private final Batch stepBatch;
    private final Sequence[] sequences;
    private final List<Slot> prefilling = new ArrayList<>(); // in admission order
    private final List<Slot> running = new ArrayList<>();
    private final List<Slot> generating = new ArrayList<>(); // running slots in this step's batch
    private final List<Slot> reading = new ArrayList<>();    // prefilling slots at this step's start
    private final Runnable decodeStep;
    private long clock;
    private int lastPrefill;
    private boolean holes; // positions were removed from the KV cache since the last compact()

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
         * A token was sampled, before it is checked for an end and before the {@link #onPiece}
         * that holds its text: the logits it came from are {@code context.logits(logitsIndex)}
         * until the next decode, so this is where log-probabilities are taken
         * ({@link Logprobs#of(Context, int, int, int)}); a listener that wants none does no work.
         * The first call also marks the end of the prompt's evaluation.
         */
        default void onToken(int token, Context context, int logitsIndex) {
        }
    }

    /** Evaluates a prompt into {@code sequence} from position 0 and returns the next position. */
    @FunctionalInterface
    public interface PromptEvaluator {
        int evaluate(Context context, int sequence);
    }

    /** One sequence of the context and what its KV cache holds. */
    private static final class Sequence {
        final int id;
        final SlotHistory history = new SlotHistory();
        boolean busy;
        boolean known; // history describes the KV cache (false after a PromptEvaluator)
        long lastUsed;

        Sequence(int id) {
            this.id = id;
        }
    }

    /** One request in a sequence: reading its prompt, then generating. */
    private final class Slot {
        final Sequence seq;
        final SequenceOutput output;
        final Sampler sampler;
        final Listener listener;
        SlotPrompt prompt; // while prefilling
        int piece;         // prompt piece being read
        int offset;        // tokens of that piece already read
        boolean inBatch;   // prompt tokens of this slot are in the step batch
        int position;
        int pendingToken;
        int batchIndex = -1;
        int emitted; // chars of output.ready already handed to the listener
        int promptTokens;
        int cachedTokens;
        double promptMillis;
        final long admitNanos = System.nanoTime();
        long startNanos;
        FinishReason finish;

        Slot(Sequence seq, GenerationParams params, Sampler sampler, Listener listener) {
            this.seq = seq;
            this.output = new SequenceOutput(context.model().vocab(), params);
            this.sampler = sampler;
            this.listener = listener;
        }
    }

    /**
     * A batch that caches prompts and evaluates up to n_batch prompt tokens a step.
     *
     * @param context         its n_seq_max is the number of slots
     * @param slotContextSize most positions one slot may use (prompt and answer), at most the
     *                        context size divided by the slots
     */
    public ContinuousBatch(Context context, int slotContextSize) {
        this(context, slotContextSize, context.batchSize(), true);
    }

    /**
     * @param prefillBudget most prompt tokens (or media embeddings) evaluated in one step, for all
     *                      slots together; smaller keeps the running streams' steps short
     * @param promptCache   reuse what a slot's KV cache holds; false evaluates every prompt whole
     */
    public ContinuousBatch(Context context, int slotContextSize, int prefillBudget, boolean promptCache) {
        if (slotContextSize < 2 || (long) slotContextSize * context.maxSequences() > context.contextSize()) {
            throw new IllegalArgumentException("slotContextSize " + slotContextSize + " times " + context.maxSequences()
                    + " slots does not fit the context of " + context.contextSize());
        }
        if (prefillBudget < 1) {
            throw new IllegalArgumentException("prefillBudget must be >= 1, was " + prefillBudget);
        }
        this.context = context;
        this.slotContextSize = slotContextSize;
        this.prefillBudget = prefillBudget;
        this.promptCache = promptCache;
        this.stepBatch = Batch.ofTokens(context.batchSize(), 1);
        this.decodeStep = () -> context.decode(stepBatch);
        this.sequences = new Sequence[context.maxSequences()];
        for (int s = 0; s < sequences.length; s++) {
            sequences[s] = new Sequence(s);
        }
    }

    public int slotCount() {
        return sequences.length;
    }

    public int freeSlots() {
        int n = 0;
        for (Sequence s : sequences) {
            n += s.busy ? 0 : 1;
        }
        return n;
    }

    /** Slots reading their prompt or generating. */
    public int activeSlots() {
        return running.size() + prefilling.size();
    }

    /** Slots still reading their prompt. */
    public int prefillingSlots() {
        return prefilling.size();
    }

    /**
     * Tokens (and media positions) the slots' sequences hold in the KV cache: those of running
     * requests and the prompts and answers kept for reuse. Read on the thread that steps the batch;
     * from another thread, an estimate.
     */
    public long cachedTokens() {
        long n = 0;
        for (Sequence s : sequences) {
            n += s.history.size();
        }
        return n;
    }

    public int slotContextSize() {
        return slotContextSize;
    }

    /** Prompt tokens and media embeddings evaluated by the last {@link #step()}. */
    public int lastPrefillTokens() {
        return lastPrefill;
    }

    /**
     * Admits a tokenized text prompt (see {@link #admit(SlotPrompt, Sampler, GenerationParams, Listener)}).
     */
    public void admit(int[] prompt, Sampler sampler, GenerationParams params, Listener listener) {
        if (prompt.length == 0) {
            sampler.close();
            throw new IllegalArgumentException("empty prompt");
        }
        admit(SlotPrompt.ofTokens(prompt), sampler, params, listener);
    }

    /**
     * Puts a prompt into the free slot that holds the longest prefix of it, keeps that prefix
     * and drops the rest of the slot's cache; the remainder is evaluated by the next steps, and
     * the first token sampled when it is. The slot takes ownership of {@code sampler} and
     * {@code prompt} and closes them (also when this throws).
     *
     * @throws ContextFullException if the prompt leaves no room in a slot
     * @throws IllegalStateException if no slot is free
     */
    public void admit(SlotPrompt prompt, Sampler sampler, GenerationParams params, Listener listener) {
        Objects.requireNonNull(sampler, "sampler");
        Sequence seq = null;
        try {
            Objects.requireNonNull(prompt, "prompt");
            if (prompt.positions() >= slotContextSize) {
                throw new ContextFullException("the prompt needs " + prompt.positions() + " positions but a slot holds "
                        + slotContextSize + " (prompt and answer)");
            }
            seq = pick(prompt);
            seq.busy = true;
            int keep = promptCache && seq.known ? seq.history.commonPrefix(prompt) : 0;
            keep = startOfPiece(prompt, Math.min(keep, prompt.positions() - 1)); // evaluate one at least, for logits
            if (!context.kvCache().remove(seq.id, keep, -1)) {
                context.kvCache().remove(seq.id, -1, -1);
                keep = 0;
            }
            holes |= keep < seq.history.size();
            seq.history.truncate(keep);
            seq.known = true;
            sampler.reset();
            Slot slot = new Slot(seq, params, sampler, listener);
            slot.prompt = prompt;
            slot.position = keep;
            slot.cachedTokens = keep;
            slot.promptTokens = prompt.positions() - keep;
            seek(slot, keep);
            List<Object> pieces = prompt.pieces();
            for (int i = slot.piece; i < pieces.size(); i++) {
                if (pieces.get(i) instanceof PromptMedia m) {
                    m.prepare();
                }
            }
            prefilling.add(slot);
        } catch (RuntimeException e) {
            if (seq != null) {
                forget(seq);
                seq.busy = false;
            }
            sampler.close();
            if (prompt != null) {
                prompt.close();
            }
            throw e;
        }
    }

    /**
     * Evaluates a prompt (e.g. a multimodal one through a projector) into a free slot at once
     * and samples its first token; the listener may already hear the end. The slot's cache is
     * not reused nor kept. A failing prompt frees the slot and closes the sampler, and its
     * exception propagates.
     */
    public void admit(PromptEvaluator prompt, Sampler sampler, GenerationParams params, Listener listener) {
        Objects.requireNonNull(sampler, "sampler");
        Sequence seq = pickEmptyOrOldest();
        if (seq == null) {
            sampler.close();
            throw new IllegalStateException("no free slot");
        }
        Slot slot;
        try {
            seq.busy = true;
            forget(seq);
            seq.known = false;
            sampler.reset();
            slot = new Slot(seq, params, sampler, listener);
            slot.position = prompt.evaluate(context, seq.id);
            if (slot.position >= slotContextSize) {
                throw new ContextFullException("the prompt needs " + slot.position + " positions but a slot holds "
                        + slotContextSize + " (prompt and answer)");
            }
            slot.promptTokens = slot.position;
            slot.promptMillis = (System.nanoTime() - slot.admitNanos) / 1e6;
            slot.startNanos = System.nanoTime();
            sample(slot, -1); // before another sequence's decode replaces the prompt's logits
        } catch (RuntimeException e) {
            forget(seq);
            seq.busy = false;
            sampler.close();
            throw e;
        }
        if (slot.finish != null) {
            end(slot);
        } else {
            running.add(slot);
        }
    }

    /** The free sequence for {@code prompt}: the longest useful prefix, else an empty one, else the oldest. */
    private Sequence pick(SlotPrompt prompt) {
        Sequence best = null;
        int bestPrefix = -1;
        for (Sequence s : sequences) {
            if (s.busy) {
                continue;
            }
            int p = promptCache && s.known ? s.history.commonPrefix(prompt) : 0;
            if (p > bestPrefix || (p == bestPrefix && s.lastUsed < best.lastUsed)) {
                best = s;
                bestPrefix = p;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no free slot");
        }
        // A short match is not worth another conversation's cache: an empty slot keeps it.
        if (bestPrefix > 0 && 2L * bestPrefix >= best.history.size()) {
            return best;
        }
        Sequence empty = null;
        for (Sequence s : sequences) {
            if (!s.busy && s.history.size() == 0 && (empty == null || s.lastUsed < empty.lastUsed)) {
                empty = s;
            }
        }
        return empty != null ? empty : best;
    }

    /** A free sequence: an empty one if any (keeping the others' caches), else the least recently used. */
    private Sequence pickEmptyOrOldest() {
        Sequence pick = null;
        for (Sequence s : sequences) {
            if (s.busy) {
                continue;
            }
            boolean empty = s.history.size() == 0;
            boolean pickEmpty = pick != null && pick.history.size() == 0;
            if (pick == null || (empty && !pickEmpty) || (empty == pickEmpty && s.lastUsed < pick.lastUsed)) {
                pick = s;
            }
        }
        return pick;
    }

    /** {@code position}, or the start of the media item it falls inside. */
    private static int startOfPiece(SlotPrompt prompt, int position) {
        int pos = 0;
        for (Object piece : prompt.pieces()) {
            int len = piece instanceof int[] t ? t.length : ((PromptMedia) piece).positions();
            if (position < pos + len) {
                return piece instanceof int[] ? position : pos;
            }
            pos += len;
        }
        return position;
    }

    /** Points the slot's prompt cursor at {@code position}. */
    private static void seek(Slot slot, int position) {
        int pos = 0;
        List<Object> pieces = slot.prompt.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            Object piece = pieces.get(i);
            int len = piece instanceof int[] t ? t.length : ((PromptMedia) piece).positions();
            if (position < pos + len) {
                slot.piece = i;
                slot.offset = position - pos;
                return;
            }
            pos += len;
        }
        slot.piece = pieces.size();
        slot.offset = 0;
    }

    /**
     * Drops cancelled slots, evaluates up to the prefill budget of waiting prompts, and decodes
     * one token for every running slot, in a single batch where it can (media embeddings go in
     * their own decode), then samples. Returns how many slots advanced (0: nothing ran, e.g.
     * every prompt waits for its media).
     */
    public int step() {
        lastPrefill = 0;
        dropCancelled();
        if (running.isEmpty() && prefilling.isEmpty()) {
            return 0;
        }
        stepBatch.clear();
        generating.clear();
        generating.addAll(running);
        for (int i = 0; i < generating.size(); i++) {
            Slot s = generating.get(i);
            s.batchIndex = stepBatch.size();
            stepBatch.add(s.pendingToken, s.position, s.seq.id, true);
        }
        int advanced = generating.size();
        // The budget protects running streams from a long prefill step; with none running there is
        // nobody to wait, and a whole batch of prompt is evaluated faster than chunks of it.
        int budget = generating.isEmpty() ? stepBatch.capacity() : Math.min(prefillBudget, stepBatch.capacity() - stepBatch.size());
        reading.clear();
        reading.addAll(prefilling);
        for (int i = 0; i < reading.size(); i++) {
            Slot p = reading.get(i);
            if (budget <= 0) {
                break;
            }
            int before = budget;
            try {
                budget = prefill(p, budget);
            } catch (RuntimeException e) {
                prefilling.remove(p);
                drop(p);
                p.listener.onError(e);
                continue;
            }
            if (budget < before) {
                advanced++;
            }
        }
        if (stepBatch.size() > 0) {
            try {
                withRoom(decodeStep);
            } catch (RuntimeException e) {
                failBatch(e);
                return advanced;
            }
        }
        for (int i = generating.size() - 1; i >= 0; i--) {
            Slot s = generating.get(i);
            s.seq.history.add(s.pendingToken);
            s.position++;
            try {
                sample(s, s.batchIndex);
            } catch (RuntimeException e) {
                running.remove(s);
                drop(s);
                s.listener.onError(e);
                continue;
            }
            if (s.finish != null) {
                running.remove(s);
                end(s);
            }
        }
        for (int i = 0; i < reading.size(); i++) {
            Slot p = reading.get(i);
            if (p.inBatch) {
                p.inBatch = false;
                if (p.prompt != null && p.piece == p.prompt.pieces().size()) {
                    promptDone(p, p.batchIndex);
                }
            }
        }
        return advanced;
    }

    /** Reads up to {@code budget} of a slot's prompt; returns the budget left. */
    private int prefill(Slot p, int budget) {
        List<Object> pieces = p.prompt.pieces();
        while (budget > 0 && p.piece < pieces.size()) {
            Object piece = pieces.get(p.piece);
            boolean lastPiece = p.piece == pieces.size() - 1;
            if (piece instanceof int[] tokens) {
                int n = Math.min(Math.min(budget, tokens.length - p.offset), stepBatch.capacity() - stepBatch.size());
                if (n <= 0) {
                    break;
                }
                for (int k = 0; k < n; k++) {
                    boolean last = lastPiece && p.offset + k == tokens.length - 1;
                    stepBatch.add(tokens[p.offset + k], p.position + k, p.seq.id, last);
                    if (last) {
                        p.batchIndex = stepBatch.size() - 1;
                    }
                }
                p.seq.history.add(tokens, p.offset, n);
                p.inBatch = true;
                p.position += n;
                p.offset += n;
                budget -= n;
                lastPrefill += n;
                if (p.offset == tokens.length) {
                    p.piece++;
                    p.offset = 0;
                }
            } else {
                PromptMedia m = (PromptMedia) piece;
                if (p.inBatch || !m.ready()) { // text before it is not decoded yet, or it is not encoded yet
                    break;
                }
                boolean parts = m.decodesInParts();
                int n = parts ? Math.min(budget, m.tokens() - p.offset) : m.tokens();
                boolean completes = p.offset + n == m.tokens();
                boolean logits = lastPiece && completes;
                int start = p.position - p.offset; // parts: positions are tokens
                int from = p.offset;
                int at = p.position;
                withRoom(() -> m.decode(context, p.seq.id, at, from, n, logits));
                int took = parts ? n : m.positions();
                p.seq.history.addMedia(m.id(), start, took);
                p.position += took;
                p.offset += n;
                budget = Math.max(0, budget - n);
                lastPrefill += n;
                if (completes) {
                    p.piece++;
                    p.offset = 0;
                }
                if (logits) {
                    promptDone(p, -1); // before any other decode replaces its logits
                    return budget;
                }
            }
        }
        return budget;
    }

    /** The prompt is in the cache and its logits at {@code index}: sample the first token. */
    private void promptDone(Slot p, int index) {
        prefilling.remove(p);
        SlotPrompt prompt = p.prompt;
        p.prompt = null;
        prompt.close();
        p.startNanos = System.nanoTime();
        p.promptMillis = (p.startNanos - p.admitNanos) / 1e6;
        try {
            sample(p, index);
        } catch (RuntimeException e) {
            drop(p);
            p.listener.onError(e);
            return;
        }
        if (p.finish != null) {
            end(p);
        } else {
            running.add(p);
        }
    }

    /** Runs a decode; when the KV cache has no room, frees idle slots' caches (oldest first) and retries. */
    private void withRoom(Runnable decode) {
        while (true) {
            try {
                decode.run();
                return;
            } catch (ContextFullException e) {
                if (!evictOneCache()) {
                    throw e;
                }
            }
        }
    }

    private boolean evictOneCache() {
        Sequence oldest = null;
        for (Sequence s : sequences) {
            if (!s.busy && s.history.size() > 0 && (oldest == null || s.lastUsed < oldest.lastUsed)) {
                oldest = s;
            }
        }
        if (oldest == null) {
            return false;
        }
        forget(oldest);
        return true;
    }

    private void dropCancelled() {
        dropCancelled(running);
        dropCancelled(prefilling);
    }

    private void dropCancelled(List<Slot> list) {
        for (int i = list.size() - 1; i >= 0; i--) {
            Slot s = list.get(i);
            if (s.listener.isCancelled()) {
                list.remove(i);
                s.finish = FinishReason.CANCELLED;
                s.output.finish(FinishReason.CANCELLED);
                end(s);
            }
        }
    }

    private void sample(Slot s, int index) {
        int token = s.sampler.sample(context, index);
        s.listener.onToken(token, context, index);
        FinishReason end = s.output.accept(token);
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
        long now = System.nanoTime();
        if (s.startNanos == 0) { // ended before its prompt was read
            s.promptMillis = (now - s.admitNanos) / 1e6;
            s.startNanos = now;
        }
        double millis = (now - s.startNanos) / 1e6;
        s.listener.onFinish(new GenerationResult(s.output.ready.toString(), s.output.tokens(), s.finish,
                new GenerationStats(s.promptTokens, s.promptMillis, s.output.tokenCount(), millis, s.cachedTokens)));
    }

    /** Frees the slot; its sequence keeps its cache when that is known and caching is on. */
    private void release(Slot s) {
        if (!promptCache || !s.seq.known) {
            forget(s.seq);
        }
        s.seq.busy = false;
        s.seq.lastUsed = ++clock;
        s.sampler.close();
        if (s.prompt != null) {
            SlotPrompt prompt = s.prompt;
            s.prompt = null;
            prompt.close();
        }
    }

    /** Frees a failed slot and its cache. */
    private void drop(Slot s) {
        forget(s.seq);
        release(s);
    }

    private void forget(Sequence seq) {
        context.kvCache().remove(seq.id, -1, -1);
        holes |= seq.history.size() > 0;
        seq.history.clear();
    }

    /**
     * With no slot active, compacts the KV cache if slots left holes in it since the last time
     * (see {@link io.github.llamapanama.model.KvCache#defragment()}); returns whether it did.
     * A server's slots end and start all the time: a finished answer that the next request does
     * not share is removed, new tokens land wherever there is room, and the highest cell in use
     * drifts up, which every later decode pays for in attention. Meant for idle moments.
     */
    public boolean compact() {
        if (!holes || activeSlots() > 0) {
            return false;
        }
        context.kvCache().defragment();
        holes = false;
        return true;
    }

    private void failBatch(RuntimeException e) {
        List<Slot> failed = new ArrayList<>(generating);
        for (Slot p : prefilling) {
            if (p.inBatch) {
                failed.add(p);
            }
        }
        running.removeAll(failed);
        prefilling.removeAll(failed);
        for (Slot s : failed) {
            s.inBatch = false;
            drop(s);
            s.listener.onError(e);
        }
    }

    /** Ends every running slot as cancelled and frees the batch (the context stays open). */
    @Override
    public void close() {
        for (List<Slot> list : List.of(running, prefilling)) {
            for (Slot s : new ArrayList<>(list)) {
                s.finish = FinishReason.CANCELLED;
                s.output.finish(FinishReason.CANCELLED);
                end(s);
            }
            list.clear();
        }
        stepBatch.close();
    }
}
