package io.github.llamapanama.generation;

/**
 * Timings of one generation, measured around the native calls.
 *
 * @param promptTokens      prompt tokens evaluated (those already in the KV cache are not)
 * @param promptMillis      time to evaluate them
 * @param generatedTokens   tokens sampled
 * @param generationMillis  time from the first sample to the end
 */
public record GenerationStats(int promptTokens, double promptMillis, int generatedTokens, double generationMillis) {

    public double promptTokensPerSecond() {
        return promptMillis <= 0 ? 0 : promptTokens * 1000.0 / promptMillis;
    }

    public double generationTokensPerSecond() {
        return generationMillis <= 0 ? 0 : generatedTokens * 1000.0 / generationMillis;
    }
}
