package io.github.llamapanama.spark;

import io.github.llamapanama.embedding.Embedder;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.PoolingType;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The embedding of each row's text as an {@code array<float>} column {@code embedding} (and
 * {@code error}), with the model's pooling (MEAN for a model without one); texts of a partition
 * are embedded several per decode.
 */
public final class EmbeddingTransform implements Serializable {
    private final Settings settings;
    private final String textColumn;
    private final boolean normalize;
    private final PoolingType pooling;

    private EmbeddingTransform(Builder b) {
        this.settings = b.settings();
        this.textColumn = b.textColumn;
        this.normalize = b.normalize;
        this.pooling = b.pooling;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Dataset<Row> transform(Dataset<Row> input) {
        StructType schema = input.schema();
        Prompts texts = Prompts.of(schema, null, textColumn);
        return input.mapPartitions(new Run(settings, texts, normalize, pooling), Encoders.row(Outputs.embedding(schema)));
    }

    private record Run(Settings settings, Prompts texts, boolean normalize, PoolingType pooling)
            implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return Collections.emptyIterator();
            }
            ExecutorModels.Loaded loaded = ExecutorModels.get(settings, TaskScope.threads(settings));
            ContextParams params = ContextParams.builder().threads(TaskScope.threads(settings)).pooling(pooling)
                    .maxSequences(settings.sequences()).build();
            Embedder embedder = loaded.pool.take(params, Embedder.class, () -> Embedder.create(loaded.model, params));
            Runnable end = TaskScope.once(() -> loaded.pool.giveBack(params, embedder));
            return new Groups(rows, embedder, end);
        }

        /** Reads up to rowsInFlight rows, embeds them together, hands them out, reads the next group. */
        private final class Groups implements Iterator<Row> {
            private final Iterator<Row> rows;
            private final Runnable end;
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private final Embedder embedder;

            Groups(Iterator<Row> rows, Embedder embedder, Runnable end) {
                this.rows = rows;
                this.embedder = embedder;
                this.end = end;
            }

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) {
                    TaskScope.checkKilled();
                    List<Row> group = new ArrayList<>();
                    while (group.size() < settings.rowsInFlight() && rows.hasNext()) {
                        group.add(rows.next());
                    }
                    ready.addAll(embed(group));
                }
                if (ready.isEmpty()) {
                    end.run();
                    return false;
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private List<Row> embed(List<Row> group) {
                List<Row> out = new ArrayList<>(group.size());
                List<String> text = new ArrayList<>(group.size());
                try {
                    group.forEach(r -> text.add(texts.of(r)));
                    List<float[]> vectors = embedder.embed(text, normalize);
                    for (int i = 0; i < group.size(); i++) {
                        out.add(Outputs.embedded(group.get(i), vectors.get(i)));
                    }
                    return out;
                } catch (RuntimeException groupFailed) {
                    out.clear(); // one row spoiled the group: embed one at a time to find it
                    for (Row row : group) {
                        try {
                            out.add(Outputs.embedded(row, embedder.embed(texts.of(row), normalize)));
                        } catch (RuntimeException e) {
                            if (settings.failOnError()) {
                                throw new RowFailedException("embedding a row failed: " + Outputs.reason(e), e);
                            }
                            out.add(Outputs.embeddingFailed(row, Outputs.reason(e)));
                        }
                    }
                    return out;
                }
            }
        }
    }

    public static final class Builder extends TransformBuilder<Builder> {
        private String textColumn = "text";
        private boolean normalize = true;
        private PoolingType pooling = PoolingType.UNSPECIFIED;

        private Builder() {}

        /** The string column to embed (default {@code text}). */
        public Builder textColumn(String column) {
            textColumn = column;
            return this;
        }

        /** Scale each vector to unit length (default true). */
        public Builder normalize(boolean on) {
            normalize = on;
            return this;
        }

        /** The pooling; UNSPECIFIED (default) takes the model's, MEAN for a model without one. */
        public Builder pooling(PoolingType type) {
            pooling = type;
            return this;
        }

        public EmbeddingTransform build() {
            return new EmbeddingTransform(this);
        }
    }
}
