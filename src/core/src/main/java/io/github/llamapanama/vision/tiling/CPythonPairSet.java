package io.github.llamapanama.vision.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * Iteration order of a CPython {@code set} of 2-tuples of small non-negative ints, built by
 * adding the tuples one by one, as {@code set(generator)} does.
 *
 * <p>{@code dynamic_preprocess} sorts {@code set(...)} by tile count only, so grids with the
 * same count keep the set's order, which its tie rule can observe. With {@code min_num} 1 it
 * never does: for same-count grids i1/j1 &lt; i2/j2 the grid i1 x j2 lies strictly between
 * them with fewer tiles, so they never tie for best (a brute-force check over max_num 1..12,
 * 16, 24, 32, 40 and every image up to 399x399, and 7x that, found CPython's order,
 * lexicographic and reverse order all pick the same grid). With {@code min_num} above 1 it
 * does: min 2, max 2, a 5x4 image: |1.25 - 1/2| == |1.25 - 2/1| and CPython's order decides.
 * So this replays CPython 3.8+ on a 64-bit build: the xxHash-style tuple hash and
 * {@code setobject.c}'s linear probing, perturbation and resize rule (checked against
 * CPython 3.11 for every 1 &lt;= min &lt;= max &lt;= 64). Older CPythons hash tuples differently.
 */
final class CPythonPairSet {
    private static final long XXPRIME_1 = 0x9E3779B185EBCA87L; // 11400714785074694791
    private static final long XXPRIME_2 = 0xC2B2AE3D27D4EB4FL; // 14029467366897019727
    private static final long XXPRIME_5 = 0x27D4EB2F165667C5L; // 2870177450012600261
    private static final int LINEAR_PROBES = 9;
    private static final int PERTURB_SHIFT = 5;
    private static final int MIN_SIZE = 8;

    private long[] hashes = new long[MIN_SIZE];
    private int[][] keys = new int[MIN_SIZE][];
    private int mask = MIN_SIZE - 1;
    private int used;

    /** {@code hash((a, b))} on CPython 3.8+ (64-bit), for ints {@code 0 <= a, b < 2**61 - 1}. */
    static long tupleHash(int a, int b) {
        long acc = XXPRIME_5;
        for (long lane : new long[] {a, b}) {
            acc += lane * XXPRIME_2;
            acc = Long.rotateLeft(acc, 31);
            acc *= XXPRIME_1;
        }
        acc += 2 ^ (XXPRIME_5 ^ 3527539L);
        return acc == -1 ? 1546275796L : acc;
    }

    /** {@code set.add((a, b))}: {@code set_add_entry} without deletions, so no dummy slots. */
    void add(int a, int b) {
        long hash = tupleHash(a, b);
        long perturb = hash;
        int i = (int) (hash & mask);
        while (true) {
            int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
            for (int j = i; j <= i + probes; j++) {
                int[] key = keys[j];
                if (key == null) {
                    keys[j] = new int[] {a, b};
                    hashes[j] = hash;
                    used++; // fill == used without deletions
                    if ((long) used * 5 >= (long) mask * 3) {
                        resize(used > 50000 ? used * 2 : used * 4);
                    }
                    return;
                }
                if (hashes[j] == hash && key[0] == a && key[1] == b) {
                    return;
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }

    /** {@code set_table_resize}: the smallest power of two above minUsed, refilled in slot order. */
    private void resize(int minUsed) {
        int size = MIN_SIZE;
        while (size <= minUsed) {
            size <<= 1;
        }
        long[] oldHashes = hashes;
        int[][] oldKeys = keys;
        hashes = new long[size];
        keys = new int[size][];
        mask = size - 1;
        for (int slot = 0; slot < oldKeys.length; slot++) {
            if (oldKeys[slot] != null) {
                insertClean(oldKeys[slot], oldHashes[slot]);
            }
        }
    }

    /** {@code set_insert_clean}: the first empty slot along the probe sequence. */
    private void insertClean(int[] key, long hash) {
        long perturb = hash;
        int i = (int) (hash & mask);
        while (true) {
            int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
            for (int j = i; j <= i + probes; j++) {
                if (keys[j] == null) {
                    keys[j] = key;
                    hashes[j] = hash;
                    return;
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }

    /** The pairs in iteration order (table slot order). */
    List<int[]> inOrder() {
        List<int[]> out = new ArrayList<>(used);
        for (int[] key : keys) {
            if (key != null) {
                out.add(key.clone());
            }
        }
        return out;
    }
}
