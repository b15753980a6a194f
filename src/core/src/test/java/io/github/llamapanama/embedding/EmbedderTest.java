package io.github.llamapanama.embedding;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PoolingType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmbedderTest {

    @Test
    void embeddingsAreNormalisedDeterministicAndIndependentOfBatching() {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Embedder embedder = Embedder.create(model, PoolingType.MEAN)) {
            assertEquals(model.embeddingSize(), embedder.dimensions());
            assertEquals(PoolingType.MEAN, embedder.pooling());
            List<float[]> batch = embedder.embed(List.of("a cat", "a dog on a mat", "a cat"), true);
            assertEquals(3, batch.size());
            for (float[] v : batch) {
                double norm = 0;
                for (float x : v) {
                    norm += x * x;
                }
                assertEquals(1.0, Math.sqrt(norm), 1e-4);
            }
            assertArrayEquals(batch.get(0), batch.get(2), 1e-5f);
            assertFalse(java.util.Arrays.equals(batch.get(0), batch.get(1)));
            assertArrayEquals(embedder.embed("a dog on a mat", true), batch.get(1), 1e-4f);
            assertThrows(IllegalArgumentException.class, () -> embedder.embed("", true));
        }
    }

    @Test
    void aCausalModelWithoutPoolingGetsMean() {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Embedder embedder = Embedder.create(model, PoolingType.UNSPECIFIED)) {
            assertEquals(PoolingType.MEAN, embedder.pooling());
        }
    }
}
