package io.github.llamapanama.sampling;

import io.github.llamapanama.model.Vocab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** common_sampler_init (common/sampling.cpp at ea1431b0) in Java: the stages, in its order. */
final class CommonChain {
    /** common_sampler_init's Mirostat 1.0 estimation window. */
    static final int MIROSTAT_M = 100;

    private CommonChain() {}

    static Sampler build(SamplingParams p, Vocab vocab, int contextSize) {
        List<Stage> stages = new ArrayList<>();
        stages.add(Stage.LogitBias.of(vocab.size(), logitBias(p, vocab)));
        if (p.mirostat() == 0) {
            for (SamplerType type : p.samplers()) {
                stages.add(switch (type) {
                    case PENALTIES -> new Stage.Penalties(window(p.penaltyLastN(), contextSize, "penaltyLastN"),
                            p.penaltyRepeat(), p.penaltyFreq(), p.penaltyPresent());
                    case DRY -> new Stage.Dry(vocab, p.dryMultiplier(), p.dryBase(), p.dryAllowedLength(),
                            p.dryPenaltyLastN() == -1 && contextSize > 0 ? contextSize : p.dryPenaltyLastN(),
                            p.drySequenceBreakers());
                    case TOP_N_SIGMA -> new Stage.TopNSigma(p.topNSigma());
                    case TOP_K -> new Stage.TopK(Math.max(p.topK(), 0)); // llama.cpp: k <= 0 is a no-op
                    case TYPICAL_P -> new Stage.Typical(p.typicalP(), p.minKeep());
                    case TOP_P -> new Stage.TopP(p.topP(), p.minKeep());
                    case MIN_P -> new Stage.MinP(p.minP(), p.minKeep());
                    case XTC -> new Stage.Xtc(p.xtcProbability(), p.xtcThreshold(), p.minKeep(), p.seed());
                    case TEMPERATURE -> new Stage.TempExt(p.temperature(), p.dynatempRange(), p.dynatempExponent());
                    case INFILL -> new Stage.Infill(vocab);
                });
            }
            stages.add(new Stage.Dist(p.seed()));
        } else if (p.mirostat() == 1) {
            stages.add(new Stage.Temp(p.temperature()));
            stages.add(new Stage.Mirostat(vocab.size(), p.seed(), p.mirostatTau(), p.mirostatEta(), MIROSTAT_M));
        } else {
            stages.add(new Stage.Temp(p.temperature()));
            stages.add(new Stage.MirostatV2(p.seed(), p.mirostatTau(), p.mirostatEta()));
        }
        return Sampler.create(stages, grammar(p, vocab), p.noPerf());
    }

    /** The tools turn -1 into the context size before llama.cpp sees it. */
    private static int window(int lastN, int contextSize, String name) {
        if (lastN != -1) {
            return lastN;
        }
        if (contextSize <= 0) {
            throw new IllegalArgumentException(name + " -1 means the context size, but that is " + contextSize
                    + " here; use Sampler.of(params, vocab, contextSize)");
        }
        return Math.min(contextSize, Checks.MAX_LAST_N);
    }

    /** The logit biases, plus -inf for every end-of-generation token with ignoreEos (common_init_from_params). */
    private static Map<Integer, Float> logitBias(SamplingParams p, Vocab vocab) {
        Map<Integer, Float> bias = new LinkedHashMap<>(p.logitBias());
        if (p.ignoreEos() && vocab.eos() != Vocab.NULL_TOKEN) {
            for (int t = 0, n = vocab.size(); t < n; t++) {
                if (vocab.isEndOfGeneration(t)) {
                    bias.put(t, Float.NEGATIVE_INFINITY);
                }
            }
        }
        return bias;
    }

    /** The grammar common_sampler keeps beside the chain, with its triggers as common builds them. */
    private static Stage.Grammar grammar(SamplingParams p, Vocab vocab) {
        if (p.grammar().isEmpty()) {
            return null;
        }
        if (!p.grammarLazy()) {
            return new Stage.Grammar(vocab, p.grammar(), "root", false, List.of(), new int[0]);
        }
        List<String> full = new ArrayList<>();
        List<String> anywhere = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        for (GrammarTrigger t : p.grammarTriggers()) {
            switch (t.type()) {
                case WORD -> anywhere.add(TriggerPatterns.escape(t.value()));
                case PATTERN -> anywhere.add(t.value());
                case PATTERN_FULL -> full.add(t.value());
                case TOKEN -> tokens.add(t.token());
            }
        }
        if (!anywhere.isEmpty()) {
            full.add("^[\\s\\S]*?(" + String.join("|", anywhere) + ")[\\s\\S]*");
        }
        return new Stage.Grammar(vocab, p.grammar(), "root", true, full,
                tokens.stream().mapToInt(Integer::intValue).toArray());
    }
}
