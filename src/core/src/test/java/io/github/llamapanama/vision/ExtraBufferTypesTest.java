package io.github.llamapanama.vision;

import io.github.llamapanama.Llama;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A projector's matrices in the CPU's extra buffer types (fix 9 in cmake/llama-cpp-fixes.cmake):
 * a Q4_0 projector's matrices are repacked for the AVX2 kernels (CPU_AARCH64, as ggml names it on
 * every architecture) and encode an image as the same file without them does; F16 matrices stay
 * where they were on CPUs without AMX; the opt-out keeps everything in the default buffer.
 */
class ExtraBufferTypesTest {
    /** The x86 variants ggml builds without AVX2, for which nothing is repacked. */
    private static final Set<String> NO_AVX2 = Set.of("x64", "sse42", "sandybridge");

    @TempDir
    Path dir;

    private static boolean repacks() {
        String variant = Llama.cpuVariant().orElse("");
        return !variant.isEmpty() && !NO_AVX2.contains(variant) && !variant.equals("sapphirerapids");
    }

    @Test
    void aQ4_0ProjectorRunsRepackedAndEncodesAsWithout() throws Exception {
        assumeTrue(repacks(), "repacked Q4_0 needs an AVX2 variant without AMX, not " + Llama.cpuVariant());
        Path q4 = dir.resolve("mmproj-Q4_0.gguf");
        ProjectorConverter.convert(Fixtures.tinyInternVlMmproj(), q4, GgufType.Q4_0);
        ProjectorParams cpu = ProjectorParams.defaults().withUseGpu(false);
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            float[] plain;
            float[] repacked;
            try (Projector p = Projector.load(q4, model, cpu.withExtraBufferTypes(false))) {
                assertTrue(p.weights().endsWith("extra buffer types turned off"), p.weights());
                plain = FirstImage.embeddings(p);
            }
            try (Projector p = Projector.load(q4, model, cpu)) {
                assertTrue(p.weights().matches(".*; \\d+ matrices \\([0-9.]+ MiB\\) in CPU_AARCH64"), p.weights());
                repacked = FirstImage.embeddings(p);
            }
            float[] f16;
            try (Projector p = Projector.load(Fixtures.tinyInternVlMmproj(), model, cpu.withBf16(false))) {
                assertFalse(p.weights().contains(" matrices ("), "F16 matrices have no repacked kernels: " + p.weights());
                f16 = FirstImage.embeddings(p);
            }
            assertEquals(plain.length, repacked.length);
            double cos = FirstImage.cosine(plain, repacked);
            System.out.printf("Q4_0 projector repacked against not: cosine %.6f, worst relative error %.4f;"
                            + " against the F16 file: cosine %.6f%n", cos, FirstImage.worstRelativeError(plain, repacked),
                    FirstImage.cosine(f16, repacked));
            assertTrue(cos >= 0.999, "cosine " + cos);
        }
    }
}
