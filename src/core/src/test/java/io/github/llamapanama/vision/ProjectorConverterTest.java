package io.github.llamapanama.vision;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.QuantFormat;
import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFileType;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A projector converted to BF16 or Q8_0 loads in mtmd and encodes an image to embeddings within
 * the quality bound of the vision issue (cosine >= 0.999 against the F16 file); the patch
 * embedding stays F16 and the small tensors keep their types.
 */
class ProjectorConverterTest {
    @TempDir
    Path dir;

    private static float[] encode(Model model, Path mmproj) {
        try (Projector projector = Projector.load(mmproj, model)) {
            return FirstImage.embeddings(projector);
        }
    }

    /** llama.cpp's own path: the file's F16 matrices and F32 attention, whatever the CPU. */
    private static float[] encodeAsLlamaCpp(Model model, Path mmproj) {
        try (Projector projector = Projector.load(mmproj, model, ProjectorParams.defaults().withBf16(false))) {
            return FirstImage.embeddings(projector);
        }
    }

    @Test
    void bf16AndQ8_0EncodeLikeTheF16File() throws Exception {
        Path f16 = Fixtures.tinyInternVlMmproj();
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            float[] reference = encodeAsLlamaCpp(model, f16);
            for (GgufType target : List.of(GgufType.BF16, GgufType.Q8_0)) {
                Path out = dir.resolve("mmproj-" + target + ".gguf");
                ProjectorConverter.Result r = ProjectorConverter.convert(f16, out, target);
                assertTrue(r.converted() > 0, target.toString());
                assertFalse(r.exact(), "random F16 weights are not all BF16 values");
                try (GgufFile gguf = GgufFile.open(out)) {
                    assertEquals(GgufType.F16, gguf.tensor("v.patch_embd.weight").orElseThrow().type());
                    assertTrue(gguf.tensors().stream().filter(t -> t.name().startsWith("v.blk.") && t.shape().length == 2
                            && t.name().endsWith(".weight")).allMatch(t -> t.type() == target), target.toString());
                    assertTrue(gguf.tensors().stream().filter(t -> t.shape().length == 1)
                            .allMatch(t -> t.type() == GgufType.F32), "1-d tensors keep F32");
                    assertEquals(target == GgufType.BF16 ? GgufFileType.MOSTLY_BF16 : GgufFileType.MOSTLY_Q8_0,
                            gguf.fileType().orElseThrow());
                }
                float[] converted = encode(model, out);
                double cos = FirstImage.cosine(reference, converted);
                double worst = FirstImage.worstRelativeError(reference, converted);
                System.out.printf("%s projector: cosine %.6f, worst relative error %.4f%n", target, cos, worst);
                assertTrue(cos >= 0.999, target + ": cosine " + cos);
            }
        }
    }

    /**
     * The InternVL3-1B shape (64-wide heads): converted to BF16, the encoder also runs KQ in BF16
     * (fix 8 in cmake/llama-cpp-fixes.cmake), and the tile's embeddings stay within the bound.
     */
    @Test
    void theOneBShapedProjectorInBf16EncodesLikeTheF16File() throws Exception {
        Path f16 = Fixtures.internVl3ShapeMmproj();
        Path bf16 = dir.resolve("mmproj-1b-BF16.gguf");
        ProjectorConverter.convert(f16, bf16, GgufType.BF16);
        try (Model model = Model.load(Fixtures.internVl3Shape(QuantFormat.Q4_K_M))) {
            float[] reference = encodeAsLlamaCpp(model, f16);
            float[] converted = encode(model, bf16);
            double cos = FirstImage.cosine(reference, converted);
            double worst = FirstImage.worstRelativeError(reference, converted);
            System.out.printf("1B-shaped BF16 projector: cosine %.6f, worst relative error %.4f%n", cos, worst);
            assertTrue(cos >= 0.999, "cosine " + cos);
        }
    }

    @Test
    void anF16FileFromBf16WeightsConvertsExactly() throws Exception {
        Path bf16 = dir.resolve("bf16.gguf");
        ProjectorConverter.convert(Fixtures.tinyInternVlMmproj(), bf16, GgufType.BF16);
        Path back = dir.resolve("f16.gguf");
        ProjectorConverter.convert(bf16, back, GgufType.F16);
        ProjectorConverter.Result again = ProjectorConverter.convert(back, dir.resolve("bf16-again.gguf"), GgufType.BF16);
        assertTrue(again.exact(), "BF16 values survive F16 and come back exactly");
    }

    @Test
    void q8_0RoundsAsGgml() {
        float[] x = new float[32];
        x[0] = 127f;
        x[1] = -63.5f; // ties round away from zero, as roundf
        x[2] = 0.49f;
        byte[] block = new byte[34];
        ProjectorConverter.quantizeQ8_0(x, 0, block);
        assertEquals(Float.floatToFloat16(1.0f), (short) ((block[0] & 0xff) | (block[1] << 8)));
        assertEquals(127, block[2]);
        assertEquals(-64, block[3]);
        assertEquals(0, block[4]);
    }

    @Test
    void q4_0RoundsAsGgml() {
        float[] x = new float[32];
        x[0] = 1f;
        x[5] = -16f; // the value of largest magnitude sets the scale: d = -16 / -8 = 2
        x[16] = 3f;  // 3 / 2 + 8.5 = 10 (truncated), in the high nibble of byte 0
        x[17] = -15.5f; // -7.75 + 8.5 = 0.75 -> 0
        byte[] block = new byte[18];
        ProjectorConverter.quantizeQ4_0(x, 0, block);
        assertEquals(Float.floatToFloat16(2.0f), (short) ((block[0] & 0xff) | (block[1] << 8)));
        assertEquals(9 | 10 << 4, block[2] & 0xff); // 1 / 2 + 8.5 = 9
        assertEquals(8 | 0 << 4, block[3] & 0xff); // x[1] = 0 -> 8; x[17] -> 0
        assertEquals(0, block[7] & 0x0f); // x[5] = -16 -> -8 + 8.5 = 0
    }

    @Test
    void refusesWhatIsNotAProjectorOrNotATarget() {
        Path out = dir.resolve("x.gguf");
        assertThrows(IllegalArgumentException.class,
                () -> ProjectorConverter.convert(Fixtures.tinyQwen2(), out, GgufType.Q8_0));
        assertThrows(IllegalArgumentException.class,
                () -> ProjectorConverter.convert(Fixtures.tinyInternVlMmproj(), out, GgufType.Q6_K));
    }
}
