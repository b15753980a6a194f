package io.github.llamapanama.sampling;

import io.github.llamapanama.internal.Handles;
import io.github.llamapanama.internal.LogBridge;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_logit_bias;
import io.github.llamapanama.model.Vocab;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

import static io.github.llamapanama.sampling.Checks.atLeast;
import static io.github.llamapanama.sampling.Checks.finite;
import static io.github.llamapanama.sampling.Checks.unit;

/**
 * One stage of a chain: its validated parameters, and how to create the native sampler. The
 * records check everything in their constructors, so {@link #create()} only fails for reasons
 * that need native code to find out (a grammar llama.cpp rejects).
 */
sealed interface Stage {

    /** Creates the native sampler; the caller owns it (or hands it to a chain). Never NULL. */
    MemorySegment create();

    /** True for stages that select a token (set cur_p.selected). */
    default boolean selects() {
        return false;
    }

    /** The vocabulary the stage reads while sampling (grammar, infill), or null. */
    default Vocab boundVocab() {
        return null;
    }

    /** Number of tokens the stage was made for, or -1 if it does not care. */
    default int vocabSize() {
        return boundVocab() == null ? -1 : boundVocab().size();
    }

    private static int unsignedSeed(long seed) {
        return (int) seed; // uint32_t: the low 32 bits
    }

    record Greedy() implements Stage {
        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_greedy();
        }

        @Override
        public boolean selects() {
            return true;
        }
    }

    record Dist(long seed) implements Stage {
        public Dist {
            Checks.seed("dist seed", seed);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_dist(unsignedSeed(seed));
        }

        @Override
        public boolean selects() {
            return true;
        }
    }

    record TopK(int k) implements Stage {
        public TopK {
            atLeast("topK k", k, 0);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_top_k(k);
        }
    }

    record TopP(float p, int minKeep) implements Stage {
        public TopP {
            unit("topP p", p);
            atLeast("topP minKeep", minKeep, 0);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_top_p(p, minKeep);
        }
    }

    record MinP(float p, int minKeep) implements Stage {
        public MinP {
            unit("minP p", p);
            atLeast("minP minKeep", minKeep, 0);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_min_p(p, minKeep);
        }
    }

    record Typical(float p, int minKeep) implements Stage {
        public Typical {
            unit("typical p", p);
            atLeast("typical minKeep", minKeep, 0);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_typical(p, minKeep);
        }
    }

    record Temp(float t) implements Stage {
        public Temp {
            finite("temperature t", t);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_temp(t);
        }
    }

    record TempExt(float t, float delta, float exponent) implements Stage {
        public TempExt {
            finite("dynamicTemperature t", t);
            atLeast("dynamicTemperature delta", delta, 0f);
            atLeast("dynamicTemperature exponent", exponent, 0f);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_temp_ext(t, delta, exponent);
        }
    }

    record Xtc(float p, float t, int minKeep, long seed) implements Stage {
        public Xtc {
            unit("xtc p", p);
            unit("xtc t", t);
            atLeast("xtc minKeep", minKeep, 0);
            Checks.seed("xtc seed", seed);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_xtc(p, t, minKeep, unsignedSeed(seed));
        }
    }

    record TopNSigma(float n) implements Stage {
        public TopNSigma {
            finite("topNSigma n", n);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_top_n_sigma(n);
        }
    }

    record Penalties(int lastN, float repeat, float frequency, float presence) implements Stage {
        public Penalties {
            if (lastN == -1) {
                throw new IllegalArgumentException("penalties lastN must be >= 0, was -1: llama.cpp's"
                        + " -1 (= context size) is resolved by its tools, and llama_sampler_init_penalties"
                        + " turns -1 into 0 (disabled); pass the context size, or use Sampler.of");
            }
            Checks.range("penalties lastN", lastN, 0, Checks.MAX_LAST_N);
            Checks.above("penalties repeat", repeat, 0f);
            finite("penalties frequency", frequency);
            finite("penalties presence", presence);
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_penalties(lastN, repeat, frequency, presence);
        }
    }

    record Dry(Vocab vocab, float multiplier, float base, int allowedLength, int penaltyLastN,
               List<String> sequenceBreakers) implements Stage {
        public Dry {
            if (vocab == null) {
                throw new IllegalArgumentException("dry vocab must not be null");
            }
            atLeast("dry multiplier", multiplier, 0f);
            atLeast("dry base", base, 0f);
            atLeast("dry allowedLength", allowedLength, 0);
            Checks.range("dry penaltyLastN", penaltyLastN, -1, Checks.MAX_LAST_N);
            if (sequenceBreakers == null) {
                throw new IllegalArgumentException("dry sequenceBreakers must not be null");
            }
            for (int i = 0; i < sequenceBreakers.size(); i++) {
                String b = Checks.cString("dry sequenceBreakers[" + i + "]", sequenceBreakers.get(i));
                if (b.isEmpty()) {
                    throw new IllegalArgumentException("dry sequenceBreakers[" + i + "] is empty");
                }
            }
            sequenceBreakers = List.copyOf(sequenceBreakers);
        }

        /** As llama_sampler_init_dry decides: a disabled DRY stage keeps no history. */
        boolean enabled() {
            return multiplier != 0f && base >= 1f && penaltyLastN != 0;
        }

        @Override
        public int vocabSize() {
            return vocab.size();
        }

        public MemorySegment create() {
            int nCtxTrain = vocab.model().contextTrainLength();
            if (enabled() && penaltyLastN == -1 && (nCtxTrain <= 0 || nCtxTrain > Checks.MAX_LAST_N)) {
                // llama.cpp would size its history ring buffer to n_ctx_train: 0 makes its first
                // accept throw a C++ exception through the C API.
                throw new IllegalArgumentException("dry penaltyLastN -1 means the model's training context,"
                        + " which is " + nCtxTrain + " here; pass an explicit window");
            }
            // llama.cpp also caps the scanned window at n_ctx_train; a vocabulary-only model
            // reports 0, which would disable DRY silently, so the explicit window stands in.
            int contextSize = nCtxTrain > 0 ? nCtxTrain : Math.max(penaltyLastN, 0);
            try (Arena call = Arena.ofConfined()) {
                MemorySegment breakers = call.allocate(ValueLayout.ADDRESS, Math.max(1, sequenceBreakers.size()));
                for (int i = 0; i < sequenceBreakers.size(); i++) {
                    breakers.setAtIndex(ValueLayout.ADDRESS, i, call.allocateFrom(sequenceBreakers.get(i)));
                }
                return LlamaNative.llama_sampler_init_dry(Handles.vocab(vocab.model()), contextSize, multiplier, base,
                        allowedLength, penaltyLastN, breakers, sequenceBreakers.size());
            }
        }
    }

    record Mirostat(int nVocab, long seed, float tau, float eta, int m) implements Stage {
        public Mirostat {
            atLeast("mirostat nVocab", nVocab, 1);
            Checks.seed("mirostat seed", seed);
            atLeast("mirostat tau", tau, 0f);
            atLeast("mirostat eta", eta, 0f);
            atLeast("mirostat m", m, 1);
        }

        @Override
        public boolean selects() {
            return true;
        }

        @Override
        public int vocabSize() {
            return nVocab;
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_mirostat(nVocab, unsignedSeed(seed), tau, eta, m);
        }
    }

    record MirostatV2(long seed, float tau, float eta) implements Stage {
        public MirostatV2 {
            Checks.seed("mirostatV2 seed", seed);
            atLeast("mirostatV2 tau", tau, 0f);
            atLeast("mirostatV2 eta", eta, 0f);
        }

        @Override
        public boolean selects() {
            return true;
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_mirostat_v2(unsignedSeed(seed), tau, eta);
        }
    }

    record LogitBias(int nVocab, int[] tokens, float[] biases) implements Stage {
        static LogitBias of(int nVocab, Map<Integer, Float> bias) {
            atLeast("logitBias nVocab", nVocab, 1);
            if (bias == null) {
                throw new IllegalArgumentException("logitBias bias must not be null");
            }
            int[] tokens = new int[bias.size()];
            float[] biases = new float[bias.size()];
            int i = 0;
            for (Map.Entry<Integer, Float> e : bias.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("logitBias bias must not contain null keys or values");
                }
                tokens[i] = Checks.token("logitBias token", e.getKey(), nVocab);
                biases[i] = checkBias("logitBias bias for token " + e.getKey(), e.getValue());
                i++;
            }
            return new LogitBias(nVocab, tokens, biases);
        }

        /** Finite, or -inf to ban a token; +inf or NaN would turn logits into NaN. */
        static float checkBias(String name, float bias) {
            if (Float.isNaN(bias) || bias == Float.POSITIVE_INFINITY) {
                throw Checks.fail(name, "finite or -Infinity (to ban the token)", bias);
            }
            return bias;
        }

        @Override
        public int vocabSize() {
            return nVocab;
        }

        public MemorySegment create() {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment array = llama_logit_bias.allocateArray(Math.max(1, tokens.length), call);
                for (int i = 0; i < tokens.length; i++) {
                    MemorySegment e = llama_logit_bias.asSlice(array, i);
                    llama_logit_bias.token(e, tokens[i]);
                    llama_logit_bias.bias(e, biases[i]);
                }
                return LlamaNative.llama_sampler_init_logit_bias(nVocab, tokens.length, array);
            }
        }
    }

    /** A GBNF grammar; lazy when it has triggers. */
    record Grammar(Vocab vocab, String gbnf, String root, boolean lazy, List<String> triggerPatterns,
                   int[] triggerTokens) implements Stage {
        public Grammar {
            if (vocab == null) {
                throw new IllegalArgumentException("grammar vocab must not be null");
            }
            Checks.cString("grammar gbnf", gbnf);
            if (gbnf.isBlank()) {
                throw new IllegalArgumentException("grammar gbnf is empty");
            }
            Checks.cString("grammar root", root);
            if (!root.matches("[a-zA-Z0-9-]+")) {
                throw new IllegalArgumentException("grammar root must be a GBNF rule name ([a-zA-Z0-9-]+), was '"
                        + root + "'");
            }
            triggerPatterns = List.copyOf(triggerPatterns == null ? List.of() : triggerPatterns);
            triggerTokens = triggerTokens == null ? new int[0] : triggerTokens.clone();
            if (lazy) {
                if (triggerPatterns.isEmpty() && triggerTokens.length == 0) {
                    throw new IllegalArgumentException("lazyGrammar needs at least one trigger pattern or token");
                }
                for (int i = 0; i < triggerPatterns.size(); i++) {
                    TriggerPatterns.check("lazyGrammar triggerPatterns[" + i + "]", triggerPatterns.get(i));
                }
                for (int t : triggerTokens) {
                    Checks.token("lazyGrammar trigger token", t, vocab.size());
                }
            }
            GbnfParser.check(gbnf, root);
        }

        @Override
        public Vocab boundVocab() {
            return vocab;
        }

        public MemorySegment create() {
            MemorySegment v = Handles.vocab(vocab.model());
            try (Arena call = Arena.ofConfined()) {
                MemorySegment patterns = call.allocate(ValueLayout.ADDRESS, Math.max(1, triggerPatterns.size()));
                for (int i = 0; i < triggerPatterns.size(); i++) {
                    patterns.setAtIndex(ValueLayout.ADDRESS, i, call.allocateFrom(triggerPatterns.get(i)));
                }
                MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, Math.max(1, triggerTokens.length));
                MemorySegment.copy(triggerTokens, 0, tokens, ValueLayout.JAVA_INT, 0, triggerTokens.length);
                MemorySegment str = call.allocateFrom(gbnf);
                MemorySegment start = call.allocateFrom(root);
                if (lazy) {
                    checkTriggerTokens(v, str, start, tokens);
                }
                LogBridge.beginCapture();
                MemorySegment s;
                String log;
                try {
                    s = lazy
                            ? LlamaNative.llama_sampler_init_grammar_lazy_patterns(v, str, start, patterns,
                                    triggerPatterns.size(), tokens, triggerTokens.length)
                            : LlamaNative.llama_sampler_init_grammar(v, str, start);
                } finally {
                    log = LogBridge.endCapture();
                }
                if (s.equals(MemorySegment.NULL)) {
                    throw new GrammarException("llama.cpp rejected the grammar"
                            + (log.isEmpty() ? " (see its output on stderr)" : ": " + log.replace('\n', ' ')));
                }
                return s;
            }
        }

        /**
         * A trigger token makes llama.cpp feed the token's text to the grammar, and a text the
         * grammar rejects throws a C++ exception through the C API. Check each against a fresh
         * (eager) copy of the grammar, the state the lazy one has when the trigger fires.
         */
        private void checkTriggerTokens(MemorySegment v, MemorySegment str, MemorySegment start, MemorySegment tokens) {
            if (triggerTokens.length == 0) {
                return;
            }
            MemorySegment probe = LlamaNative.llama_sampler_init_grammar(v, str, start);
            if (probe.equals(MemorySegment.NULL)) {
                return; // the real init below reports the error
            }
            try (Arena call = Arena.ofConfined()) {
                TokenBuffer one = new TokenBuffer(call, 1);
                for (int t : triggerTokens) {
                    if (!one.allows(probe, t)) {
                        throw new IllegalArgumentException("lazyGrammar trigger token " + t + " ('"
                                + vocab.tokenToPiece(t, true) + "') is not accepted by the grammar's first"
                                + " step; llama.cpp would abort when it fires");
                    }
                }
            } finally {
                LlamaNative.llama_sampler_free(probe);
            }
        }
    }

    /** Fill-in-the-middle candidate merging (llama_sampler_init_infill). */
    record Infill(Vocab vocab) implements Stage {
        /** llama.cpp's infill keeps 512-byte piece buffers and mis-grows them (resize(-n)). */
        static final int MAX_PIECE_BYTES = 512;

        public Infill {
            if (vocab == null) {
                throw new IllegalArgumentException("infill vocab must not be null");
            }
            if (vocab.eot() == Vocab.NULL_TOKEN) {
                // with no non-EOG candidate left, infill selects EOT: it must exist
                throw new IllegalArgumentException("infill needs a vocabulary with an end-of-turn (EOT) token");
            }
            for (int t = 0, n = vocab.size(); t < n; t++) {
                if (vocab.tokenBytes(t, false).length > MAX_PIECE_BYTES) {
                    throw new IllegalArgumentException("infill cannot handle token " + t + ": its piece is longer than "
                            + MAX_PIECE_BYTES + " bytes (llama.cpp would mis-size its buffer)");
                }
            }
        }

        @Override
        public Vocab boundVocab() {
            return vocab;
        }

        public MemorySegment create() {
            return LlamaNative.llama_sampler_init_infill(Handles.vocab(vocab.model()));
        }
    }
}
