package io.github.llamapanama.model;

/**
 * llama_perf_context_data: llama.cpp's own timing of a context.
 *
 * @param loadMillis        model load time, as llama.cpp counted it
 * @param promptMillis      time spent on prompt tokens (batches of more than one token)
 * @param promptTokens      prompt tokens evaluated
 * @param generationMillis  time spent on single-token decodes
 * @param generatedTokens   single-token decodes
 */
public record PerfTimings(double loadMillis, double promptMillis, int promptTokens,
                          double generationMillis, int generatedTokens) {

    public double promptTokensPerSecond() {
        return promptMillis <= 0 ? 0 : promptTokens * 1000.0 / promptMillis;
    }

    public double generationTokensPerSecond() {
        return generationMillis <= 0 ? 0 : generatedTokens * 1000.0 / generationMillis;
    }
}
