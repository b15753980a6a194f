package io.github.llamapanama.vision;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An F16 projector runs from an exact BF16 copy where the CPU has BF16 dot products, and only
 * then: a file with a value BF16 cannot hold, a CPU without them, or the opt-out keep the file's
 * weights. The BF16 copy encodes exactly as a BF16 file does.
 */
class Bf16WeightsTest {
    @TempDir
    Path dir;

    private static float[] encode(Model model, Path mmproj, ProjectorParams params, String[] weights) {
        try (Projector projector = Projector.load(mmproj, model, params)) {
            weights[0] = projector.weights();
            return FirstImage.embeddings(projector);
        }
    }

    @Test
    void anExactF16FileRunsInBf16OnlyWhereTheCpuHasIt() {
        // F16 weights that came from BF16, as InternVL3's were
        Path bf16 = dir.resolve("bf16.gguf");
        ProjectorConverter.convert(Fixtures.tinyInternVlMmproj(), bf16, GgufType.BF16);
        Path f16 = dir.resolve("f16-from-bf16.gguf");
        ProjectorConverter.convert(bf16, f16, GgufType.F16);
        boolean cpuHasBf16 = Projector.bf16WeightsAvailable();
        String[] weights = new String[1];
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            ProjectorParams params = ProjectorParams.defaults();
            float[] fromBf16File = encode(model, bf16, params, weights);
            float[] fromF16File = encode(model, f16, params, weights);
            assertTrue(weights[0].startsWith(cpuHasBf16 ? "BF16, converted exactly" : "as in the file"), weights[0]);
            if (cpuHasBf16) { // the second load takes the cached copy
                encode(model, f16, params, weights);
                assertTrue(weights[0].contains("earlier"), weights[0]);
            }
            if (cpuHasBf16) {
                assertArrayEquals(fromBf16File, fromF16File, "the converted copy runs as the BF16 file does");
            }
            encode(model, f16, params.withBf16(false), weights);
            assertTrue(weights[0].contains("turned off"), weights[0]);
            encode(model, Fixtures.tinyInternVlMmproj(), params, weights); // random F16: not all BF16 values
            assertFalse(weights[0].startsWith("BF16"), weights[0]);
        }
    }

    @Test
    void exactnessIsCheckedPerValue() {
        short one = Float.floatToFloat16(1.0f);              // 1.0 is a BF16 value
        short oneAndABit = (short) (one | 1);                 // the lowest F16 mantissa bit set: not one
        assertTrue(Bf16Weights.exactInBf16(MemorySegment.ofArray(new short[] {one, 0, (short) 0x8000})));
        assertFalse(Bf16Weights.exactInBf16(MemorySegment.ofArray(new short[] {one, oneAndABit})));
    }
}
