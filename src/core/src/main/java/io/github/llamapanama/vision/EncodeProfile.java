package io.github.llamapanama.vision;

import io.github.llamapanama.internal.LlamaPanamaNative;

import java.util.Objects;

/**
 * Where the image encodes of some work spent their time: each node of the encoder's graph timed
 * on its own (ggml computes it alone, so the sum runs a little above an unprofiled encode), and
 * added to the linear layers (matrix products with the projector's weights), attention (products
 * of two activations, and softmax) or the rest (norms, activations, copies, the patch embedding's
 * convolution). One profile at a time in a JVM; encodes on other threads meanwhile are counted too.
 *
 * @param linearMillis    time in matrix products with weights
 * @param attentionMillis time in the products of attention and its softmax
 * @param restMillis      time in every other node
 * @param nodes           the nodes timed
 */
public record EncodeProfile(double linearMillis, double attentionMillis, double restMillis, long nodes) {

    private static final Object LOCK = new Object();

    public double totalMillis() {
        return linearMillis + attentionMillis + restMillis;
    }

    /** Runs {@code work} (which encodes images, through any API) with every encoder node timed. */
    public static EncodeProfile of(Runnable work) {
        Objects.requireNonNull(work, "work");
        synchronized (LOCK) {
            LlamaPanamaNative.encodeProfileStart();
            long[] r;
            try {
                work.run();
            } finally {
                r = LlamaPanamaNative.encodeProfileStop();
            }
            return new EncodeProfile(r[0] / 1e3, r[1] / 1e3, r[2] / 1e3, r[3] + r[4] + r[5]);
        }
    }
}
