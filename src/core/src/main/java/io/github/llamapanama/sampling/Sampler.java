package io.github.llamapanama.sampling;

import io.github.llamapanama.internal.Handles;
import io.github.llamapanama.LlamaException;
import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_perf_sampler_data;
import io.github.llamapanama.internal.ffm.llama_sampler_chain_params;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Vocab;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A llama.cpp sampler chain (llama_sampler_chain): stages that filter and reshape the
 * candidates' logits, ending in one that selects a token. Build one stage by stage with
 * {@link #builder()}, or as llama.cpp's CLI and server do with {@link #of(SamplingParams, Vocab)}.
 *
 * <pre>{@code
 * try (Sampler sampler = Sampler.builder().topK(40).topP(0.95f, 1).temperature(0.8f).dist(42).build()) {
 *     int token = sampler.sample(context, -1); // samples the last output and accepts the token
 * }
 * }</pre>
 *
 * <p>One thread uses a sampler at a time; a second thread that calls in while the first is
 * inside gets an {@link IllegalStateException}. Give each request its own {@link #copy()}.
 * Stages with a grammar read their {@link Vocab}: its model must stay open while they are used.
 *
 * <p>Grammars get extra care, because llama.cpp aborts the process when a grammar is fed a
 * token it rejects: such a token is refused in Java ({@link LlamaException}) instead. What
 * cannot be checked: when a lazy grammar's trigger <em>pattern</em> fires, llama.cpp feeds the
 * matched text to the grammar, and a text the grammar rejects still aborts the process; write
 * grammars that accept what their triggers match (as llama.cpp's chat templates do).
 */
public final class Sampler extends NativeResource {
    /** LLAMA_DEFAULT_SEED (0xFFFFFFFF): llama.cpp draws a random seed; {@link #seed()} tells which. */
    public static final long RANDOM_SEED = Checks.RANDOM_SEED;

    private final MemorySegment chain;
    /** common_sampler's separate grammar (from {@link #of}), or NULL. */
    private final MemorySegment grammar;
    /** Grammar stages inside the chain (owned by it), checked before each accept. */
    private final MemorySegment[] chainGrammars;
    private final Shape shape;
    private final TokenBuffer one;
    private TokenBuffer candidates;
    /**
     * The last accepted tokens, oldest first from {@code historyStart}: llama.cpp's clone of the
     * penalties stage copies its window but not its token counts, so {@link #copy()} replays them.
     */
    private final int[] history;
    private int historyStart;
    private int historySize;

    /** What a copy needs to know besides the native objects. */
    private record Shape(int[] grammarIndexes, int[] penaltyIndexes, int historyLength, Vocab[] boundVocabs,
                         int vocabSize, boolean hasGrammar) {
        /** Stages read token ids through a vocabulary: sampling goes through Java's own checks. */
        boolean guarded() {
            return boundVocabs.length > 0;
        }
    }

    /** Takes ownership of {@code rawChain} and {@code rawGrammar} (which may be NULL). */
    private Sampler(MemorySegment rawChain, MemorySegment rawGrammar, Shape shape) {
        super("sampler");
        this.shape = shape;
        this.history = new int[shape.historyLength];
        this.one = new TokenBuffer(arena, 1);
        this.candidates = shape.vocabSize > 0 ? new TokenBuffer(arena, shape.vocabSize) : null;
        this.chainGrammars = new MemorySegment[shape.grammarIndexes.length];
        for (int i = 0; i < chainGrammars.length; i++) {
            chainGrammars[i] = LlamaNative.llama_sampler_chain_get(rawChain, shape.grammarIndexes[i]);
        }
        // Last: from here on the arena frees both. Anything that throws before leaves them to the
        // caller, which frees them; binding them earlier would free them twice (once more on the
        // Cleaner's thread, when this half-built object is collected).
        this.chain = rawChain.reinterpret(arena, LlamaNative::llama_sampler_free);
        this.grammar = rawGrammar.equals(MemorySegment.NULL) ? MemorySegment.NULL
                : rawGrammar.reinterpret(arena, LlamaNative::llama_sampler_free);
    }

    /** A builder for a chain; each method appends one stage, in call order. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The chain llama.cpp's common_sampler_init builds for these parameters: logit-bias, then
     * {@link SamplingParams#samplers()} in order (by default penalties, dry, top-n-sigma, top-k,
     * typical, top-p, min-p, xtc, temp-ext), then dist; with Mirostat, logit-bias, temp and
     * mirostat (m = 100) or mirostat-v2. Stages that the parameters disable stay in the chain as
     * no-ops, as in llama.cpp. A {@code temperature <= 0} is greedy through temp-ext, which keeps
     * only the most likely token. {@code ignoreEos} bans the end-of-generation tokens, as
     * common_init_from_params does.
     *
     * <p>A grammar is kept beside the chain, as common_sampler keeps it: the chain samples
     * first, and only if the grammar rejects that token is the grammar applied to all candidates
     * and the chain run again.
     *
     * <p>A -1 history window ({@code penaltyLastN}, {@code dryPenaltyLastN}) means the context
     * size in llama.cpp's tools; with no context here it becomes the model's training context
     * length. Use {@link #of(SamplingParams, Vocab, int)} to give the context size.
     *
     * @throws IllegalArgumentException if a logit bias names a token outside the vocabulary
     * @throws GrammarException         if the grammar does not parse
     */
    public static Sampler of(SamplingParams params, Vocab vocab) {
        Objects.requireNonNull(vocab, "vocab");
        return of(params, vocab, vocab.model().contextTrainLength());
    }

    /**
     * As {@link #of(SamplingParams, Vocab)}, with a -1 history window meaning {@code contextSize}
     * tokens (llama.cpp's tools use the context's n_ctx).
     */
    public static Sampler of(SamplingParams params, Vocab vocab, int contextSize) {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(vocab, "vocab");
        return CommonChain.build(params, vocab, contextSize);
    }

    /** Builds a chain from validated stages; frees whatever was created if a stage fails. */
    static Sampler create(List<Stage> stages, Stage.Grammar separateGrammar, boolean noPerf) {
        if (stages.isEmpty() || !stages.getLast().selects()) {
            throw new IllegalArgumentException("a sampler chain must end with a selecting stage (greedy, dist,"
                    + " mirostat or mirostatV2)" + (stages.isEmpty() ? "; it is empty"
                    : "; it ends with " + stages.getLast().getClass().getSimpleName()));
        }
        Shape shape = shape(stages, separateGrammar);
        NativeRuntime.ensureInitialized();
        MemorySegment chain;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment params = LlamaNative.llama_sampler_chain_default_params(call);
            llama_sampler_chain_params.no_perf(params, noPerf);
            chain = LlamaNative.llama_sampler_chain_init(params);
        }
        MemorySegment grammar = MemorySegment.NULL;
        try {
            for (Stage stage : stages) {
                LlamaNative.llama_sampler_chain_add(chain, stage.create()); // the chain owns it now
            }
            if (separateGrammar != null) {
                grammar = separateGrammar.create();
            }
            return new Sampler(chain, grammar, shape);
        } catch (Throwable t) {
            LlamaNative.llama_sampler_free(chain);
            LlamaNative.llama_sampler_free(grammar); // NULL is fine
            throw t;
        }
    }

    private static Shape shape(List<Stage> stages, Stage separateGrammar) {
        List<Stage> all = new ArrayList<>(stages);
        if (separateGrammar != null) {
            all.add(separateGrammar);
        }
        int vocabSize = -1;
        Stage sizedBy = null;
        List<Vocab> bound = new ArrayList<>();
        for (Stage s : all) {
            int n = s.vocabSize();
            if (n > 0 && vocabSize > 0 && n != vocabSize) {
                throw new IllegalArgumentException("stages disagree on the vocabulary: "
                        + sizedBy.getClass().getSimpleName() + " has " + vocabSize + " tokens, "
                        + s.getClass().getSimpleName() + " has " + n);
            }
            if (n > 0 && vocabSize < 0) {
                vocabSize = n;
                sizedBy = s;
            }
            if (s.boundVocab() != null && !bound.contains(s.boundVocab())) {
                bound.add(s.boundVocab());
            }
        }
        int[] grammarIndexes = new int[stages.size()];
        int[] penaltyIndexes = new int[stages.size()];
        int g = 0;
        int p = 0;
        int historyLength = 0;
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof Stage.Grammar) {
                grammarIndexes[g++] = i;
            } else if (stages.get(i) instanceof Stage.Penalties pen && pen.lastN() > 0) {
                penaltyIndexes[p++] = i;
                historyLength = Math.max(historyLength, pen.lastN());
            }
        }
        return new Shape(Arrays.copyOf(grammarIndexes, g), Arrays.copyOf(penaltyIndexes, p), historyLength,
                bound.toArray(Vocab[]::new), vocabSize, g > 0 || separateGrammar != null);
    }

    // ---- sampling ----------------------------------------------------------------------------

    /**
     * Samples a token from the logits of entry {@code index} of the context's last decoded batch
     * ({@code -1}: the last entry with logits, as llama_get_logits_ith) and <em>accepts</em> it:
     * stages with history (penalties, DRY, grammar, Mirostat) now count it. This is
     * llama_sampler_sample, into a candidate buffer this sampler keeps; it allocates nothing on
     * the Java heap. The caller must not decode on the context meanwhile.
     *
     * @throws IllegalArgumentException if that entry has no logits
     * @throws LlamaException           if a grammar allows none of the candidates the chain left
     */
    public int sample(Context context, int index) {
        enter();
        try {
            MemorySegment ctx = Handles.of(context);
            if (!shape.guarded() && context.knownToHaveLogits(index)) {
                return remember(sampleInNative(context, index)); // the hot path
            }
            long logits = LlamaNative.llama_get_logits_ith(ctx, index).address();
            if (logits == 0) {
                throw new IllegalArgumentException("no logits for entry " + index
                        + " of the last decoded batch (was its logits flag set?)");
            }
            if (!shape.guarded()) {
                return remember(sampleInNative(context, index));
            }
            int n = context.vocabSize();
            checkGuardedCount(n);
            TokenBuffer c = candidates(n);
            for (int pass = 0; ; pass++) {
                if (c.fillFromAddress(logits, n) >= 0) {
                    throw new LlamaException("the context's logits contain NaN or +Infinity");
                }
                int token = selectOrResample(c, pass);
                if (token >= 0) {
                    return token;
                }
            }
        } finally {
            exit();
        }
    }

    /**
     * Samples from caller-supplied logits (one per token id, {@code logits[i]} for token
     * {@code i}) and accepts the token. Allocates nothing on the Java heap once warmed up.
     *
     * @throws IllegalArgumentException if logits is empty or holds NaN or +Infinity, or does not
     *                                  match the vocabulary of a grammar stage
     */
    public int sample(float[] logits) {
        Objects.requireNonNull(logits, "logits");
        enter();
        try {
            int n = checkCount(logits.length);
            TokenBuffer c = candidates(n);
            for (int pass = 0; ; pass++) {
                badLogit(c.fill(logits, n));
                int token = selectOrResample(c, pass);
                if (token >= 0) {
                    return token;
                }
            }
        } finally {
            exit();
        }
    }

    /**
     * As {@link #sample(float[])}, from a segment of floats (native or heap), such as
     * {@link Context#logits(int)}. Allocates nothing on the Java heap once warmed up.
     */
    public int sample(MemorySegment logits) {
        Objects.requireNonNull(logits, "logits");
        enter();
        try {
            if (logits.byteSize() % Float.BYTES != 0 || logits.byteSize() / Float.BYTES > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("logits must hold whole floats, was " + logits.byteSize() + " bytes");
            }
            int n = checkCount((int) (logits.byteSize() / Float.BYTES));
            TokenBuffer c = candidates(n);
            for (int pass = 0; ; pass++) {
                badLogit(c.fill(logits, 0, n));
                int token = selectOrResample(c, pass);
                if (token >= 0) {
                    return token;
                }
            }
        } finally {
            exit();
        }
    }

    /**
     * Runs the chain on filled candidates and accepts the pick; returns -1 when the separate
     * grammar rejected it on the first pass (the caller refills, and the grammar runs first).
     */
    private int selectOrResample(TokenBuffer c, int pass) {
        if (pass > 0) {
            LlamaNative.llama_sampler_apply(grammar, c.array);
        }
        LlamaNative.llama_sampler_apply(chain, c.array);
        long selected = c.selectedIndex();
        if (selected < 0) {
            throw new LlamaException("the sampler chain selected no token");
        }
        int token = c.token(selected);
        if (grammar.address() != 0 && !one.allows(grammar, token)) {
            if (pass == 0) {
                return -1; // common_sampler_sample: resample with the grammar applied first
            }
            throw notAllowed(token); // the grammar left no candidate: accepting would abort
        }
        acceptChecked(token);
        return token;
    }

    /**
     * Tells the stages that {@code token} was chosen (llama_sampler_accept), e.g. for prompt
     * tokens that should count for the penalties. {@link #sample} already accepts its pick.
     *
     * @throws IllegalArgumentException if the token is outside the vocabulary
     * @throws LlamaException           if a grammar stage does not allow the token (llama.cpp would abort)
     */
    public void accept(int token) {
        enter();
        try {
            if (token < 0 || (shape.vocabSize > 0 && token >= shape.vocabSize)) {
                throw new IllegalArgumentException("token " + token + " is outside the vocabulary"
                        + (shape.vocabSize > 0 ? " [0, " + shape.vocabSize + ")" : ""));
            }
            ensureVocabsOpen();
            if (grammar.address() != 0 && !one.allows(grammar, token)) {
                throw notAllowed(token);
            }
            acceptChecked(token);
        } finally {
            exit();
        }
    }

    /** Accepts a token after checking the chain's grammar stages allow it (the separate one is checked by the caller). */
    private void acceptChecked(int token) {
        for (MemorySegment g : chainGrammars) {
            if (!one.allows(g, token)) {
                throw notAllowed(token);
            }
        }
        if (grammar.address() != 0) {
            LlamaNative.llama_sampler_accept(grammar, token);
        }
        LlamaNative.llama_sampler_accept(chain, token);
        remember(token);
    }

    private int remember(int token) {
        int n = history.length;
        if (n > 0) {
            if (historySize < n) {
                history[(historyStart + historySize++) % n] = token;
            } else {
                history[historyStart] = token;
                historyStart = (historyStart + 1) % n;
            }
        }
        return token;
    }

    private LlamaException notAllowed(int token) {
        return new LlamaException("token " + token + " is not allowed by the grammar in its current state"
                + " (no candidate the chain left was; a grammar stage after filtering stages can starve)");
    }

    private int checkCount(int n) {
        if (n == 0) {
            throw new IllegalArgumentException("logits is empty");
        }
        ensureVocabsOpen();
        if (shape.guarded()) {
            checkGuardedCount(n);
        }
        return n;
    }

    /** Grammar and infill stages look candidates up in their vocabulary: ids must exist there. */
    private void checkGuardedCount(int n) {
        ensureVocabsOpen();
        if (n != shape.vocabSize) {
            throw new IllegalArgumentException("logits has " + n + " entries but the grammar's vocabulary has "
                    + shape.vocabSize + " tokens");
        }
    }

    private static void badLogit(int index) {
        if (index >= 0) {
            throw new IllegalArgumentException("logits[" + index + "] is NaN or +Infinity");
        }
    }

    private void ensureVocabsOpen() {
        for (Vocab v : shape.boundVocabs) {
            Handles.of(v.model()); // throws if its model was closed: the grammar would read freed memory
        }
    }

    /**
     * llama_sampler_sample, but into this sampler's reused candidate buffer: llama.cpp's own
     * allocates n_vocab candidates on every call (about a millisecond a token for a 151k vocabulary).
     */
    private int sampleInNative(Context context, int index) {
        TokenBuffer c = candidates(context.vocabSize());
        int token = LlamaPanamaNative.sample(chain, Handles.of(context), index, c.data(), c.capacity());
        if (token < 0) {
            throw new LlamaException("the sampler chain selected no token from entry " + index + " (stages "
                    + stageNames() + ")");
        }
        return token;
    }

    private TokenBuffer candidates(int n) {
        TokenBuffer c = candidates;
        if (c == null || c.capacity() < n) {
            c = new TokenBuffer(arena, Math.max(n, c == null ? 0 : c.capacity() * 2));
            candidates = c;
        }
        return c;
    }

    // ---- state -------------------------------------------------------------------------------

    /**
     * Resets the stages' state (llama_sampler_reset): penalty and DRY history, grammar, Mirostat's
     * mu, and the chain's timings. Random stages re-seed: with a fixed seed they restart the same
     * sequence; with {@link #RANDOM_SEED} they draw a new random seed.
     */
    public void reset() {
        enter();
        try {
            ensureVocabsOpen();
            LlamaNative.llama_sampler_reset(chain);
            if (grammar.address() != 0) {
                LlamaNative.llama_sampler_reset(grammar);
            }
            historyStart = 0;
            historySize = 0;
        } finally {
            exit();
        }
    }

    /**
     * An independent sampler with the same stages and state (llama_sampler_clone), e.g. one per
     * server request. llama.cpp's clone of the penalties stage drops its token counts; they are
     * rebuilt here from the accepted tokens. Quirk left as is: cloning Mirostat (v1) does not
     * copy its state, so the copy's mirostat stage starts afresh (re-seeded, mu = 2 tau).
     */
    public Sampler copy() {
        enter();
        try {
            ensureVocabsOpen();
            MemorySegment chainCopy = LlamaNative.llama_sampler_clone(chain);
            MemorySegment grammarCopy = MemorySegment.NULL;
            Sampler copy;
            try {
                if (grammar.address() != 0) {
                    grammarCopy = LlamaNative.llama_sampler_clone(grammar);
                }
                copy = new Sampler(chainCopy, grammarCopy, shape);
            } catch (Throwable t) {
                LlamaNative.llama_sampler_free(chainCopy);
                LlamaNative.llama_sampler_free(grammarCopy);
                throw t;
            }
            try { // the copy owns the native samplers now: close it, never free them again
                copy.replayPenalties(history, historyStart, historySize);
                return copy;
            } catch (Throwable t) {
                copy.close();
                throw t;
            }
        } finally {
            exit();
        }
    }

    /** Rebuilds the penalty stages' token counts, which llama_sampler_clone drops. */
    private void replayPenalties(int[] tokens, int start, int size) {
        for (int index : shape.penaltyIndexes) {
            MemorySegment stage = LlamaNative.llama_sampler_chain_get(chain, index);
            LlamaNative.llama_sampler_reset(stage);
            for (int i = 0; i < size; i++) {
                LlamaNative.llama_sampler_accept(stage, tokens[(start + i) % tokens.length]);
            }
        }
        System.arraycopy(tokens, 0, history, 0, tokens.length);
        historyStart = start;
        historySize = size;
    }

    /**
     * The seed of the last random selecting stage (dist, mirostat, mirostat-v2), as drawn when
     * built with {@link #RANDOM_SEED}; {@link #RANDOM_SEED} if the chain has none (greedy).
     */
    public long seed() {
        enter();
        try {
            return Integer.toUnsignedLong(LlamaNative.llama_sampler_get_seed(chain));
        } finally {
            exit();
        }
    }

    /** llama.cpp's name of each stage of the chain, in order (e.g. "top-k", "dist"). */
    public List<String> stageNames() {
        enter();
        try {
            int n = LlamaNative.llama_sampler_chain_n(chain);
            List<String> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                MemorySegment s = LlamaNative.llama_sampler_chain_get(chain, i);
                names.add(LlamaNative.llama_sampler_name(s).reinterpret(Integer.MAX_VALUE).getString(0));
            }
            return List.copyOf(names);
        } finally {
            exit();
        }
    }

    /** True if a grammar constrains this sampler (as a stage or beside the chain). */
    public boolean hasGrammar() {
        return shape.hasGrammar();
    }

    /** llama.cpp's timing of the chain (llama_perf_sampler). */
    public SamplerPerf perf() {
        enter();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment d = LlamaNative.llama_perf_sampler(call, chain);
            return new SamplerPerf(llama_perf_sampler_data.t_sample_ms(d), llama_perf_sampler_data.n_sample(d));
        } finally {
            exit();
        }
    }

    /** Zeroes the chain's timing (llama_perf_sampler_reset). */
    public void resetPerf() {
        enter();
        try {
            LlamaNative.llama_perf_sampler_reset(chain);
        } finally {
            exit();
        }
    }

    /**
     * Builds a {@link Sampler}; each method appends one stage, in call order, and checks its
     * arguments at once (an {@link IllegalArgumentException} naming the parameter). Nothing
     * native exists until {@link #build()}, which may be called more than once.
     */
    public static final class Builder {
        private final List<Stage> stages = new ArrayList<>();
        private boolean noPerf;

        private Builder() {}

        private Builder add(Stage stage) {
            stages.add(stage);
            return this;
        }

        /** Selects the most likely token. */
        public Builder greedy() {
            return add(new Stage.Greedy());
        }

        /**
         * Selects a token at random by the candidates' probabilities (softmax of the logits).
         *
         * @param seed in [0, 0xFFFFFFFF]; {@link Sampler#RANDOM_SEED} for a random one
         */
        public Builder dist(long seed) {
            return add(new Stage.Dist(seed));
        }

        /** Keeps the {@code k} most likely tokens; 0 keeps all. */
        public Builder topK(int k) {
            return add(new Stage.TopK(k));
        }

        /** Nucleus sampling: keeps the most likely tokens whose probabilities sum to {@code p} in [0, 1] (1 = off). */
        public Builder topP(float p, int minKeep) {
            return add(new Stage.TopP(p, minKeep));
        }

        /** Drops tokens less likely than {@code p} times the most likely one; {@code p} in [0, 1] (0 = off). */
        public Builder minP(float p, int minKeep) {
            return add(new Stage.MinP(p, minKeep));
        }

        /** Locally typical sampling, {@code p} in [0, 1] (1 = off). */
        public Builder typical(float p, int minKeep) {
            return add(new Stage.Typical(p, minKeep));
        }

        /** Divides the logits by {@code t}; {@code t <= 0} keeps only the most likely token. */
        public Builder temperature(float t) {
            return add(new Stage.Temp(t));
        }

        /**
         * Dynamic temperature (entropy-based) in [t - delta, t + delta], mapped with
         * {@code exponent}; {@code delta} 0 is a plain temperature.
         */
        public Builder dynamicTemperature(float t, float delta, float exponent) {
            return add(new Stage.TempExt(t, delta, exponent));
        }

        /**
         * Exclude Top Choices: with chance {@code p} in [0, 1], drops all but the least likely of
         * the tokens whose probability is at least {@code t} in [0, 1] ({@code t > 0.5} = off).
         */
        public Builder xtc(float p, float t, int minKeep, long seed) {
            return add(new Stage.Xtc(p, t, minKeep, seed));
        }

        /** Keeps tokens within {@code n} standard deviations of the top logit; {@code n <= 0} = off. */
        public Builder topNSigma(float n) {
            return add(new Stage.TopNSigma(n));
        }

        /**
         * Repetition penalties over the last {@code lastN} accepted tokens (0 = off): divides
         * positive logits by {@code repeat} (> 0; 1 = off), then subtracts
         * {@code count * frequency + presence}.
         */
        public Builder penalties(int lastN, float repeat, float frequency, float presence) {
            return add(new Stage.Penalties(lastN, repeat, frequency, presence));
        }

        /**
         * DRY ("don't repeat yourself"): penalises tokens that would extend a repetition longer
         * than {@code allowedLength} by {@code multiplier * base^(length - allowedLength)}.
         * Disabled when {@code multiplier} is 0 or {@code base < 1}, as in llama.cpp.
         *
         * @param penaltyLastN     tokens to scan; 0 = off, -1 = the model's training context
         * @param sequenceBreakers strings that end a repetition (each at most 40 characters count)
         */
        public Builder dry(Vocab vocab, float multiplier, float base, int allowedLength, int penaltyLastN,
                           List<String> sequenceBreakers) {
            return add(new Stage.Dry(vocab, multiplier, base, allowedLength, penaltyLastN, sequenceBreakers));
        }

        /** Mirostat 1.0 selection, targeting surprise {@code tau} with learning rate {@code eta}, estimating over {@code m} tokens. */
        public Builder mirostat(int nVocab, long seed, float tau, float eta, int m) {
            return add(new Stage.Mirostat(nVocab, seed, tau, eta, m));
        }

        /** As {@link #mirostat(int, long, float, float, int)} with the vocabulary's size. */
        public Builder mirostat(Vocab vocab, long seed, float tau, float eta, int m) {
            return mirostat(Objects.requireNonNull(vocab, "vocab").size(), seed, tau, eta, m);
        }

        /** Mirostat 2.0 selection. */
        public Builder mirostatV2(long seed, float tau, float eta) {
            return add(new Stage.MirostatV2(seed, tau, eta));
        }

        /** Adds a bias to the logits of given tokens; {@code -Infinity} bans a token. */
        public Builder logitBias(int nVocab, Map<Integer, Float> bias) {
            return add(Stage.LogitBias.of(nVocab, bias));
        }

        /** As {@link #logitBias(int, Map)} with the vocabulary's size. */
        public Builder logitBias(Vocab vocab, Map<Integer, Float> bias) {
            return logitBias(Objects.requireNonNull(vocab, "vocab").size(), bias);
        }

        /**
         * Constrains tokens to a GBNF grammar (see llama.cpp's grammars/README.md), starting at
         * rule {@code root}. The grammar is parsed here, as llama.cpp parses it.
         *
         * @throws GrammarException with llama.cpp's parse error if it does not parse
         */
        public Builder grammar(Vocab vocab, String gbnf, String root) {
            return add(new Stage.Grammar(vocab, gbnf, root, false, List.of(), new int[0]));
        }

        /**
         * A grammar that constrains nothing until a trigger appears: a token in
         * {@code triggerTokens}, or output that a pattern in {@code triggerPatterns} matches
         * from its start (std::regex_match; the grammar then gets the text from the first
         * capturing group on). Patterns must stay in the ECMAScript subset that llama.cpp's
         * std::regex and Java agree on: literals, {@code .}, classes of ASCII characters and
         * {@code \d \s \w}, groups, lookaheads, anchors, alternation and quantifiers; anything
         * else is refused, since an invalid pattern would abort the process. llama.cpp matches
         * the whole output so far on every token until the trigger fires, with a recursive
         * matcher: keep triggers for outputs that reach them within a few thousand characters.
         *
         * @throws IllegalArgumentException for a pattern outside that subset, a token outside the
         *                                  vocabulary, a trigger token the grammar cannot start
         *                                  with (at build()), or no trigger at all
         * @throws GrammarException         if the grammar does not parse
         */
        public Builder lazyGrammar(Vocab vocab, String gbnf, String root, List<String> triggerPatterns,
                                   int[] triggerTokens) {
            return add(new Stage.Grammar(vocab, gbnf, root, true, triggerPatterns, triggerTokens));
        }

        /** Fill-in-the-middle: merges candidates sharing a prefix and prefers end-of-generation when likely. */
        public Builder infill(Vocab vocab) {
            return add(new Stage.Infill(vocab));
        }

        /** Skip llama.cpp's timing of the chain ({@link Sampler#perf()} then reads zero). */
        public Builder noPerf(boolean noPerf) {
            this.noPerf = noPerf;
            return this;
        }

        /**
         * Creates the native chain.
         *
         * @throws IllegalArgumentException if the chain does not end with a selecting stage
         *                                  (greedy, dist, mirostat, mirostatV2), or stages were
         *                                  made for vocabularies of different sizes
         * @throws GrammarException         if llama.cpp rejects a grammar (e.g. left recursion)
         */
        public Sampler build() {
            return create(List.copyOf(stages), null, noPerf);
        }
    }
}
