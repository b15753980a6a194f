package io.github.llamapanama.provider;

import io.github.llamapanama.generation.FinishReason;

/**
 * A finished answer of {@link LocalModel#chat}.
 *
 * @param text             the answer, without stop strings
 * @param tokens           the sampled tokens (with a final end-of-generation token if one ended it)
 * @param finishReason     why it ended
 * @param promptTokens     positions of the whole prompt, text and media
 * @param cachedTokens     of those, positions reused from the KV cache of an earlier call
 * @param completionTokens tokens sampled
 */
public record Answer(String text, int[] tokens, FinishReason finishReason, int promptTokens, int cachedTokens,
                     int completionTokens) {}
