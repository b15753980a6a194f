package io.github.llamapanama.vision.tiling;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The candidate order reproduces CPython's {@code sorted(set(...), key=product)}. */
class TargetRatiosTest {

    private static String line(int min, int max) {
        return min + " " + max + " " + TargetRatios.of(min, max).stream()
                .map(TileGrid::toString).collect(Collectors.joining(" "));
    }

    @Test
    void tupleHashIsCPythons() {
        // hash((1, 2)), hash((12, 1)), hash((0, 0)) printed by CPython 3.11 (64-bit)
        assertEquals(-3550055125485641917L, CPythonPairSet.tupleHash(1, 2));
        assertEquals(-7907666742645488893L, CPythonPairSet.tupleHash(12, 1));
        assertEquals(-8458139203682520985L, CPythonPairSet.tupleHash(0, 0));
    }

    @Test
    void orderMatchesCPythonUpTo16Tiles() {
        List<String> expected = TestImages.resourceLines("cpython-grid-order.txt");
        assertEquals(16 * 17 / 2, expected.size());
        for (String want : expected) {
            String[] f = want.split(" ", 3);
            assertEquals(want, line(Integer.parseInt(f[0]), Integer.parseInt(f[1])));
        }
    }

    @Test
    void orderMatchesCPythonUpTo64Tiles() throws Exception {
        // SHA-256 of the same lines for every 1 <= min <= max <= 64 (2080 lines, ~1 MB), printed
        // by CPython 3.11: the set grows through several table resizes on the way.
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int max = 1; max <= 64; max++) {
            for (int min = 1; min <= max; min++) {
                sha.update((line(min, max) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        assertEquals("f97a8f9ddf89ed9f57b1692ea66fddc5005b274fb357c9606c2f73600c12b22b",
                HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void modelCardCandidates() {
        assertEquals("1 12 1x1 1x2 2x1 3x1 1x3 2x2 4x1 1x4 5x1 1x5 1x6 6x1 3x2 2x3 7x1 1x7 4x2 2x4 1x8 8x1"
                + " 1x9 3x3 9x1 2x5 5x2 10x1 1x10 11x1 1x11 12x1 3x4 4x3 1x12 6x2 2x6", line(1, 12));
    }
}
