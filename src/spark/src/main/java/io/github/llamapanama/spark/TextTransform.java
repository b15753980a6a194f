package io.github.llamapanama.spark;

import io.github.llamapanama.chat.ChatMessage;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Answers the text prompt of each row, on the executors, rows of a partition decoded together as
 * parallel sequences. By default each prompt is a user message in the model's chat template;
 * {@code chat(false)} continues the raw text. Adds the same columns as {@link VisionTransform}.
 */
public final class TextTransform implements Serializable {
    private final Settings settings;
    private final String promptColumn;
    private final boolean chat;

    private TextTransform(Builder b) {
        this.settings = b.settings();
        this.promptColumn = b.promptColumn;
        this.chat = b.chat;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Dataset<Row> transform(Dataset<Row> input) {
        StructType schema = input.schema();
        Prompts prompts = Prompts.of(schema, null, promptColumn);
        return input.mapPartitions(new Run(settings, prompts, chat), Encoders.row(Outputs.generation(schema, settings.answerTokens())));
    }

    private record Run(Settings settings, Prompts prompts, boolean chat) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return Collections.emptyIterator();
            }
            ExecutorModels.Loaded loaded = ExecutorModels.get(settings, TaskScope.threads(settings));
            return new GenerationPartition(rows, settings, loaded, row -> {
                String text = prompts.of(row);
                return (batch, sampler, params, listener) -> {
                    String prompt = text;
                    if (chat) {
                        List<ChatMessage> messages = new ArrayList<>();
                        if (settings.systemPrompt() != null) {
                            messages.add(ChatMessage.system(settings.systemPrompt()));
                        }
                        messages.add(ChatMessage.user(text));
                        prompt = loaded.template.apply(messages, true);
                    }
                    batch.admit(loaded.model.vocab().tokenize(prompt, true, true), sampler, params, listener);
                };
            });
        }
    }

    public static final class Builder extends TransformBuilder<Builder> {
        private String promptColumn = "prompt";
        private boolean chat = true;

        private Builder() {}

        /** The string column of prompts (default {@code prompt}). */
        public Builder promptColumn(String column) {
            promptColumn = column;
            return this;
        }

        /** true (default): each prompt is a user message in the chat template; false: raw text to continue. */
        public Builder chat(boolean on) {
            chat = on;
            return this;
        }

        public TextTransform build() {
            return new TextTransform(this);
        }
    }
}
