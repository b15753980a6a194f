package io.github.llamapanama.hub;

import java.util.SplittableRandom;

/** Deterministic pseudo-random content, so fixtures need no files. */
final class TestBytes {
    /** A few MB, and not a multiple of any buffer size. */
    static final int MODEL_SIZE = 3 * 1024 * 1024 + 12_345;

    private TestBytes() {}

    static byte[] of(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }
}
