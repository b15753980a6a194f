package io.github.llamapanama.spark;

import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.MediaLimits;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Answers a question about the image of each row, on the executors: the image column holds
 * binary content (as the {@code binaryFile} source gives it) or a path / URI; the question is
 * fixed or comes from a column. The output has the input's columns plus {@code answer},
 * {@code finish_reason}, {@code prompt_tokens}, {@code generated_tokens}, {@code inference_ms}
 * and {@code error} (null unless the row failed).
 *
 * {@snippet :
 * Dataset<Row> images = spark.read().format("binaryFile").load("photos/*.jpg");
 * Dataset<Row> described = VisionTransform.builder()
 *         .model("/models/InternVL3-1B-Instruct-Q8_0.gguf", "/models/mmproj-InternVL3-1B-Instruct-Q8_0.gguf")
 *         .prompt("Please describe the image shortly.").maxTokens(128)
 *         .build().transform(images);
 * }
 */
public final class VisionTransform implements Serializable {
    private final Settings settings;
    private final String imageColumn;
    private final String prompt;
    private final String promptColumn;
    private final int maxTiles;

    private VisionTransform(Builder b) {
        this.settings = b.mediaSettings("vision");
        this.imageColumn = b.imageColumn;
        this.prompt = b.prompt;
        this.promptColumn = b.promptColumn;
        this.maxTiles = b.maxTiles;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The rows with their answers; lazy, as every Spark transformation. */
    public Dataset<Row> transform(Dataset<Row> input) {
        StructType schema = input.schema();
        MediaInput image = MediaInput.of(schema, imageColumn, input.sparkSession().sparkContext().hadoopConfiguration());
        Prompts prompts = Prompts.of(schema, prompt, promptColumn);
        return input.mapPartitions(new Run(settings, image, prompts, maxTiles), Encoders.row(Outputs.generation(schema, settings.answerTokens())));
    }

    private record Run(Settings settings, MediaInput image, Prompts prompts, int maxTiles)
            implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return Collections.emptyIterator();
            }
            ExecutorModels.Loaded loaded = ExecutorModels.get(settings, TaskScope.threads(settings));
            MediaLimits limits = MediaLimits.defaults();
            return new GenerationPartition(rows, settings, loaded, row -> {
                byte[] bytes = image.bytes(row, limits);
                String question = prompts.of(row);
                return (batch, sampler, params, listener) -> batch.admit((context, sequence) -> {
                    try (Bitmap bitmap = Bitmap.decode(loaded.projector, bytes, limits)) {
                        return VisionPrompt.evaluate(loaded, settings.systemPrompt(), context, sequence, question,
                                List.of(bitmap), maxTiles);
                    }
                }, sampler, params, listener);
            });
        }
    }

    public static final class Builder extends MediaTransformBuilder<Builder> {
        private String imageColumn = "content";

        private Builder() {}

        /** Binary content or a path/URI string; default {@code content}, the {@code binaryFile} source's column. */
        public Builder imageColumn(String column) {
            imageColumn = column;
            return this;
        }

        public VisionTransform build() {
            return new VisionTransform(this);
        }
    }
}
