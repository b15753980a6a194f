package io.github.llamapanama.sampling;

import io.github.llamapanama.model.Vocab;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DRY with real sequence breakers (they are tokenized with the vocabulary). */
class DrySamplerTest {
    private final Vocab vocab = Gpt2Vocab.get();

    /** Logits preferring token 12 (which would extend the repetition) over 13. */
    private float[] logits() {
        float[] l = Logits.flat(vocab.size());
        l[12] = 3f;
        l[13] = 0.5f;
        return l;
    }

    private int afterHistory(Sampler s, int... history) {
        for (int t : history) {
            s.accept(t);
        }
        return s.sample(logits());
    }

    @Test
    void penalisesTokensThatExtendARepetition() {
        List<String> breakers = SamplingParams.DEFAULT_DRY_SEQUENCE_BREAKERS;
        try (Sampler s = Sampler.builder().dry(vocab, 5f, 1.75f, 2, 64, breakers).greedy().build()) {
            // "+ , - + ," : a '-' now would repeat "+ , -" (length 2 >= allowed 2): penalty 5 * 1.75^0
            assertEquals(13, afterHistory(s, 10, 11, 12, 10, 11));
        }
        try (Sampler s = Sampler.builder().dry(vocab, 5f, 1.75f, 2, 64, breakers).greedy().build()) {
            assertEquals(12, afterHistory(s, 10, 11, 12, 10), "a repeat of 1 is allowed");
        }
        try (Sampler s = Sampler.builder().dry(vocab, 0f, 1.75f, 2, 64, breakers).greedy().build()) {
            assertEquals(12, afterHistory(s, 10, 11, 12, 10, 11), "multiplier 0: off");
        }
    }

    @Test
    void sequenceBreakersStopTheRepetition() {
        int colon = Gpt2Vocab.token(":");
        try (Sampler s = Sampler.builder().dry(vocab, 5f, 1.75f, 2, 64, List.of(":")).greedy().build()) {
            // the repeated run "+ : ," is cut at the breaker, so nothing long enough repeats
            assertEquals(12, afterHistory(s, 10, colon, 11, 12, 10, colon, 11));
        }
        try (Sampler s = Sampler.builder().dry(vocab, 5f, 1.75f, 2, 64, List.of("zzz")).greedy().build()) {
            assertEquals(13, afterHistory(s, 10, colon, 11, 12, 10, colon, 11), "without ':' as breaker");
        }
    }

    @Test
    void runsManySteps() {
        try (Sampler s = Sampler.builder().dry(vocab, 0.8f, 1.75f, 2, 128,
                List.of("\n", ":", "\"", "*", "a long breaker that is cut at forty characters by llama.cpp"))
                .topK(40).dist(3).build()) {
            float[] l = Logits.random(vocab.size(), 2);
            for (int i = 0; i < 300; i++) {
                int t = s.sample(l);
                assertTrue(t >= 0 && t < vocab.size());
            }
            try (Sampler c = s.copy()) {
                assertEquals(s.sample(l), c.sample(l), "the copy keeps the DRY history and the RNG");
            }
        }
    }

    @Test
    void minusOneNeedsATrainingContext() {
        // the vocabulary-only file reports n_ctx_train 0: llama.cpp would size its history to 0
        assertEquals(0, vocab.model().contextTrainLength());
        Sampler.Builder b = Sampler.builder().dry(vocab, 0.8f, 1.75f, 2, -1, List.of()).greedy();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("penaltyLastN"), e.getMessage());
        Sampler.builder().dry(vocab, 0f, 1.75f, 2, -1, List.of()).greedy().build().close(); // disabled: fine
    }
}
