package io.github.llamapanama.sampling;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GBNF grammars with the gpt-2 vocabulary: constraints, errors, lazy triggers, and crash guards. */
class GrammarSamplerTest {
    private static final String YES_NO = "root ::= \"yes\" | \"no\"";
    private static final String TOOL = "root ::= \"<tool>\" [a-z]+";
    private static final String TOOL_TRIGGER = "^[\\s\\S]*?(<tool>)[\\s\\S]*";

    private final Vocab vocab = Gpt2Vocab.get();

    /** Samples until end of generation; returns the text. */
    private String complete(Sampler s, float[] logits) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            int t = s.sample(logits);
            if (vocab.isEndOfGeneration(t)) {
                return text.toString();
            }
            text.append(vocab.tokenToPiece(t, false));
        }
        throw new AssertionError("no end of generation after '" + text + "'");
    }

    @Test
    void yesNoGrammarRestrictsUniformSampling() {
        float[] uniform = Logits.flat(vocab.size());
        Set<String> outcomes = new HashSet<>();
        for (long seed = 0; seed < 12; seed++) {
            try (Sampler s = Sampler.builder().grammar(vocab, YES_NO, "root").dist(seed).build()) {
                assertTrue(s.hasGrammar());
                int first = s.sample(uniform);
                String piece = vocab.tokenToPiece(first, false);
                assertFalse(piece.isEmpty());
                assertTrue("yes".startsWith(piece) || "no".startsWith(piece), "first piece '" + piece + "'");
                s.reset();
                String text = complete(s, uniform);
                assertTrue(text.equals("yes") || text.equals("no"), text);
                outcomes.add(text);
            }
        }
        assertEquals(Set.of("yes", "no"), outcomes, "both alternatives come up over 12 seeds");
    }

    @Test
    void grammarOverridesStrongLogits() {
        float[] l = Logits.flat(vocab.size());
        l[Gpt2Vocab.token("hello")] = 20f;
        l[Gpt2Vocab.token("no")] = 1f;
        try (Sampler s = Sampler.builder().grammar(vocab, YES_NO, "root").greedy().build()) {
            assertEquals(Gpt2Vocab.token("no"), s.sample(l));
            assertEquals(vocab.eos(), s.sample(l), "complete: only end of generation is left");
        }
    }

    @Test
    void customStartRule() {
        try (Sampler s = Sampler.builder().grammar(vocab, "root ::= \"x\"\nanswer ::= \"no\"", "answer")
                .dist(1).build()) {
            assertEquals("no", complete(s, Logits.flat(vocab.size())));
        }
    }

    @Test
    void malformedGrammarsThrowWithLlamaCppsReason() {
        GrammarException e = assertThrows(GrammarException.class,
                () -> Sampler.builder().grammar(vocab, "root = \"yes\"", "root"));
        assertTrue(e.getMessage().contains("expecting ::= at '= \"yes\"' (line 1, column 6)"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Sampler.builder().grammar(vocab, "root ::= answer", "root"));
        assertTrue(e.getMessage().contains("Undefined rule identifier 'answer'"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Sampler.builder().grammar(vocab, "answer ::= \"x\"", "answer"));
        assertTrue(e.getMessage().contains("'root'"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Sampler.builder().grammar(vocab, YES_NO, "start"));
        assertTrue(e.getMessage().contains("no rule named 'start'") || e.getMessage().contains("'start'"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Sampler.builder().grammar(vocab, "root ::= \"yes", "root"));
        assertTrue(e.getMessage().contains("unexpected end of input"), e.getMessage());
    }

    @Test
    void leftRecursionIsRejectedByLlamaCppAtBuild() {
        Sampler.Builder b = Sampler.builder().grammar(vocab, "root ::= root \"x\" | \"y\"", "root").greedy();
        GrammarException e = assertThrows(GrammarException.class, b::build);
        assertTrue(e.getMessage().contains("left recursion"), e.getMessage());
    }

    @Test
    void lazyGrammarWaitsForItsTrigger() {
        float[] l = Logits.flat(vocab.size());
        int hello = Gpt2Vocab.token(" hello");
        int lower = Gpt2Vocab.token("hello");
        l[hello] = 10f;
        l[lower] = 5f;
        try (Sampler s = Sampler.builder()
                .lazyGrammar(vocab, TOOL, "root", List.of(TOOL_TRIGGER), new int[0]).greedy().build()) {
            assertEquals(hello, s.sample(l), "before the trigger nothing is constrained");
            for (int t : vocab.tokenize(" call <tool>", false, false)) {
                s.accept(t);
            }
            assertEquals(lower, s.sample(l), "after '<tool>' only [a-z]+ fits: ' hello' is out");
        }
    }

    @Test
    void lazyGrammarTriggerTokens() {
        int lt = Gpt2Vocab.token("<");
        try (Sampler s = Sampler.builder().lazyGrammar(vocab, TOOL, "root", List.of(), new int[] {lt}).greedy().build()) {
            s.accept(lt); // triggers: the grammar now expects "tool>"
            float[] l = Logits.flat(vocab.size());
            l[Gpt2Vocab.token("hello")] = 10f;
            l[Gpt2Vocab.token("tool")] = 1f;
            assertEquals(Gpt2Vocab.token("tool"), s.sample(l));
        }
        // a trigger token the grammar cannot start with would make llama.cpp abort when it fires
        Sampler.Builder bad = Sampler.builder()
                .lazyGrammar(vocab, TOOL, "root", List.of(), new int[] {Gpt2Vocab.token("hello")}).greedy();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::build);
        assertTrue(e.getMessage().contains("trigger token"), e.getMessage());
    }

    @Test
    void unsafeTriggerPatternsAreRefused() {
        for (String p : List.of("(?<name>x)", "a*+", "\\p{L}", "[\\w-.]", "[[:alpha:]]", "a{2000}", "x{", "(a)\\1",
                "(?i)abc", "(?<=a)b", "a]", "[a-\u00e9]", "\\Qx\\E", "(?=a)*", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Sampler.builder().lazyGrammar(vocab, TOOL, "root", List.of(p), new int[0]), p);
            assertTrue(e.getMessage().contains("triggerPatterns[0]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> Sampler.builder().lazyGrammar(vocab, TOOL, "root", List.of(), new int[0]), "no trigger");
        assertThrows(IllegalArgumentException.class,
                () -> Sampler.builder().lazyGrammar(vocab, TOOL, "root", List.of(), new int[] {vocab.size()}));
    }

    @Test
    void tokensTheGrammarRejectsAreRefusedInsteadOfAborting() {
        try (Sampler s = Sampler.builder().grammar(vocab, YES_NO, "root").greedy().build()) {
            LlamaException e = assertThrows(LlamaException.class, () -> s.accept(Gpt2Vocab.token("hello")));
            assertTrue(e.getMessage().contains("not allowed by the grammar"), e.getMessage());
            // end of generation before the grammar is complete: llama.cpp would GGML_ABORT
            assertThrows(LlamaException.class, () -> s.accept(vocab.eos()));
            s.accept(Gpt2Vocab.token("yes"));
            s.accept(vocab.eos()); // complete now: fine
        }
    }

    @Test
    void aGrammarStarvedByEarlierStagesThrows() {
        float[] l = Logits.flat(vocab.size());
        l[Gpt2Vocab.token("hello")] = 10f;
        try (Sampler s = Sampler.builder().topK(1).grammar(vocab, YES_NO, "root").greedy().build()) {
            LlamaException e = assertThrows(LlamaException.class, () -> s.sample(l));
            assertTrue(e.getMessage().contains("not allowed by the grammar"), e.getMessage());
        }
    }

    @Test
    void commonStyleGrammarResamples() {
        float[] l = Logits.flat(vocab.size());
        l[Gpt2Vocab.token("hello")] = 30f;
        SamplingParams p = SamplingParams.builder().seed(3).grammar(YES_NO).build();
        try (Sampler s = Sampler.of(p, vocab)) {
            assertTrue(s.hasGrammar());
            assertFalse(s.stageNames().contains("grammar"), "common_sampler keeps the grammar beside the chain");
            String text = complete(s, l);
            assertTrue(text.equals("yes") || text.equals("no"), text);
        }
    }

    @Test
    void aCommonStyleGrammarWithNoAllowedCandidateThrows() {
        // the biases ban every token that can start "no": even resampling finds nothing
        SamplingParams p = SamplingParams.builder().seed(1).grammar("root ::= \"no\"")
                .logitBias(Gpt2Vocab.token("n"), Float.NEGATIVE_INFINITY)
                .logitBias(Gpt2Vocab.token("no"), Float.NEGATIVE_INFINITY).build();
        try (Sampler s = Sampler.of(p, vocab)) {
            LlamaException e = assertThrows(LlamaException.class, () -> s.sample(Logits.flat(vocab.size())));
            assertTrue(e.getMessage().contains("not allowed by the grammar"), e.getMessage());
        }
    }

    @Test
    void copyCarriesTheGrammarState() {
        float[] yes = Logits.flat(vocab.size());
        yes[Gpt2Vocab.token("y")] = 10f;
        try (Sampler s = Sampler.builder().grammar(vocab, YES_NO, "root").greedy().build()) {
            assertEquals(Gpt2Vocab.token("y"), s.sample(yes));
            try (Sampler c = s.copy()) {
                assertEquals("es", complete(c, Logits.flat(vocab.size())), "the copy is past the 'y'");
            }
            assertThrows(LlamaException.class, () -> s.accept(Gpt2Vocab.token("no")), "the original too");
        }
    }

    @Test
    void logitsMustMatchTheGrammarsVocabulary() {
        try (Sampler s = Sampler.builder().grammar(vocab, YES_NO, "root").greedy().build()) {
            assertThrows(IllegalArgumentException.class, () -> s.sample(new float[100]));
            assertThrows(IllegalArgumentException.class, () -> s.accept(vocab.size()));
        }
    }

    @Test
    void closingTheModelStopsTheGrammar() {
        Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), ModelParams.builder().vocabOnly(true).build());
        Sampler s = Sampler.builder().grammar(model.vocab(), YES_NO, "root").greedy().build();
        float[] l = Logits.flat(model.vocab().size());
        model.close();
        assertThrows(IllegalStateException.class, () -> s.sample(l), "the grammar would read a freed vocabulary");
        s.close();
    }
}
