package io.github.llamapanama.model;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.QuantFormat;
import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFileType;
import io.github.llamapanama.gguf.GgufType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quantizing from Java writes the file llama-quantize of the same build writes, byte for byte. */
class QuantizerTest {
    @TempDir
    Path dir;

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void writesWhatLlamaQuantizeWrites() throws Exception {
        Path q8 = dir.resolve("q8.gguf");
        List<int[]> steps = new ArrayList<>();
        Quantizer.quantize(Fixtures.tinyQwen2(), q8, QuantizeParams.of(GgufFileType.MOSTLY_Q8_0).withThreads(2),
                (done, total) -> steps.add(new int[] {done, total}));
        assertEquals(sha256(Fixtures.tinyQwen2(QuantFormat.Q8_0)), sha256(q8));
        int tensors;
        try (GgufFile gguf = GgufFile.open(q8)) {
            tensors = gguf.tensors().size();
        }
        assertEquals(tensors, steps.size(), "one progress step per tensor");
        assertEquals(tensors, steps.getLast()[0]);
        assertEquals(tensors, steps.getLast()[1]);

        Path mixed = dir.resolve("q8-f16.gguf");
        Quantizer.quantize(Fixtures.tinyQwen2(), mixed,
                QuantizeParams.of(GgufFileType.MOSTLY_Q8_0).withEmbeddingsIn(GgufType.F16), null);
        assertEquals(sha256(Fixtures.tinyQwen2(QuantFormat.Q8_0_F16)), sha256(mixed));

        Path k = dir.resolve("q4km.gguf");
        Quantizer.quantize(Fixtures.tinyQwen2(), k, QuantizeParams.of(GgufFileType.MOSTLY_Q4_K_M), null);
        assertEquals(sha256(Fixtures.tinyQwen2(QuantFormat.Q4_K_M)), sha256(k));
        try (Model model = Model.load(k)) {
            assertTrue(model.vocab().tokenize("a cat", true, false).length > 0);
        }
    }

    @Test
    void refusesWhatWouldLoseQualityOrCannotWork() {
        Path out = dir.resolve("out.gguf");
        IllegalArgumentException requant = assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(
                Fixtures.tinyQwen2(QuantFormat.Q8_0), out, QuantizeParams.of(GgufFileType.MOSTLY_Q4_0), null));
        assertTrue(requant.getMessage().contains("already quantized"), requant.getMessage());
        IllegalArgumentException imatrix = assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(
                Fixtures.tinyQwen2(), out, QuantizeParams.of(GgufFileType.MOSTLY_IQ2_XXS), null));
        assertTrue(imatrix.getMessage().contains("importance matrix"), imatrix.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(
                Fixtures.tinyQwen2(), Fixtures.tinyQwen2(), QuantizeParams.of(GgufFileType.MOSTLY_Q8_0), null));
        ModelLoadException missing = assertThrows(ModelLoadException.class, () -> Quantizer.quantize(
                dir.resolve("missing.gguf"), out, QuantizeParams.of(GgufFileType.MOSTLY_Q8_0), null));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantizeParams.of(GgufFileType.MOSTLY_Q8_0).withThreads(-1));
    }
}
