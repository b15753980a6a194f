package io.github.llamapanama.model;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.internal.Handles;
import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.internal.LogBridge;
import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_context_params;
import io.github.llamapanama.internal.ffm.llama_perf_context_data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An inference context (llama_context): the KV cache and compute buffers for one or more
 * sequences on a {@link Model}. One thread drives it at a time; a second thread that calls in
 * while the first is inside gets an {@link IllegalStateException}. {@link #cancel()} is the
 * exception: any thread may call it to abort the running decode.
 */
public final class Context extends NativeResource {
    private final Model model;
    private final Vocab vocab;
    private final MemorySegment ctx;
    private final int contextSize;
    private final int batchSize;
    private final int ubatchSize;
    private final int maxSequences;
    private final int vocabSize;
    private final boolean embeddings;
    private final KvCache kvCache = new KvCache(this);
    private static final VarHandle FLAG = ValueLayout.JAVA_INT.varHandle();
    /** int32 that llama.cpp polls between graph nodes (llama_panama_abort_requested); non-zero aborts. */
    private final MemorySegment abortFlag;
    private int outputs = -1; // entries with logits in the last decode; -1 when unknown

    Context(Model model, ContextParams params) {
        super("context");
        this.model = model;
        this.vocab = model.vocab();
        this.vocabSize = vocab.size(); // fixed for the model: read once, not on every decode and sample
        long maxSeq = LlamaNative.llama_max_parallel_sequences();
        if (params.maxSequences() > maxSeq) {
            throw new IllegalArgumentException("maxSequences " + params.maxSequences()
                    + " exceeds llama.cpp's limit of " + maxSeq);
        }
        if (params.contextSize() > 0 && params.contextSize() < 8) {
            throw new IllegalArgumentException("contextSize must be 0 or at least 8, was " + params.contextSize());
        }
        abortFlag = arena.allocate(ValueLayout.JAVA_INT); // zeroed; freed with the context
        MemorySegment created;
        String log;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment p = params.toNative(call);
            // A native callback reading a flag, not a Java upcall: ggml calls it after every graph node.
            llama_context_params.abort_callback(p, LlamaPanamaNative.ABORT_REQUESTED);
            llama_context_params.abort_callback_data(p, abortFlag);
            LogBridge.beginCapture();
            try {
                created = LlamaNative.llama_init_from_model(Handles.of(model), p);
            } finally {
                log = LogBridge.endCapture();
            }
        }
        if (created.equals(MemorySegment.NULL)) {
            arena.close();
            throw new LlamaException("llama.cpp could not create a context for " + model.path().getFileName()
                    + (log.isEmpty() ? "" : ": " + log.replace('\n', ' ')));
        }
        this.ctx = created.reinterpret(arena, LlamaNative::llama_free);
        bind(this.ctx);
        this.contextSize = (int) LlamaNative.llama_n_ctx(ctx);
        this.batchSize = (int) LlamaNative.llama_n_batch(ctx);
        this.ubatchSize = (int) LlamaNative.llama_n_ubatch(ctx);
        this.maxSequences = (int) LlamaNative.llama_n_seq_max(ctx);
        this.embeddings = params.embeddings();
        model.contextOpened();
    }

    public Model model() {
        return model;
    }

    /** n_vocab of the model: how many logits each output has. */
    public int vocabSize() {
        return vocabSize;
    }

    /** n_ctx: the KV cache size in tokens (per context; shared by its sequences). */
    public int contextSize() {
        return contextSize;
    }

    /** n_batch: most tokens one {@link #decode} may submit. */
    public int batchSize() {
        return batchSize;
    }

    public int ubatchSize() {
        return ubatchSize;
    }

    public int maxSequences() {
        return maxSequences;
    }

    public KvCache kvCache() {
        return kvCache;
    }

    /** A token batch sized for this context: n_batch tokens, each in up to n_seq_max sequences. */
    public Batch newBatch() {
        ensureOpen();
        return Batch.ofTokens(batchSize, maxSequences);
    }

    /**
     * Runs the model on a batch (llama_decode). Inputs are checked in Java first, because
     * llama.cpp asserts on some of them.
     *
     * @throws ContextFullException  if the KV cache has no room for the batch
     * @throws CancellationException if {@link #cancel()} aborted it
     */
    public void decode(Batch batch) {
        enter();
        try {
            int withLogits = checkBatch(batch);
            outputs = -1;
            int rc = LlamaPanamaNative.decode(ctx, batch.struct());
            if (rc != 0) {
                throw decodeFailure(rc, batch.size());
            }
            outputs = withLogits;
        } finally {
            exit();
        }
    }

    /** Validates the batch and returns how many of its entries want logits. */
    private int checkBatch(Batch batch) {
        int n = batch.size();
        int withLogits = 0;
        if (n == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        if (n > batchSize) {
            throw new IllegalArgumentException("batch of " + n + " tokens exceeds n_batch " + batchSize
                    + ": split it or create the context with a larger batchSize");
        }
        if (embeddings && n > ubatchSize) {
            throw new IllegalArgumentException("embedding batch of " + n + " tokens exceeds n_ubatch " + ubatchSize);
        }
        int nVocab = vocabSize;
        boolean tokens = !batch.isEmbeddings();
        for (int i = 0; i < n; i++) {
            if (batch.wantsLogits(i)) {
                withLogits++;
            }
            if (tokens) {
                int t = batch.token(i);
                if (t < 0 || t >= nVocab) {
                    throw new IllegalArgumentException("batch entry " + i + ": token " + t
                            + " is outside the vocabulary [0, " + nVocab + ")");
                }
            }
            for (int s = 0, k = batch.sequenceCount(i); s < k; s++) {
                int seq = batch.sequence(i, s);
                if (seq < 0 || seq >= maxSequences) {
                    throw new IllegalArgumentException("batch entry " + i + ": sequence " + seq
                            + " is outside [0, " + maxSequences + ")");
                }
            }
        }
        return withLogits;
    }

    /**
     * True when Java knows, without asking llama.cpp, that {@code index} (counted from the end,
     * so negative) names an output with logits of the last decode. Lets a sampler skip a
     * native look-up on the hot path; false means "ask llama_get_logits_ith".
     */
    public boolean knownToHaveLogits(int index) {
        return !embeddings && index < 0 && -index <= outputs;
    }

    private RuntimeException decodeFailure(int rc, int n) {
        return switch (rc) {
            case 1 -> new ContextFullException("no room in the KV cache for " + n + " more tokens (n_ctx "
                    + contextSize + "): the context is full");
            case 2 -> {
                setAbort(false);
                yield new CancellationException("decode cancelled");
            }
            default -> new LlamaException("llama_decode failed with " + rc
                    + (rc == -1 ? " (invalid batch)" : " (compute error)"));
        };
    }

    /**
     * Asks the running (or next) decode to stop; safe from any thread. The decode then throws
     * {@link CancellationException}.
     */
    public void cancel() {
        setAbort(true);
    }

    /** True after {@link #cancel()} until a decode honours it or {@link #clearCancel()} runs. */
    public boolean isCancelRequested() {
        try {
            return (int) FLAG.getVolatile(abortFlag, 0L) != 0;
        } catch (IllegalStateException closed) {
            return false;
        }
    }

    public void clearCancel() {
        setAbort(false);
    }

    private void setAbort(boolean on) {
        try {
            FLAG.setVolatile(abortFlag, 0L, on ? 1 : 0);
        } catch (IllegalStateException closed) {
            // the context is closed (its memory freed): there is no decode left to abort
        }
    }

    /**
     * Logits of batch entry {@code i} of the last decode (negative counts from the end), as a
     * zero-copy view of n_vocab floats; valid until the next decode. Reading it after {@link #close()}
     * throws {@link IllegalStateException}.
     */
    public MemorySegment logits(int i) {
        MemorySegment l = call(c -> LlamaNative.llama_get_logits_ith(c, i));
        if (l.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("no logits for batch entry " + i + " (was its logits flag set?)");
        }
        return l.reinterpret((long) vocabSize * Float.BYTES, arena, null);
    }

    /**
     * Embedding of batch entry {@code i} (pooling NONE), a zero-copy view of n_embd floats, bounded by
     * this context's lifetime.
     */
    public MemorySegment embeddings(int i) {
        MemorySegment e = call(c -> LlamaNative.llama_get_embeddings_ith(c, i));
        if (e.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("no embedding for batch entry " + i
                    + " (is the context in embeddings mode, and was its logits flag set?)");
        }
        return e.reinterpret((long) model.embeddingSize() * Float.BYTES, arena, null);
    }

    /** Pooled embedding of sequence {@code seqId} (pooling other than NONE), bounded by this context's lifetime. */
    public MemorySegment sequenceEmbeddings(int seqId) {
        checkSequence(seqId, false);
        MemorySegment e = call(c -> LlamaNative.llama_get_embeddings_seq(c, seqId));
        if (e.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("no pooled embedding for sequence " + seqId);
        }
        // RANK pooling yields one score per sequence (n_cls_out = 1 at this commit), not n_embd floats
        long floats = pooling() == PoolingType.RANK ? 1 : model.embeddingSize();
        return e.reinterpret(floats * Float.BYTES, arena, null);
    }

    public PoolingType pooling() {
        return PoolingType.of(call(c -> LlamaNative.llama_pooling_type(c)));
    }

    /** llama_set_causal_attn: some projectors' embeddings are decoded with non-causal attention. */
    public void setCausalAttention(boolean causal) {
        run(c -> LlamaNative.llama_set_causal_attn(c, causal));
    }

    public void setThreads(int threads, int batchThreads) {
        if (threads < 1 || batchThreads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        run(c -> LlamaNative.llama_set_n_threads(c, threads, batchThreads));
    }

    public PerfTimings perf() {
        return call(c -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment d = LlamaNative.llama_perf_context(call, c);
                return new PerfTimings(llama_perf_context_data.t_load_ms(d), llama_perf_context_data.t_p_eval_ms(d),
                        llama_perf_context_data.n_p_eval(d), llama_perf_context_data.t_eval_ms(d),
                        llama_perf_context_data.n_eval(d));
            }
        });
    }

    public void resetPerf() {
        run(c -> LlamaNative.llama_perf_context_reset(c));
    }

    // ---- state -------------------------------------------------------------------------------

    /** The whole context state (KV cache, logits, RNG) as bytes. */
    public byte[] saveState() {
        return call(c -> {
            long size = LlamaNative.llama_state_get_size(c);
            try (Arena call = Arena.ofConfined()) {
                MemorySegment buf = call.allocate(size);
                long n = LlamaNative.llama_state_get_data(c, buf, size);
                return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            }
        });
    }

    /** Restores a state from {@link #saveState()}. */
    public void loadState(byte[] state) {
        run(c -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment buf = call.allocateFrom(ValueLayout.JAVA_BYTE, state);
                outputs = -1;
                if (LlamaNative.llama_state_set_data(c, buf, state.length) == 0) {
                    throw new LlamaException("llama.cpp rejected the state (" + state.length
                            + " bytes): not from a context of this model and size?");
                }
            }
        });
    }

    /** Saves the state plus the tokens it holds (llama_state_save_file). */
    public void saveState(Path file, int[] tokens) {
        run(c -> {
            try (Arena call = Arena.ofConfined()) {
                if (!LlamaNative.llama_state_save_file(c, call.allocateFrom(file.toString()),
                        call.allocateFrom(ValueLayout.JAVA_INT, tokens), tokens.length)) {
                    throw new LlamaException("could not save the state to " + file);
                }
            }
        });
    }

    /** Loads a state saved by {@link #saveState(Path, int[])} and returns its tokens. */
    public int[] loadState(Path file) {
        requireFile(file);
        return call(c -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, contextSize);
                MemorySegment count = call.allocate(ValueLayout.JAVA_LONG);
                LogBridge.beginCapture();
                boolean ok;
                String log;
                outputs = -1;
                try {
                    ok = LlamaNative.llama_state_load_file(c, call.allocateFrom(file.toString()), tokens, contextSize, count);
                } finally {
                    log = LogBridge.endCapture();
                }
                if (!ok) {
                    throw new LlamaException("could not load the state from " + file
                            + (log.isEmpty() ? "" : ": " + log.replace('\n', ' ')));
                }
                return tokens.asSlice(0, count.get(ValueLayout.JAVA_LONG, 0) * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
            }
        });
    }

    /** One sequence's state as bytes (llama_state_seq_get_data). */
    public byte[] saveSequenceState(int seqId) {
        checkSequence(seqId, false);
        return call(c -> {
            long size = LlamaNative.llama_state_seq_get_size(c, seqId);
            try (Arena call = Arena.ofConfined()) {
                MemorySegment buf = call.allocate(Math.max(1, size));
                long n = LlamaNative.llama_state_seq_get_data(c, buf, size, seqId);
                return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            }
        });
    }

    /** Restores one sequence's state into {@code seqId}. */
    public void loadSequenceState(int seqId, byte[] state) {
        checkSequence(seqId, false);
        run(c -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment buf = call.allocateFrom(ValueLayout.JAVA_BYTE, state);
                outputs = -1;
                if (LlamaNative.llama_state_seq_set_data(c, buf, state.length, seqId) == 0) {
                    throw new LlamaException("llama.cpp rejected the sequence state (" + state.length + " bytes)");
                }
            }
        });
    }

    /** Saves one sequence's state and its tokens to a file. */
    public void saveSequenceState(Path file, int seqId, int[] tokens) {
        checkSequence(seqId, false);
        run(c -> {
            try (Arena call = Arena.ofConfined()) {
                if (LlamaNative.llama_state_seq_save_file(c, call.allocateFrom(file.toString()), seqId,
                        call.allocateFrom(ValueLayout.JAVA_INT, tokens), tokens.length) == 0) {
                    throw new LlamaException("could not save sequence " + seqId + " to " + file);
                }
            }
        });
    }

    /** Loads a sequence state file into {@code seqId} and returns its tokens. */
    public int[] loadSequenceState(Path file, int seqId) {
        checkSequence(seqId, false);
        requireFile(file);
        return call(c -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, contextSize);
                MemorySegment count = call.allocate(ValueLayout.JAVA_LONG);
                outputs = -1;
                if (LlamaNative.llama_state_seq_load_file(c, call.allocateFrom(file.toString()), seqId, tokens,
                        contextSize, count) == 0) {
                    throw new LlamaException("could not load sequence state from " + file);
                }
                return tokens.asSlice(0, count.get(ValueLayout.JAVA_LONG, 0) * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
            }
        });
    }

    private static void requireFile(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                throw new LlamaException("no state file at " + file);
            }
        } catch (IOException e) {
            throw new LlamaException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the computations this context queued have finished ({@code llama_synchronize}):
     * with a GPU backend a decode may return before its results are ready, which matters for timing.
     */
    public void synchronize() {
        call(c -> {
            LlamaNative.llama_synchronize(c);
            return null;
        });
    }

    // ---- plumbing ----------------------------------------------------------------------------

    void checkSequence(int seqId, boolean allowAll) {
        if (seqId < (allowAll ? -1 : 0) || seqId >= maxSequences) {
            throw new IllegalArgumentException("sequence " + seqId + " is outside [" + (allowAll ? -1 : 0)
                    + ", " + maxSequences + ")");
        }
    }

    void run(Consumer<MemorySegment> action) {
        enter();
        try {
            action.accept(ctx);
        } finally {
            exit();
        }
    }

    <T> T call(Function<MemorySegment, T> action) {
        enter();
        try {
            return action.apply(ctx);
        } finally {
            exit();
        }
    }

    /**
     * Claims the context for the calling thread for a longer run (a generation loop), so that
     * the per-token calls inside need no claim of their own. Release with {@link #release()}.
     */
    public void acquire() {
        enter();
    }

    public void release() {
        exit();
    }

    @Override
    protected void beforeFree() {
        model.contextClosed();
        LlamaPanamaNative.releaseComputeThreads(); // the closing thread's decoding is over
    }
}
