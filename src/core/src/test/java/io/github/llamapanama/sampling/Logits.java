package io.github.llamapanama.sampling;

import java.util.Arrays;
import java.util.Random;

/** Crafted logit vectors for the tests. */
final class Logits {
    private Logits() {}

    static float[] flat(int n) {
        return new float[n];
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) r.nextGaussian() * 2;
        }
        return l;
    }

    /** Logits whose softmax is {@code probs} (which should sum to 1); the rest -inf. */
    static float[] ofProbabilities(int n, double... probs) {
        float[] l = new float[n];
        Arrays.fill(l, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < probs.length; i++) {
            l[i] = (float) Math.log(probs[i]);
        }
        return l;
    }

    static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[best]) {
                best = i;
            }
        }
        return best;
    }
}
