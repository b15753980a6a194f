package io.github.llamapanama.vision.video;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSamplerTest {

    @Test
    void matchesTheModelCardsGetIndex() throws IOException {
        // frameCount;fps;bound|none;numSegments;indices, printed by the model card's get_index
        // (python3 + numpy) for model-card-like and random inputs, negative bounds and .5 ties.
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("frame-indices.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        }
        assertTrue(lines.size() > 400);
        for (String line : lines) {
            String[] f = line.split(";");
            double[] bound = f[2].equals("none") ? null
                    : Arrays.stream(f[2].split(",")).mapToDouble(Double::parseDouble).toArray();
            int[] expected = Arrays.stream(f[4].split(" ")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(expected, FrameSampler.indices(Integer.parseInt(f[0]), Double.parseDouble(f[1]), bound,
                    Integer.parseInt(f[3])), line);
        }
    }

    @Test
    void modelCardDefaultEightSegments() {
        // 300 frames at 30 fps, num_segments=8: seg 299/8 = 37.375
        assertArrayEquals(new int[] {18, 55, 93, 130, 168, 205, 242, 280},
                FrameSampler.indices(300, 30, null, 8));
    }

    @Test
    void roundsHalfToEven() {
        // start 0.5 s at 1 fps: round(0.5) = 0, end round(2.5) = 2: seg 0.5, midpoints 0.25 + {0, 0, 1, 2}
        // (np.round(0.5) = 0, np.round(1.5) = 2)
        assertArrayEquals(new int[] {0, 0, 1, 2}, FrameSampler.indices(10, 1.0, new double[] {0.5, 2.5}, 4));
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.indices(0, 30, null, 8));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.indices(10, 0, null, 8));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.indices(10, Double.NaN, null, 8));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.indices(10, Double.POSITIVE_INFINITY, null, 8));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.indices(10, 30, null, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.indices(10, 30, new double[] {1}, 8));
        assertThrows(IllegalArgumentException.class,
                () -> FrameSampler.indices(10, 30, new double[] {0, Double.NaN}, 8));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.indices(10, 30, new double[] {1e300, 2e300}, 8));
        assertEquals(1, FrameSampler.indices(1, 30, null, 1).length);
    }
}
