package io.github.llamapanama.vision;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.QuantFormat;
import io.github.llamapanama.model.Model;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attention in BF16 for projectors whose matrices are not BF16 (fix 8 in
 * cmake/llama-cpp-fixes.cmake): on a CPU with BF16 dot products, the 1B-shaped F16 projector
 * (random, so not exact in BF16: its matrices stay F16) runs KQ and KQV in BF16, and its tile's
 * embeddings stay within the vision issue's bound of the F32 attention llama.cpp has.
 */
class Bf16AttentionTest {
    @Test
    void anF16ProjectorWithBf16AttentionEncodesAsWithout() {
        assumeTrue(Projector.bf16WeightsAvailable(), "needs a CPU variant with BF16 dot products");
        Path f16 = Fixtures.internVl3ShapeMmproj();
        ProjectorParams cpu = ProjectorParams.defaults().withUseGpu(false);
        try (Model model = Model.load(Fixtures.internVl3Shape(QuantFormat.Q4_K_M))) {
            float[] f32Attention;
            float[] bf16Attention;
            try (Projector p = Projector.load(f16, model, cpu.withBf16(false))) {
                assertFalse(p.weights().contains("attention in BF16"), p.weights());
                f32Attention = FirstImage.embeddings(p);
            }
            try (Projector p = Projector.load(f16, model, cpu)) {
                assertTrue(p.weights().contains("attention in BF16"), p.weights());
                assertTrue(p.weights().startsWith("F16 as in the file"), "random F16 weights stay F16: " + p.weights());
                bf16Attention = FirstImage.embeddings(p);
            }
            double cos = FirstImage.cosine(f32Attention, bf16Attention);
            System.out.printf("1B-shaped F16 projector, BF16 attention against F32: cosine %.6f, worst relative error %.4f%n",
                    cos, FirstImage.worstRelativeError(f32Attention, bf16Attention));
            assertTrue(cos >= 0.999, "cosine " + cos);
        }
    }
}
