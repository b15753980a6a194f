package io.github.llamapanama.gguf;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.QuantFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader and llama.cpp's gguf.cpp see the same keys, types and tensors in every file. */
class GgufNativeAgreementTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(QuantFormat.class)
    void tinyQwen2(QuantFormat format) throws IOException {
        try (GgufFile g = GgufFile.open(Fixtures.tinyQwen2(format))) {
            NativeGguf.assertAgrees(g);
            assertTrue(g.tensors().size() > 10);
        }
    }

    @Test
    void tinyMmproj() throws IOException {
        try (GgufFile g = GgufFile.open(Fixtures.tinyInternVlMmproj())) {
            NativeGguf.assertAgrees(g);
        }
    }

    @Test
    void writerOutputWithEveryValueTypeAndAlignment() throws IOException {
        for (int alignment : List.of(1, 32, 64, 256)) {
            Path file = dir.resolve("a" + alignment + ".gguf");
            GgufWriter w = new GgufWriter();
            GgufRoundTripTest.everyValueType().forEach(w::put);
            w.put("general.alignment", GgufValue.uint32(alignment));
            for (GgufType t : GgufType.values()) {
                long[] shape = {t.blockSize(), 3};
                byte[] bytes = new byte[(int) t.byteSize(shape)];
                w.addTensor("t." + t.ggmlName(), t, shape, s -> s.putBytes(bytes, 0, bytes.length));
            }
            w.write(file);
            try (GgufFile g = GgufFile.open(file)) {
                NativeGguf.assertAgrees(g);
                assertEquals(alignment, g.alignment());
            }
        }
    }
}
