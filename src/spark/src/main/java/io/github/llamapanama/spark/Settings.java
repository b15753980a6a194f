package io.github.llamapanama.spark;

import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.model.Vocab;

import java.io.Serializable;
import java.util.List;

/**
 * What every transform ships to the executors (serializable, no native state).
 *
 * @param sequences          rows decoded together as parallel sequences of one context
 * @param contextPerSequence KV cache positions per sequence (prompt, media and answer)
 * @param rowsInFlight       most rows of a partition read but not yet written out
 * @param threads            threads per task; 0 takes {@code spark.task.cpus}
 * @param temperature        0 samples greedily
 * @param answerTokens       add the answer's token ids as a column
 */
record Settings(ModelFiles files, int sequences, int contextPerSequence, int rowsInFlight, int threads, int gpuLayers,
                int maxTokens, float temperature, int topK, float topP, float minP, long seed, List<String> stopStrings,
                boolean failOnError, String systemPrompt, boolean answerTokens) implements Serializable {

    Settings {
        if (files == null) {
            throw new IllegalArgumentException("no model: call model(...), sparkFiles(...) or hub(...)");
        }
        if (sequences < 1 || sequences > 256) {
            throw new IllegalArgumentException("sequences must be in [1, 256], was " + sequences);
        }
        if (contextPerSequence < 64) {
            throw new IllegalArgumentException("contextPerSequence must be >= 64, was " + contextPerSequence);
        }
        if (rowsInFlight < sequences) {
            throw new IllegalArgumentException("rowsInFlight (" + rowsInFlight + ") must be >= sequences (" + sequences + ")");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: spark.task.cpus), was " + threads);
        }
        stopStrings = List.copyOf(stopStrings);
        GenerationParams.maxTokens(maxTokens).withStopStrings(stopStrings.toArray(String[]::new)); // validates
    }

    GenerationParams generationParams() {
        return GenerationParams.maxTokens(maxTokens).withStopStrings(stopStrings.toArray(String[]::new));
    }

    /** The context of one task: {@code sequences} sequences of {@code contextPerSequence} positions. */
    ContextParams contextParams(int taskThreads, boolean embeddings) {
        return ContextParams.builder().contextSize(contextPerSequence * sequences).maxSequences(sequences)
                .threads(taskThreads).embeddings(embeddings).build();
    }

    Sampler sampler(Vocab vocab) {
        if (temperature <= 0) {
            return Sampler.builder().greedy().build();
        }
        return Sampler.of(SamplingParams.builder().temperature(temperature).topK(topK).topP(topP).minP(minP)
                .seed(seed).build(), vocab);
    }
}
