package io.github.llamapanama.generation;

import io.github.llamapanama.model.Context;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** Log-softmax of a logits row, for {@link TokenLogprob}s (computed only when asked for). */
public final class Logprobs {
    /** OpenAI's limit for top_logprobs. */
    public static final int MAX_TOP = 20;

    private Logprobs() {
    }

    /**
     * The log-probability of {@code token} and the {@code top} most likely tokens at batch entry
     * {@code index} of the context's last decode (negative counts from the end).
     */
    public static TokenLogprob of(Context context, int index, int token, int top) {
        return of(context.logits(index), token, top);
    }

    /** The same from a row of n_vocab floats. */
    public static TokenLogprob of(MemorySegment logits, int token, int top) {
        int n = (int) (logits.byteSize() / Float.BYTES);
        if (token < 0 || token >= n) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + n);
        }
        top = Math.max(0, Math.min(Math.min(top, MAX_TOP), n));
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        double sum = 0;
        int[] ids = new int[top];
        float[] best = new float[top];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        Arrays.fill(ids, -1);
        for (int i = 0; i < n; i++) {
            float x = logits.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            sum += Math.exp((double) x - max);
            if (top > 0 && (x > best[top - 1] || ids[top - 1] < 0)) {
                int j = top - 1;
                while (j > 0 && (x > best[j - 1] || ids[j - 1] < 0)) {
                    best[j] = best[j - 1];
                    ids[j] = ids[j - 1];
                    j--;
                }
                best[j] = x;
                ids[j] = i;
            }
        }
        double logZ = max + Math.log(sum);
        float[] lp = new float[top];
        for (int j = 0; j < top; j++) {
            lp[j] = (float) (best[j] - logZ);
        }
        float chosen = (float) (logits.getAtIndex(ValueLayout.JAVA_FLOAT, token) - logZ);
        return new TokenLogprob(token, chosen, ids, lp);
    }
}
