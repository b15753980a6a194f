package io.github.llamapanama.spark;

import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.video.VideoFrames;
import io.github.llamapanama.vision.video.VideoLimits;
import io.github.llamapanama.vision.video.VideoPrompt;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * One answer per video: frames sampled at segment midpoints as {@code describe --video} does
 * (the model card's {@code get_index}), prompted as {@code Frame1: <image>\n...} before the
 * question. The video column holds a path/URI (a file, or a directory of frames) or binary
 * content; GIF and MP4/MOV with H.264 are read in pure Java. Adds the same columns as
 * {@link VisionTransform}.
 */
public final class VideoTransform implements Serializable {
    private final Settings settings;
    private final String videoColumn;
    private final String prompt;
    private final String promptColumn;
    private final int frames;
    private final int maxTiles;

    private VideoTransform(Builder b) {
        this.settings = b.mediaSettings("video");
        this.videoColumn = b.videoColumn;
        this.prompt = b.prompt;
        this.promptColumn = b.promptColumn;
        this.frames = b.frames;
        this.maxTiles = b.maxTiles;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Dataset<Row> transform(Dataset<Row> input) {
        StructType schema = input.schema();
        MediaInput video = MediaInput.of(schema, videoColumn, input.sparkSession().sparkContext().hadoopConfiguration());
        Prompts prompts = Prompts.of(schema, prompt, promptColumn);
        return input.mapPartitions(new Run(settings, video, prompts, frames, maxTiles),
                Encoders.row(Outputs.generation(schema, settings.answerTokens())));
    }

    private record Run(Settings settings, MediaInput video, Prompts prompts, int frames, int maxTiles)
            implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return Collections.emptyIterator();
            }
            ExecutorModels.Loaded loaded = ExecutorModels.get(settings, TaskScope.threads(settings));
            return new GenerationPartition(rows, settings, loaded, row -> {
                String question = prompts.of(row);
                return (batch, sampler, params, listener) -> batch.admit((context, sequence) -> {
                    List<Bitmap> bitmaps = new ArrayList<>();
                    try (MediaInput.LocalFile file = video.localFile(row, VideoLimits.DEFAULT.maxBytes())) {
                        for (BufferedImage frame : VideoFrames.open(file.path()).sample(frames)) {
                            bitmaps.add(Bitmap.of(frame));
                        }
                        return VisionPrompt.evaluate(loaded, settings.systemPrompt(), context, sequence,
                                VideoPrompt.prefix(bitmaps.size()) + question, bitmaps, maxTiles);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    } finally {
                        bitmaps.forEach(Bitmap::close);
                    }
                }, sampler, params, listener);
            });
        }
    }

    public static final class Builder extends MediaTransformBuilder<Builder> {
        private String videoColumn = "path";
        private int frames = 8;

        private Builder() {
            sequences = 4;
            contextPerSequence = 4096; // 8 frames of 256 image tokens, the question and the answer
        }

        /** A path/URI string or binary content; default {@code path}. */
        public Builder videoColumn(String column) {
            videoColumn = column;
            return this;
        }

        /** Frames sampled per video (default 8, as {@code describe --frames}). */
        public Builder frames(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("frames must be >= 1, was " + n);
            }
            frames = n;
            return this;
        }

        public VideoTransform build() {
            return new VideoTransform(this);
        }
    }
}
