package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import io.github.llamapanama.embedding.Embedder;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PoolingType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LangChain4jEmbeddingTest {

    @Test
    void embeddingsEqualTheLibrarysEmbedderAndHaveUnitLength() {
        List<String> texts = List.of("a red apple", "the river flows");
        List<float[]> expected;
        try (Model model = Model.load(Fixtures.tinyQwen2()); Embedder e = Embedder.create(model, PoolingType.UNSPECIFIED)) {
            expected = e.embed(texts, true);
        }
        try (LlamaEmbeddingModel model = LlamaEmbeddingModel.builder().modelPath(Fixtures.tinyQwen2()).build()) {
            List<Embedding> got = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
            assertEquals(2, got.size());
            assertEquals(model.dimension(), got.getFirst().dimension());
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected.get(i), got.get(i).vector(), 1e-5f);
                double norm = 0;
                for (float x : got.get(i).vector()) {
                    norm += x * x;
                }
                assertEquals(1.0, norm, 1e-4);
            }
        }
    }
}
