package io.github.llamapanama.spring;

import io.github.llamapanama.provider.LocalModel;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

import java.util.ArrayList;
import java.util.List;

/** A Spring AI {@link EmbeddingModel}: unit-length vectors with the model's pooling. Thread-safe. */
public final class LlamaEmbeddingModel implements EmbeddingModel {
    private final LocalModel model;

    public LlamaEmbeddingModel(LocalModel model) {
        this.model = model;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<float[]> vectors = model.embed(request.getInstructions(), true);
        List<Embedding> out = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            out.add(new Embedding(vectors.get(i), i));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        String text = document.getText();
        if (text == null) {
            throw new IllegalArgumentException("the document has no text to embed");
        }
        return model.embed(List.of(text), true).getFirst();
    }

    @Override
    public int dimensions() {
        return model.embeddingDimensions();
    }
}
