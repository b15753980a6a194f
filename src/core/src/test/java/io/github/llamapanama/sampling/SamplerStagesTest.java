package io.github.llamapanama.sampling;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Filtering and selecting stages on crafted distributions. */
class SamplerStagesTest {
    private static final int DRAWS = 3000;

    private static int[] histogram(Sampler s, float[] logits) {
        int[] counts = new int[logits.length];
        for (int i = 0; i < DRAWS; i++) {
            int t = s.sample(logits);
            assertTrue(t >= 0 && t < logits.length, "valid id: " + t);
            counts[t]++;
        }
        return counts;
    }

    @Test
    void minPRemovesTokensBelowPTimesTheMax() {
        float[] l = Logits.ofProbabilities(10, 0.5, 0.25, 0.1, 0.04, 0.04, 0.04, 0.03);
        try (Sampler s = Sampler.builder().minP(0.1f, 1).dist(1).build()) {
            int[] c = histogram(s, l);
            assertTrue(c[0] > 0 && c[1] > 0 && c[2] > 0, "p >= 0.1 * 0.5 stays");
            for (int t = 3; t < 10; t++) {
                assertEquals(0, c[t], "token " + t + " is below 0.05");
            }
        }
        try (Sampler s = Sampler.builder().minP(0.9f, 3).dist(1).build()) {
            int[] c = histogram(s, l);
            assertTrue(c[0] > 0 && c[1] > 0 && c[2] > 0, "minKeep 3 keeps three");
            assertEquals(0, c[3]);
        }
    }

    @Test
    void topPKeepsTheNucleus() {
        float[] l = Logits.ofProbabilities(6, 0.5, 0.3, 0.15, 0.05);
        try (Sampler s = Sampler.builder().topP(0.6f, 1).dist(2).build()) {
            int[] c = histogram(s, l);
            assertTrue(c[0] > 0 && c[1] > 0);
            assertEquals(0, c[2] + c[3], "0.5 + 0.3 >= 0.6: the rest goes");
        }
    }

    @Test
    void typicalKeepsTheTokenNearestTheEntropy() {
        double[] p = {0.4, 0.3, 0.2, 0.1};
        double entropy = 0;
        for (double x : p) {
            entropy -= x * Math.log(x);
        }
        int expected = 0;
        for (int i = 1; i < p.length; i++) {
            if (Math.abs(-Math.log(p[i]) - entropy) < Math.abs(-Math.log(p[expected]) - entropy)) {
                expected = i;
            }
        }
        float[] l = Logits.ofProbabilities(4, p);
        try (Sampler s = Sampler.builder().typical(0.01f, 1).dist(3).build()) {
            int[] c = histogram(s, l);
            assertEquals(DRAWS, c[expected], "only the most typical token (" + expected + ") is left");
        }
        try (Sampler s = Sampler.builder().typical(1f, 1).dist(3).build()) {
            int[] c = histogram(s, l);
            for (int t = 0; t < 4; t++) {
                assertTrue(c[t] > 0, "typical 1 is off");
            }
        }
    }

    @Test
    void xtcExcludesTheTopChoices() {
        float[] l = Logits.ofProbabilities(5, 0.4, 0.3, 0.2, 0.06, 0.04);
        try (Sampler s = Sampler.builder().xtc(1f, 0.15f, 1, 5).dist(5).build()) {
            int[] c = histogram(s, l);
            assertEquals(0, c[0] + c[1], "all above the threshold but the least likely of them go");
            assertTrue(c[2] > 0 && c[3] > 0 && c[4] > 0);
        }
        try (Sampler s = Sampler.builder().xtc(0f, 0.15f, 1, 5).dist(5).build()) {
            assertTrue(histogram(s, l)[0] > 0, "probability 0: off");
        }
        try (Sampler s = Sampler.builder().xtc(1f, 0.6f, 1, 5).dist(5).build()) {
            assertTrue(histogram(s, l)[0] > 0, "threshold > 0.5: off");
        }
    }

    @Test
    void topNSigmaKeepsLogitsNearTheTop() {
        float[] l = Logits.flat(100);
        l[0] = 10f;
        l[1] = 9.5f;
        try (Sampler s = Sampler.builder().topNSigma(1f).temperature(50f).dist(6).build()) {
            int[] c = histogram(s, l);
            assertEquals(DRAWS, c[0] + c[1], "within 1 sigma (~1.4) of 10: tokens 0 and 1");
        }
        try (Sampler s = Sampler.builder().topNSigma(-1f).temperature(50f).dist(6).build()) {
            int[] c = histogram(s, l);
            assertTrue(c[0] + c[1] < DRAWS, "n <= 0: off");
        }
    }

    @Test
    void mirostatV2FollowsItsTargetSurprise() {
        float[] l = Logits.random(50, 9);
        try (Sampler low = Sampler.builder().mirostatV2(4, 0.01f, 0.1f).build()) {
            for (int i = 0; i < 100; i++) {
                assertEquals(Logits.argmax(l), low.sample(l), "tau near 0 truncates to the top token");
            }
        }
        try (Sampler high = Sampler.builder().mirostatV2(4, 10f, 0.1f).build()) {
            assertTrue(distinct(histogram(high, l)) > 20, "a high tau keeps most candidates");
        }
    }

    @Test
    void mirostatFollowsItsTargetSurprise() {
        float[] l = new float[200];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) (-1.5 * Math.log(i + 1)); // Zipf-like, as mirostat assumes
        }
        try (Sampler low = Sampler.builder().mirostat(l.length, 4, 0.05f, 0.1f, 100).build()) {
            int[] c = histogram(low, l);
            assertTrue(c[0] > DRAWS * 0.9, "tau near 0: almost always the top token, was " + c[0]);
        }
        // tau near the distribution's entropy (3.8 bits); a tau it can never reach makes mu grow
        // until llama.cpp's k overflows, and mirostat degenerates to greedy
        try (Sampler high = Sampler.builder().mirostat(l.length, 4, 3.5f, 0.1f, 100).build()) {
            assertTrue(distinct(histogram(high, l)) > 20, "a high tau samples widely");
        }
        try (Sampler a = Sampler.builder().mirostat(l.length, 77, 3f, 0.1f, 100).build();
             Sampler b = Sampler.builder().mirostat(l.length, 77, 3f, 0.1f, 100).build()) {
            for (int i = 0; i < 200; i++) {
                assertEquals(a.sample(l), b.sample(l), "same seed, same picks");
            }
            assertEquals(77, a.seed());
        }
    }

    @Test
    void dynamicTemperatureStaysInRange() {
        float[] l = Logits.random(100, 4);
        try (Sampler s = Sampler.builder().dynamicTemperature(0f, 0f, 1f).dist(1).build()) {
            assertEquals(DRAWS, histogram(s, l)[Logits.argmax(l)], "t 0 and no range: greedy");
        }
        try (Sampler s = Sampler.builder().dynamicTemperature(1f, 0.5f, 1f).dist(1).build()) {
            assertTrue(distinct(histogram(s, l)) > 10);
        }
    }

    private static int distinct(int[] counts) {
        Set<Integer> seen = new HashSet<>();
        for (int t = 0; t < counts.length; t++) {
            if (counts[t] > 0) {
                seen.add(t);
            }
        }
        return seen.size();
    }
}
