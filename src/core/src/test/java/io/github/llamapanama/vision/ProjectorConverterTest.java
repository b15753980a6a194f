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

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void bf16AndQ8_0EncodeLikeTheF16File() throws Exception {
        Path f16 = Fixtures.tinyInternVlMmproj();
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            float[] reference = encode(model, f16);
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
                double cos = cosine(reference, converted);
                double worst = 0;
                for (int i = 0; i < reference.length; i++) {
                    worst = Math.max(worst, Math.abs(converted[i] - reference[i]) / Math.max(1e-3, Math.abs(reference[i])));
                }
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
            float[] reference = encode(model, f16);
            float[] converted = encode(model, bf16);
            double cos = cosine(reference, converted);
            double worst = 0;
            for (int i = 0; i < reference.length; i++) {
                worst = Math.max(worst, Math.abs(converted[i] - reference[i]) / Math.max(1e-3, Math.abs(reference[i])));
            }
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
    void refusesWhatIsNotAProjectorOrNotATarget() {
        Path out = dir.resolve("x.gguf");
        assertThrows(IllegalArgumentException.class,
                () -> ProjectorConverter.convert(Fixtures.tinyQwen2(), out, GgufType.Q8_0));
        assertThrows(IllegalArgumentException.class,
                () -> ProjectorConverter.convert(Fixtures.tinyInternVlMmproj(), out, GgufType.Q4_0));
    }
}
