package io.github.llamapanama.sampling;

import io.github.llamapanama.model.Vocab;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults as common/common.h, and Sampler.of building common_sampler_init's chain. */
class SamplingParamsTest {
    private final Vocab vocab = Gpt2Vocab.get();

    @Test
    void defaultsAreLlamaCpps() {
        SamplingParams d = SamplingParams.defaults();
        assertEquals(0xFFFF_FFFFL, d.seed());
        assertEquals(64, d.nPrev());
        assertEquals(0, d.nProbs());
        assertEquals(0, d.minKeep());
        assertEquals(40, d.topK());
        assertEquals(0.95f, d.topP());
        assertEquals(0.05f, d.minP());
        assertEquals(0.0f, d.xtcProbability());
        assertEquals(0.10f, d.xtcThreshold());
        assertEquals(1.0f, d.typicalP());
        assertEquals(0.80f, d.temperature());
        assertEquals(0.0f, d.dynatempRange());
        assertEquals(1.0f, d.dynatempExponent());
        assertEquals(64, d.penaltyLastN());
        assertEquals(1.0f, d.penaltyRepeat());
        assertEquals(0.0f, d.penaltyFreq());
        assertEquals(0.0f, d.penaltyPresent());
        assertEquals(0.0f, d.dryMultiplier());
        assertEquals(1.75f, d.dryBase());
        assertEquals(2, d.dryAllowedLength());
        assertEquals(-1, d.dryPenaltyLastN());
        assertEquals(0, d.mirostat());
        assertEquals(-1.0f, d.topNSigma());
        assertEquals(5.0f, d.mirostatTau());
        assertEquals(0.10f, d.mirostatEta());
        assertFalse(d.ignoreEos());
        assertFalse(d.noPerf());
        assertEquals(List.of("\n", ":", "\"", "*"), d.drySequenceBreakers());
        assertEquals(List.of(SamplerType.PENALTIES, SamplerType.DRY, SamplerType.TOP_N_SIGMA, SamplerType.TOP_K,
                SamplerType.TYPICAL_P, SamplerType.TOP_P, SamplerType.MIN_P, SamplerType.XTC,
                SamplerType.TEMPERATURE), d.samplers());
        assertEquals("", d.grammar());
        assertFalse(d.grammarLazy());
        assertTrue(d.grammarTriggers().isEmpty());
        assertTrue(d.logitBias().isEmpty());
        assertEquals(d, d.toBuilder().build());
    }

    @Test
    void ofBuildsCommonSamplerInitsChain() {
        try (Sampler s = Sampler.of(SamplingParams.defaults(), vocab)) {
            assertEquals(List.of("logit-bias", "penalties", "dry", "top-n-sigma", "top-k", "typical", "top-p", "min-p",
                    "xtc", "temp-ext", "dist"), s.stageNames());
            assertFalse(s.hasGrammar());
        }
        SamplingParams custom = SamplingParams.builder()
                .samplers(SamplerType.fromCodes("kpt")).seed(9).build();
        try (Sampler s = Sampler.of(custom, vocab)) {
            assertEquals(List.of("logit-bias", "top-k", "top-p", "temp-ext", "dist"), s.stageNames());
            assertEquals(9, s.seed());
        }
        try (Sampler s = Sampler.of(SamplingParams.builder().mirostat(1).seed(4).build(), vocab)) {
            assertEquals(List.of("logit-bias", "temp", "mirostat"), s.stageNames());
            assertEquals(4, s.seed());
        }
        try (Sampler s = Sampler.of(SamplingParams.builder().mirostat(2).build(), vocab)) {
            assertEquals(List.of("logit-bias", "temp", "mirostat-v2"), s.stageNames());
        }
        try (Sampler s = Sampler.of(SamplingParams.builder().samplers(List.of(SamplerType.INFILL)).build(), vocab)) {
            assertEquals(List.of("logit-bias", "infill", "dist"), s.stageNames());
        }
    }

    @Test
    void ofSamplesLikeTheChainItDescribes() {
        float[] l = Logits.random(vocab.size(), 12);
        try (Sampler greedy = Sampler.of(SamplingParams.builder().temperature(0).build(), vocab)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(Logits.argmax(l), greedy.sample(l), "temperature 0 is greedy, as in llama.cpp");
            }
        }
        SamplingParams banned = SamplingParams.builder().temperature(0).logitBias(Logits.argmax(l), Float.NEGATIVE_INFINITY)
                .build();
        try (Sampler s = Sampler.of(banned, vocab)) {
            assertNotEquals(Logits.argmax(l), s.sample(l));
        }
    }

    @Test
    void ignoreEosBansEndOfGeneration() {
        float[] l = Logits.flat(vocab.size());
        l[vocab.eos()] = 50f;
        try (Sampler s = Sampler.of(SamplingParams.builder().temperature(0).ignoreEos(true).build(), vocab)) {
            assertNotEquals(vocab.eos(), s.sample(l));
        }
    }

    @Test
    void minusOneWindowsAreTheContextSize() {
        SamplingParams p = SamplingParams.builder().penaltyLastN(-1).dryPenaltyLastN(-1).dryMultiplier(0.8f).build();
        try (Sampler s = Sampler.of(p, vocab, 512)) {
            assertEquals("penalties", s.stageNames().get(1));
        }
        // the vocabulary-only model has no training context to stand in
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(p, vocab));
    }

    @Test
    void lazyGrammarTriggersAreBuiltAsCommonBuildsThem() {
        SamplingParams p = SamplingParams.builder()
                .grammar("root ::= \"<tool>\" [a-z]+").grammarLazy(true)
                .grammarTrigger(GrammarTrigger.word("<tool>"))
                .grammarTrigger(GrammarTrigger.patternFull("^\\s*\\{"))
                .grammarTrigger(GrammarTrigger.token(Gpt2Vocab.token("<"), "<"))
                .build();
        try (Sampler s = Sampler.of(p.toBuilder().temperature(0).build(), vocab)) {
            assertTrue(s.hasGrammar());
            float[] l = Logits.flat(vocab.size());
            l[Gpt2Vocab.token(" hello")] = 5f;
            assertEquals(Gpt2Vocab.token(" hello"), s.sample(l), "not triggered yet: unconstrained");
        }
    }

    @Test
    void samplerTypeNamesAreLlamaCpps() {
        assertEquals(SamplerType.TOP_K, SamplerType.fromName("top_k", false));
        assertEquals(SamplerType.TOP_P, SamplerType.fromName("nucleus", true));
        assertEquals(SamplerType.TEMPERATURE, SamplerType.fromName("temp", true));
        assertThrows(IllegalArgumentException.class, () -> SamplerType.fromName("temp", false));
        assertEquals(SamplerType.DEFAULT_ORDER, SamplerType.fromCodes("edskypmxt"));
        assertThrows(IllegalArgumentException.class, () -> SamplerType.fromCodes("kq"));
        assertEquals("typ_p", SamplerType.TYPICAL_P.llamaName());
        assertEquals('y', SamplerType.TYPICAL_P.code());
        assertEquals(Map.of(), SamplingParams.defaults().logitBias());
    }
}
