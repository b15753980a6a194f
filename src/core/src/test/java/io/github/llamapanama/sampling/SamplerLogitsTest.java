package io.github.llamapanama.sampling;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling from caller-supplied logits: what each basic stage does to the pick. */
class SamplerLogitsTest {

    private static int[] draws(Sampler s, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(logits);
        }
        return out;
    }

    @Test
    void greedyPicksTheArgmax() {
        try (Sampler s = Sampler.builder().greedy().build()) {
            for (long seed = 0; seed < 50; seed++) {
                float[] l = Logits.random(500, seed);
                assertEquals(Logits.argmax(l), s.sample(l));
            }
        }
    }

    @Test
    void topKOneThenDistIsGreedy() {
        try (Sampler s = Sampler.builder().topK(1).dist(Sampler.RANDOM_SEED).build()) {
            for (long seed = 0; seed < 200; seed++) {
                float[] l = Logits.random(300, seed);
                assertEquals(Logits.argmax(l), s.sample(l));
            }
        }
    }

    @Test
    void temperatureZeroOrBelowKeepsOnlyTheMostLikelyToken() {
        float[] l = Logits.random(100, 7);
        for (float t : new float[] {0f, -1f}) {
            try (Sampler s = Sampler.builder().temperature(t).dist(Sampler.RANDOM_SEED).build()) {
                for (int pick : draws(s, l, 500)) {
                    assertEquals(Logits.argmax(l), pick, "temperature " + t);
                }
            }
        }
        try (Sampler hot = Sampler.builder().temperature(100f).dist(3).build()) {
            Set<Integer> seen = new HashSet<>();
            for (int pick : draws(hot, l, 500)) {
                seen.add(pick);
            }
            assertTrue(seen.size() > 20, "a high temperature spreads the picks: " + seen.size());
        }
    }

    @Test
    void minusInfinityLogitBiasBansAToken() {
        float[] l = Logits.flat(8);
        l[5] = 10f;
        try (Sampler s = Sampler.builder().logitBias(8, Map.of(5, Float.NEGATIVE_INFINITY)).greedy().build()) {
            assertNotEquals(5, s.sample(l));
        }
        try (Sampler s = Sampler.builder().logitBias(8, Map.of(3, Float.NEGATIVE_INFINITY, 1, 2f)).dist(11).build()) {
            int[] counts = new int[8];
            for (int pick : draws(s, Logits.flat(8), 4000)) {
                counts[pick]++;
            }
            assertEquals(0, counts[3], "banned");
            assertTrue(counts[1] > counts[0] * 3, "a +2 bias makes token 1 about e^2 times as likely");
        }
    }

    @Test
    void penaltiesChangeThePickAfterAccept() {
        float[] l = Logits.flat(10);
        l[0] = 2.0f;
        l[1] = 1.9f;
        try (Sampler s = Sampler.builder().penalties(64, 2f, 0f, 0f).greedy().build()) {
            assertEquals(0, s.sample(l), "nothing to penalise yet");
            assertEquals(1, s.sample(l), "token 0 was accepted by the first sample: 2.0 / 2 < 1.9");
            s.reset();
            assertEquals(0, s.sample(l), "reset forgets the history");
        }
        try (Sampler s = Sampler.builder().penalties(64, 1f, 0f, 0.5f).greedy().build()) {
            s.accept(0);
            assertEquals(1, s.sample(l), "presence penalty 0.5: 2.0 - 0.5 < 1.9");
        }
        try (Sampler s = Sampler.builder().penalties(0, 2f, 1f, 1f).greedy().build()) {
            s.accept(0);
            assertEquals(0, s.sample(l), "lastN 0 disables the penalties");
        }
    }

    @Test
    void sameSeedSameSequenceDifferentSeedDifferent() {
        float[] l = Logits.flat(100);
        int[] a;
        int[] b;
        int[] c;
        try (Sampler s1 = Sampler.builder().dist(1234).build();
             Sampler s2 = Sampler.builder().dist(1234).build();
             Sampler s3 = Sampler.builder().dist(4321).build()) {
            a = draws(s1, l, 1000);
            b = draws(s2, l, 1000);
            c = draws(s3, l, 1000);
            assertEquals(1234, s1.seed());
        }
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void resetReseedsDist() {
        float[] l = Logits.flat(50);
        try (Sampler s = Sampler.builder().topK(40).dist(99).build()) {
            int[] first = draws(s, l, 200);
            s.reset();
            assertArrayEquals(first, draws(s, l, 200), "a fixed seed restarts the same sequence");
            assertEquals(99, s.seed());
        }
        try (Sampler s = Sampler.builder().dist(Sampler.RANDOM_SEED).build()) {
            long drawn = s.seed();
            assertNotEquals(Sampler.RANDOM_SEED, drawn, "seed() reports the seed llama.cpp drew");
            s.reset();
            assertNotEquals(drawn, s.seed(), "RANDOM_SEED draws a new seed on reset");
        }
        try (Sampler s = Sampler.builder().greedy().build()) {
            assertEquals(Sampler.RANDOM_SEED, s.seed(), "no random stage: LLAMA_DEFAULT_SEED");
        }
    }

    @Test
    void segmentAndArrayGiveTheSamePicks() {
        float[] l = Logits.random(1000, 5);
        try (Arena arena = Arena.ofConfined();
             Sampler a = Sampler.builder().topK(20).temperature(0.7f).dist(8).build();
             Sampler b = Sampler.builder().topK(20).temperature(0.7f).dist(8).build()) {
            MemorySegment native_ = arena.allocateFrom(ValueLayout.JAVA_FLOAT, l);
            MemorySegment heap = MemorySegment.ofArray(l);
            for (int i = 0; i < 100; i++) {
                int expected = a.sample(l);
                assertEquals(expected, b.sample(i % 2 == 0 ? native_ : heap));
            }
        }
    }

    @Test
    void perfCountsSamples() {
        float[] l = Logits.random(2000, 1);
        try (Sampler s = Sampler.builder().topK(10).dist(1).build()) {
            draws(s, l, 25);
            SamplerPerf perf = s.perf();
            assertEquals(25, perf.samples());
            assertTrue(perf.sampleMillis() >= 0);
            s.resetPerf();
            assertEquals(0, s.perf().samples());
        }
        try (Sampler s = Sampler.builder().noPerf(true).topK(10).dist(1).build()) {
            draws(s, l, 25);
            assertEquals(0.0, s.perf().sampleMillis(), "noPerf skips the timing");
        }
    }

    @Test
    void stageNamesAreLlamaCppNames() {
        try (Sampler s = Sampler.builder().logitBias(10, Map.of()).penalties(64, 1.1f, 0, 0).topNSigma(-1)
                .topK(40).typical(1, 1).topP(0.9f, 1).minP(0.05f, 1).xtc(0, 0.1f, 1, 1).temperature(0.8f)
                .dynamicTemperature(0.8f, 0.2f, 1).mirostatV2(1, 5, 0.1f).build()) {
            assertEquals(java.util.List.of("logit-bias", "penalties", "top-n-sigma", "top-k", "typical", "top-p",
                    "min-p", "xtc", "temp", "temp-ext", "mirostat-v2"), s.stageNames());
        }
    }
}
