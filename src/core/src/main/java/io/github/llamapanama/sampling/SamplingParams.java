package io.github.llamapanama.sampling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.llamapanama.sampling.Checks.atLeast;
import static io.github.llamapanama.sampling.Checks.finite;
import static io.github.llamapanama.sampling.Checks.unit;

/**
 * llama.cpp's common_params_sampling: everything its CLI and server take to sample, with the
 * same defaults ({@link #defaults()}, common/common.h at ea1431b0). {@link Sampler#of} turns it
 * into the chain common_sampler_init builds. Sentinels keep llama.cpp's meaning, noted below.
 *
 * @param seed                {@link Sampler#RANDOM_SEED} (default) or a uint32 seed
 * @param nPrev               tokens of history llama.cpp's common sampler remembers (64)
 * @param nProbs              if > 0, report the top n candidates' probabilities (0)
 * @param minKeep             least candidates top-p, min-p, typical and xtc keep; 0 = none (0)
 * @param topK                top-k; {@code <= 0} = the whole vocabulary (40)
 * @param topP                top-p; 1 = disabled (0.95)
 * @param minP                min-p; 0 = disabled (0.05)
 * @param xtcProbability      XTC chance per token; 0 = disabled (0)
 * @param xtcThreshold        XTC probability threshold; {@code > 0.5} disables (0.1)
 * @param typicalP            locally typical p; 1 = disabled (1)
 * @param temperature         temperature; {@code <= 0} keeps only the most likely token (0.8)
 * @param dynatempRange       dynamic temperature range; 0 = disabled (0)
 * @param dynatempExponent    dynamic temperature exponent (1)
 * @param penaltyLastN        tokens the penalties look back; 0 = disabled, -1 = context size (64)
 * @param penaltyRepeat       repetition penalty; 1 = disabled (1)
 * @param penaltyFreq         frequency penalty; 0 = disabled (0)
 * @param penaltyPresent      presence penalty; 0 = disabled (0)
 * @param dryMultiplier       DRY multiplier; 0 = disabled (0)
 * @param dryBase             DRY base; {@code < 1} disables (1.75)
 * @param dryAllowedLength    repetitions longer than this are penalised by DRY (2)
 * @param dryPenaltyLastN     tokens DRY scans; 0 = disabled, -1 = context size (-1)
 * @param mirostat            0 = off, 1 = Mirostat, 2 = Mirostat 2.0 (0)
 * @param topNSigma           top-n-sigma; {@code <= 0} disables (-1)
 * @param mirostatTau         Mirostat target entropy (5)
 * @param mirostatEta         Mirostat learning rate (0.1)
 * @param ignoreEos           ban end-of-generation tokens (false)
 * @param noPerf              skip llama.cpp's timing of the chain (false)
 * @param drySequenceBreakers strings that end a DRY repetition ({@code \n : " *})
 * @param samplers            order of the configurable stages ({@link SamplerType#DEFAULT_ORDER})
 * @param grammar             GBNF grammar, start rule {@code root}; empty = none
 * @param grammarLazy         the grammar waits for one of {@code grammarTriggers}
 * @param grammarTriggers     triggers of a lazy grammar
 * @param logitBias           token id to logit bias; {@code -Infinity} bans a token
 */
public record SamplingParams(long seed, int nPrev, int nProbs, int minKeep, int topK, float topP, float minP,
                             float xtcProbability, float xtcThreshold, float typicalP, float temperature,
                             float dynatempRange, float dynatempExponent, int penaltyLastN, float penaltyRepeat,
                             float penaltyFreq, float penaltyPresent, float dryMultiplier, float dryBase,
                             int dryAllowedLength, int dryPenaltyLastN, int mirostat, float topNSigma,
                             float mirostatTau, float mirostatEta, boolean ignoreEos, boolean noPerf,
                             List<String> drySequenceBreakers, List<SamplerType> samplers, String grammar,
                             boolean grammarLazy, List<GrammarTrigger> grammarTriggers,
                             Map<Integer, Float> logitBias) {

    /** common_params_sampling's dry_sequence_breakers default. */
    public static final List<String> DEFAULT_DRY_SEQUENCE_BREAKERS = List.of("\n", ":", "\"", "*");

    public SamplingParams {
        Checks.seed("seed", seed);
        atLeast("nPrev", nPrev, 0);
        atLeast("nProbs", nProbs, 0);
        atLeast("minKeep", minKeep, 0);
        unit("topP", topP);
        unit("minP", minP);
        unit("xtcProbability", xtcProbability);
        unit("xtcThreshold", xtcThreshold);
        unit("typicalP", typicalP);
        finite("temperature", temperature);
        atLeast("dynatempRange", dynatempRange, 0f);
        atLeast("dynatempExponent", dynatempExponent, 0f);
        Checks.range("penaltyLastN", penaltyLastN, -1, Checks.MAX_LAST_N);
        Checks.above("penaltyRepeat", penaltyRepeat, 0f);
        finite("penaltyFreq", penaltyFreq);
        finite("penaltyPresent", penaltyPresent);
        atLeast("dryMultiplier", dryMultiplier, 0f);
        atLeast("dryBase", dryBase, 0f);
        atLeast("dryAllowedLength", dryAllowedLength, 0);
        Checks.range("dryPenaltyLastN", dryPenaltyLastN, -1, Checks.MAX_LAST_N);
        Checks.range("mirostat", mirostat, 0, 2);
        finite("topNSigma", topNSigma);
        atLeast("mirostatTau", mirostatTau, 0f);
        atLeast("mirostatEta", mirostatEta, 0f);
        drySequenceBreakers = noNulls("drySequenceBreakers", drySequenceBreakers);
        for (int i = 0; i < drySequenceBreakers.size(); i++) {
            if (Checks.cString("drySequenceBreakers[" + i + "]", drySequenceBreakers.get(i)).isEmpty()) {
                throw new IllegalArgumentException("drySequenceBreakers[" + i + "] is empty");
            }
        }
        samplers = noNulls("samplers", samplers);
        Checks.cString("grammar", grammar);
        grammarTriggers = noNulls("grammarTriggers", grammarTriggers);
        if (grammarLazy && !grammar.isEmpty() && grammarTriggers.isEmpty()) {
            throw new IllegalArgumentException("grammarLazy needs at least one grammar trigger");
        }
        for (int i = 0; i < grammarTriggers.size(); i++) {
            GrammarTrigger t = grammarTriggers.get(i);
            if (t.type() == GrammarTrigger.Type.PATTERN || t.type() == GrammarTrigger.Type.PATTERN_FULL) {
                TriggerPatterns.check("grammarTriggers[" + i + "]", t.value());
            }
        }
        if (logitBias == null) {
            throw new IllegalArgumentException("logitBias must not be null");
        }
        Map<Integer, Float> bias = new LinkedHashMap<>();
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            if (e.getKey() == null || e.getKey() < 0 || e.getValue() == null) {
                throw new IllegalArgumentException("logitBias: token ids must be >= 0 and biases non-null, got "
                        + e.getKey() + " -> " + e.getValue());
            }
            bias.put(e.getKey(), Stage.LogitBias.checkBias("logitBias for token " + e.getKey(), e.getValue()));
        }
        logitBias = Collections.unmodifiableMap(bias);
    }

    private static <T> List<T> noNulls(String name, List<T> list) {
        if (list == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        for (T t : list) {
            if (t == null) {
                throw new IllegalArgumentException(name + " must not contain null");
            }
        }
        return List.copyOf(list);
    }

    /** llama.cpp's defaults (common_params_sampling at ea1431b0). */
    public static SamplingParams defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.seed = seed;
        b.nPrev = nPrev;
        b.nProbs = nProbs;
        b.minKeep = minKeep;
        b.topK = topK;
        b.topP = topP;
        b.minP = minP;
        b.xtcProbability = xtcProbability;
        b.xtcThreshold = xtcThreshold;
        b.typicalP = typicalP;
        b.temperature = temperature;
        b.dynatempRange = dynatempRange;
        b.dynatempExponent = dynatempExponent;
        b.penaltyLastN = penaltyLastN;
        b.penaltyRepeat = penaltyRepeat;
        b.penaltyFreq = penaltyFreq;
        b.penaltyPresent = penaltyPresent;
        b.dryMultiplier = dryMultiplier;
        b.dryBase = dryBase;
        b.dryAllowedLength = dryAllowedLength;
        b.dryPenaltyLastN = dryPenaltyLastN;
        b.mirostat = mirostat;
        b.topNSigma = topNSigma;
        b.mirostatTau = mirostatTau;
        b.mirostatEta = mirostatEta;
        b.ignoreEos = ignoreEos;
        b.noPerf = noPerf;
        b.drySequenceBreakers = drySequenceBreakers;
        b.samplers = samplers;
        b.grammar = grammar;
        b.grammarLazy = grammarLazy;
        b.grammarTriggers = grammarTriggers;
        b.logitBias = logitBias;
        return b;
    }

    /** Builds {@link SamplingParams}; starts from llama.cpp's defaults. Checks happen in build(). */
    public static final class Builder {
        private long seed = Sampler.RANDOM_SEED;
        private int nPrev = 64;
        private int nProbs = 0;
        private int minKeep = 0;
        private int topK = 40;
        private float topP = 0.95f;
        private float minP = 0.05f;
        private float xtcProbability = 0.00f;
        private float xtcThreshold = 0.10f;
        private float typicalP = 1.00f;
        private float temperature = 0.80f;
        private float dynatempRange = 0.00f;
        private float dynatempExponent = 1.00f;
        private int penaltyLastN = 64;
        private float penaltyRepeat = 1.00f;
        private float penaltyFreq = 0.00f;
        private float penaltyPresent = 0.00f;
        private float dryMultiplier = 0.0f;
        private float dryBase = 1.75f;
        private int dryAllowedLength = 2;
        private int dryPenaltyLastN = -1;
        private int mirostat = 0;
        private float topNSigma = -1.00f;
        private float mirostatTau = 5.00f;
        private float mirostatEta = 0.10f;
        private boolean ignoreEos = false;
        private boolean noPerf = false;
        private List<String> drySequenceBreakers = DEFAULT_DRY_SEQUENCE_BREAKERS;
        private List<SamplerType> samplers = SamplerType.DEFAULT_ORDER;
        private String grammar = "";
        private boolean grammarLazy = false;
        private List<GrammarTrigger> grammarTriggers = List.of();
        private Map<Integer, Float> logitBias = Map.of();

        private Builder() {}

        public Builder seed(long v) { seed = v; return this; }
        public Builder nPrev(int v) { nPrev = v; return this; }
        public Builder nProbs(int v) { nProbs = v; return this; }
        public Builder minKeep(int v) { minKeep = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(float v) { topP = v; return this; }
        public Builder minP(float v) { minP = v; return this; }
        public Builder xtcProbability(float v) { xtcProbability = v; return this; }
        public Builder xtcThreshold(float v) { xtcThreshold = v; return this; }
        public Builder typicalP(float v) { typicalP = v; return this; }
        public Builder temperature(float v) { temperature = v; return this; }
        public Builder dynatempRange(float v) { dynatempRange = v; return this; }
        public Builder dynatempExponent(float v) { dynatempExponent = v; return this; }
        public Builder penaltyLastN(int v) { penaltyLastN = v; return this; }
        public Builder penaltyRepeat(float v) { penaltyRepeat = v; return this; }
        public Builder penaltyFreq(float v) { penaltyFreq = v; return this; }
        public Builder penaltyPresent(float v) { penaltyPresent = v; return this; }
        public Builder dryMultiplier(float v) { dryMultiplier = v; return this; }
        public Builder dryBase(float v) { dryBase = v; return this; }
        public Builder dryAllowedLength(int v) { dryAllowedLength = v; return this; }
        public Builder dryPenaltyLastN(int v) { dryPenaltyLastN = v; return this; }
        public Builder mirostat(int v) { mirostat = v; return this; }
        public Builder topNSigma(float v) { topNSigma = v; return this; }
        public Builder mirostatTau(float v) { mirostatTau = v; return this; }
        public Builder mirostatEta(float v) { mirostatEta = v; return this; }
        public Builder ignoreEos(boolean v) { ignoreEos = v; return this; }
        public Builder noPerf(boolean v) { noPerf = v; return this; }
        public Builder drySequenceBreakers(List<String> v) { drySequenceBreakers = v; return this; }
        public Builder samplers(List<SamplerType> v) { samplers = v; return this; }
        public Builder grammar(String v) { grammar = v; return this; }
        public Builder grammarLazy(boolean v) { grammarLazy = v; return this; }
        public Builder grammarTriggers(List<GrammarTrigger> v) { grammarTriggers = v; return this; }
        public Builder logitBias(Map<Integer, Float> v) { logitBias = v; return this; }

        /** Adds one logit bias (replacing an earlier one for the same token). */
        public Builder logitBias(int token, float bias) {
            Map<Integer, Float> m = new LinkedHashMap<>(logitBias == null ? Map.of() : logitBias);
            m.put(token, bias);
            logitBias = m;
            return this;
        }

        /** Adds one grammar trigger. */
        public Builder grammarTrigger(GrammarTrigger trigger) {
            List<GrammarTrigger> l = new ArrayList<>(grammarTriggers == null ? List.of() : grammarTriggers);
            l.add(trigger);
            grammarTriggers = l;
            return this;
        }

        /** @throws IllegalArgumentException naming the first value out of range */
        public SamplingParams build() {
            return new SamplingParams(seed, nPrev, nProbs, minKeep, topK, topP, minP, xtcProbability, xtcThreshold,
                    typicalP, temperature, dynatempRange, dynatempExponent, penaltyLastN, penaltyRepeat, penaltyFreq,
                    penaltyPresent, dryMultiplier, dryBase, dryAllowedLength, dryPenaltyLastN, mirostat, topNSigma,
                    mirostatTau, mirostatEta, ignoreEos, noPerf, drySequenceBreakers, samplers, grammar, grammarLazy,
                    grammarTriggers, logitBias);
        }
    }
}
