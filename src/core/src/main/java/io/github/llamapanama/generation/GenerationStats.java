package io.github.llamapanama.generation;

/**
 * Timings of one generation, measured around the native calls.
 *
 * @param promptTokens      prompt tokens evaluated (those already in the KV cache are not)
 * @param promptMillis      time to evaluate them
 * @param generatedTokens   tokens sampled
 * @param generationMillis  time from the first sample to the end
 * @param cachedTokens      prompt tokens (positions) reused from the KV cache, not evaluated;
 *                          the whole prompt is {@code promptTokens + cachedTokens}
 */
public record GenerationStats(int promptTokens, double promptMillis, int generatedTokens, double generationMillis,
                              int cachedTokens) {

    /** Stats of a generation that reused nothing from the KV cache (or does not count it). */
    public GenerationStats(int promptTokens, double promptMillis, int generatedTokens, double generationMillis) {
        this(promptTokens, promptMillis, generatedTokens, generationMillis, 0);
    }

    public double promptTokensPerSecond() {
        return promptMillis <= 0 ? 0 : promptTokens * 1000.0 / promptMillis;
    }

    public double generationTokensPerSecond() {
        return generationMillis <= 0 ? 0 : generatedTokens * 1000.0 / generationMillis;
    }
}
