package io.github.llamapanama.sampling;

import io.github.llamapanama.model.Vocab;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad parameter is an IllegalArgumentException naming it, thrown before native code runs. */
class SamplerValidationTest {
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;
    private static final List<String> BREAKERS = List.of("\n");

    private static Sampler.Builder b() {
        return Sampler.builder();
    }

    private static DynamicTest bad(String expected, Executable call) {
        return DynamicTest.dynamicTest(expected, () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should name " + expected);
        });
    }

    @TestFactory
    Stream<DynamicTest> builderStages() {
        Vocab v = Gpt2Vocab.get();
        Map<Integer, Float> nullValue = new HashMap<>();
        nullValue.put(1, null);
        List<String> withNull = Arrays.asList("\n", null);
        return Stream.of(
                bad("dist seed", () -> b().dist(-1)),
                bad("dist seed", () -> b().dist(0x1_0000_0000L)),
                bad("topK k", () -> b().topK(-1)),
                bad("topP p", () -> b().topP(1.5f, 1)),
                bad("topP p", () -> b().topP(NAN, 1)),
                bad("topP minKeep", () -> b().topP(0.5f, -1)),
                bad("minP p", () -> b().minP(-0.1f, 1)),
                bad("minP minKeep", () -> b().minP(0.1f, -2)),
                bad("typical p", () -> b().typical(2f, 1)),
                bad("typical minKeep", () -> b().typical(0.5f, -1)),
                bad("temperature t", () -> b().temperature(NAN)),
                bad("temperature t", () -> b().temperature(INF)),
                bad("dynamicTemperature t", () -> b().dynamicTemperature(-INF, 0, 1)),
                bad("dynamicTemperature delta", () -> b().dynamicTemperature(1, -1, 1)),
                bad("dynamicTemperature exponent", () -> b().dynamicTemperature(1, 0, -1)),
                bad("xtc p", () -> b().xtc(1.5f, 0.1f, 1, 1)),
                bad("xtc t", () -> b().xtc(0.5f, 2f, 1, 1)),
                bad("xtc minKeep", () -> b().xtc(0.5f, 0.1f, -1, 1)),
                bad("xtc seed", () -> b().xtc(0.5f, 0.1f, 1, -5)),
                bad("topNSigma n", () -> b().topNSigma(NAN)),
                bad("penalties lastN", () -> b().penalties(-2, 1, 0, 0)),
                bad("penalties lastN", () -> b().penalties(-1, 1, 0, 0)),
                bad("penalties lastN", () -> b().penalties(Integer.MAX_VALUE, 1, 0, 0)),
                bad("penalties repeat", () -> b().penalties(64, 0, 0, 0)),
                bad("penalties repeat", () -> b().penalties(64, -1, 0, 0)),
                bad("penalties frequency", () -> b().penalties(64, 1, NAN, 0)),
                bad("penalties presence", () -> b().penalties(64, 1, 0, INF)),
                bad("dry vocab", () -> b().dry(null, 1, 1.75f, 2, 64, BREAKERS)),
                bad("dry multiplier", () -> b().dry(v, -1, 1.75f, 2, 64, BREAKERS)),
                bad("dry base", () -> b().dry(v, 1, NAN, 2, 64, BREAKERS)),
                bad("dry allowedLength", () -> b().dry(v, 1, 1.75f, -1, 64, BREAKERS)),
                bad("dry penaltyLastN", () -> b().dry(v, 1, 1.75f, 2, -2, BREAKERS)),
                bad("dry sequenceBreakers", () -> b().dry(v, 1, 1.75f, 2, 64, null)),
                bad("dry sequenceBreakers[1]", () -> b().dry(v, 1, 1.75f, 2, 64, withNull)),
                bad("dry sequenceBreakers[0]", () -> b().dry(v, 1, 1.75f, 2, 64, List.of(""))),
                bad("dry sequenceBreakers[0]", () -> b().dry(v, 1, 1.75f, 2, 64, List.of("a\0b"))),
                bad("mirostat nVocab", () -> b().mirostat(0, 1, 5, 0.1f, 100)),
                bad("mirostat seed", () -> b().mirostat(10, -1, 5, 0.1f, 100)),
                bad("mirostat tau", () -> b().mirostat(10, 1, -5, 0.1f, 100)),
                bad("mirostat eta", () -> b().mirostat(10, 1, 5, NAN, 100)),
                bad("mirostat m", () -> b().mirostat(10, 1, 5, 0.1f, 0)),
                bad("mirostatV2 seed", () -> b().mirostatV2(1L << 33, 5, 0.1f)),
                bad("mirostatV2 tau", () -> b().mirostatV2(1, INF, 0.1f)),
                bad("mirostatV2 eta", () -> b().mirostatV2(1, 5, -0.1f)),
                bad("logitBias nVocab", () -> b().logitBias(0, Map.of())),
                bad("logitBias bias", () -> b().logitBias(10, null)),
                bad("logitBias token 10 is outside the vocabulary", () -> b().logitBias(10, Map.of(10, 1f))),
                bad("logitBias token -1", () -> b().logitBias(10, Map.of(-1, 1f))),
                bad("logitBias token " + v.size(), () -> b().logitBias(v, Map.of(v.size(), 1f))),
                bad("logitBias bias for token 3", () -> b().logitBias(10, Map.of(3, NAN))),
                bad("logitBias bias for token 3", () -> b().logitBias(10, Map.of(3, INF))),
                bad("logitBias", () -> b().logitBias(10, nullValue)),
                bad("grammar vocab", () -> b().grammar(null, "root ::= \"a\"", "root")),
                bad("grammar gbnf", () -> b().grammar(v, null, "root")),
                bad("grammar gbnf is empty", () -> b().grammar(v, "  \n", "root")),
                bad("grammar gbnf", () -> b().grammar(v, "root ::= \"a\"\0", "root")),
                bad("grammar root", () -> b().grammar(v, "root ::= \"a\"", "ro ot")),
                bad("grammar root", () -> b().grammar(v, "root ::= \"a\"", null)),
                bad("lazyGrammar needs at least one trigger", () -> b().lazyGrammar(v, "root ::= \"a\"", "root", null, null)),
                bad("lazyGrammar trigger token", () -> b().lazyGrammar(v, "root ::= \"a\"", "root", null, new int[] {-1})),
                bad("infill vocab", () -> b().infill(null)));
    }

    @TestFactory
    Stream<DynamicTest> chainShape() {
        return Stream.of(
                bad("selecting stage", () -> b().build()),
                bad("ends with TopK", () -> b().topK(40).build()),
                bad("selecting stage", () -> b().greedy().temperature(1).build()),
                bad("disagree on the vocabulary", () -> b().logitBias(100, Map.of()).mirostat(200, 1, 5, 0.1f, 100).build()));
    }

    private static Executable withGreedy(java.util.function.Consumer<Sampler> use) {
        return () -> {
            try (Sampler s = Sampler.builder().greedy().build()) {
                use.accept(s);
            }
        };
    }

    @TestFactory
    Stream<DynamicTest> samplingInputs() {
        return Stream.of(
                bad("logits is empty", withGreedy(s -> s.sample(new float[0]))),
                bad("logits[3]", withGreedy(s -> s.sample(new float[] {0, 1, 2, NAN}))),
                bad("logits[1]", withGreedy(s -> s.sample(new float[] {0, INF}))),
                bad("whole floats", withGreedy(s -> s.sample(java.lang.foreign.MemorySegment.ofArray(new byte[7])))),
                bad("token -1", withGreedy(s -> s.accept(-1))));
    }

    @TestFactory
    Stream<DynamicTest> samplingParams() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(bad("seed", () -> SamplingParams.builder().seed(-5).build()));
        tests.add(bad("topP", () -> SamplingParams.builder().topP(2).build()));
        tests.add(bad("minP", () -> SamplingParams.builder().minP(-1).build()));
        tests.add(bad("typicalP", () -> SamplingParams.builder().typicalP(NAN).build()));
        tests.add(bad("xtcThreshold", () -> SamplingParams.builder().xtcThreshold(1.5f).build()));
        tests.add(bad("temperature", () -> SamplingParams.builder().temperature(NAN).build()));
        tests.add(bad("dynatempRange", () -> SamplingParams.builder().dynatempRange(-1).build()));
        tests.add(bad("penaltyLastN", () -> SamplingParams.builder().penaltyLastN(-2).build()));
        tests.add(bad("penaltyRepeat", () -> SamplingParams.builder().penaltyRepeat(0).build()));
        tests.add(bad("dryPenaltyLastN", () -> SamplingParams.builder().dryPenaltyLastN(-3).build()));
        tests.add(bad("dryAllowedLength", () -> SamplingParams.builder().dryAllowedLength(-1).build()));
        tests.add(bad("mirostat", () -> SamplingParams.builder().mirostat(3).build()));
        tests.add(bad("mirostatTau", () -> SamplingParams.builder().mirostatTau(-1).build()));
        tests.add(bad("minKeep", () -> SamplingParams.builder().minKeep(-1).build()));
        tests.add(bad("samplers", () -> SamplingParams.builder().samplers(null).build()));
        tests.add(bad("drySequenceBreakers[0]", () -> SamplingParams.builder().drySequenceBreakers(List.of("")).build()));
        tests.add(bad("logitBias", () -> SamplingParams.builder().logitBias(-4, 1f).build()));
        tests.add(bad("logitBias for token 4", () -> SamplingParams.builder().logitBias(4, NAN).build()));
        tests.add(bad("grammarLazy", () -> SamplingParams.builder().grammar("root ::= \"a\"").grammarLazy(true).build()));
        tests.add(bad("grammarTriggers[0]", () -> SamplingParams.builder().grammarTrigger(GrammarTrigger.pattern("a*+")).build()));
        tests.add(bad("outside the vocabulary", () -> Sampler.of(SamplingParams.builder().logitBias(1 << 20, 1f).build(),
                Gpt2Vocab.get())));
        tests.add(bad("penaltyLastN -1", () -> Sampler.of(SamplingParams.builder().penaltyLastN(-1).build(), Gpt2Vocab.get())));
        return tests.stream();
    }

    @Test
    void grammarTriggerRecordChecksItsShape() {
        assertThrows(IllegalArgumentException.class, () -> GrammarTrigger.token(-1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new GrammarTrigger(GrammarTrigger.Type.WORD, "w", 3));
        assertThrows(IllegalArgumentException.class, () -> GrammarTrigger.word(""));
    }
}
