package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import io.github.llamapanama.provider.LocalModel;

import java.util.ArrayList;
import java.util.List;

/**
 * A LangChain4j {@link EmbeddingModel}: unit-length embeddings with the model's pooling (MEAN
 * for a model without one), several texts per decode. Thread-safe: embedders are pooled like
 * the chat contexts of {@link LocalModel}.
 */
public final class LlamaEmbeddingModel implements EmbeddingModel, AutoCloseable {
    private final LocalModel model;
    private final boolean owned;

    private LlamaEmbeddingModel(Builder b) {
        ModelBuilder.Resolved r = b.resolve();
        this.model = r.model();
        this.owned = r.owned();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> texts = segments.stream().map(TextSegment::text).toList();
        List<float[]> vectors = model.embed(texts, true);
        List<Embedding> out = new ArrayList<>(vectors.size());
        vectors.forEach(v -> out.add(Embedding.from(v)));
        return Response.from(out, new TokenUsage(tokens(texts)));
    }

    private int tokens(List<String> texts) {
        int n = 0;
        for (String t : texts) {
            n += model.model().vocab().tokenize(t, true, true).length;
        }
        return n;
    }

    @Override
    public int dimension() {
        return model.embeddingDimensions();
    }

    @Override
    public String modelName() {
        return model.name();
    }

    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }

    public static final class Builder extends ModelBuilder<Builder> {
        private Builder() {}

        public LlamaEmbeddingModel build() {
            return new LlamaEmbeddingModel(this);
        }
    }
}
