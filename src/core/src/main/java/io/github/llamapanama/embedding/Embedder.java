package io.github.llamapanama.embedding;

import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PoolingType;
import io.github.llamapanama.model.Vocab;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Text embeddings with a model's pooling, several texts per decode: texts are packed into one
 * batch as separate sequences, as llama.cpp's embedding example does.
 *
 * {@snippet :
 * try (Embedder embedder = Embedder.create(model, PoolingType.UNSPECIFIED)) {
 *     List<float[]> vectors = embedder.embed(List.of("a cat", "a dog"), true);
 * }
 * }
 */
public final class Embedder implements AutoCloseable {
    private final Context context;
    private final Batch batch;
    private final int dimensions;

    private Embedder(Context context) {
        this.context = context;
        this.batch = context.newBatch();
        this.dimensions = context.model().embeddingSize();
    }

    /**
     * An embedder with its own context. {@code pooling} UNSPECIFIED takes the model's pooling;
     * a model without one (a plain causal LM) gets MEAN.
     */
    public static Embedder create(Model model, PoolingType pooling) {
        return create(model, ContextParams.builder().pooling(pooling).build());
    }

    public static Embedder create(Model model, ContextParams params) {
        int n = Math.max(params.batchSize(), 512);
        ContextParams p = params.toBuilder().embeddings(true).batchSize(n).ubatchSize(n)
                .contextSize(Math.max(params.contextSize(), n)).maxSequences(Math.max(params.maxSequences(), 8)).build();
        Context context = model.newContext(p);
        if (context.pooling() == PoolingType.NONE) {
            context.close();
            context = model.newContext(p.toBuilder().pooling(PoolingType.MEAN).build());
        }
        return new Embedder(context);
    }

    public int dimensions() {
        return dimensions;
    }

    public PoolingType pooling() {
        return context.pooling();
    }

    /** Embeds each text (BOS/EOS as the model asks); {@code normalize}: scale to unit L2 length. */
    public List<float[]> embed(List<String> texts, boolean normalize) {
        Vocab vocab = context.model().vocab();
        List<float[]> out = new ArrayList<>(texts.size());
        List<int[]> pendingTokens = new ArrayList<>();
        int used = 0;
        for (String text : texts) {
            int[] tokens = vocab.tokenize(text, true, true);
            if (tokens.length == 0) {
                throw new IllegalArgumentException("text tokenizes to nothing: '" + text + "'");
            }
            if (tokens.length > batch.capacity()) {
                throw new IllegalArgumentException("text of " + tokens.length + " tokens exceeds the batch of "
                        + batch.capacity() + "; create the embedder with a larger batchSize");
            }
            if (used + tokens.length > batch.capacity() || pendingTokens.size() == context.maxSequences()) {
                flush(pendingTokens, normalize, out);
                used = 0;
            }
            pendingTokens.add(tokens);
            used += tokens.length;
        }
        try {
            flush(pendingTokens, normalize, out);
        } finally {
            LlamaPanamaNative.releaseComputeThreads();
        }
        return out;
    }

    public float[] embed(String text, boolean normalize) {
        return embed(List.of(text), normalize).getFirst();
    }

    private void flush(List<int[]> sequences, boolean normalize, List<float[]> out) {
        if (sequences.isEmpty()) {
            return;
        }
        context.kvCache().clear();
        batch.clear();
        for (int s = 0; s < sequences.size(); s++) {
            int[] tokens = sequences.get(s);
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], i, s, true);
            }
        }
        context.decode(batch);
        for (int s = 0; s < sequences.size(); s++) {
            MemorySegment e = context.sequenceEmbeddings(s);
            float[] v = e.toArray(ValueLayout.JAVA_FLOAT);
            if (normalize) {
                normalize(v);
            }
            out.add(v);
        }
        sequences.clear();
    }

    static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
    }

    @Override
    public void close() {
        batch.close();
        context.close();
    }
}
