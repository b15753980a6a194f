package io.github.llamapanama.provider;

import io.github.llamapanama.chat.ToolCall;
import io.github.llamapanama.generation.FinishReason;

import java.util.List;

/**
 * A finished answer of {@link LocalModel#chat}.
 *
 * @param text             the answer's content, without stop strings (and without tool calls)
 * @param toolCalls        the tools the answer called (parsed from the Hermes format), else empty
 * @param tokens           the sampled tokens (with a final end-of-generation token if one ended it)
 * @param finishReason     why it ended
 * @param promptTokens     positions of the whole prompt, text and media
 * @param cachedTokens     of those, positions reused from the KV cache of an earlier call
 * @param completionTokens tokens sampled
 */
public record Answer(String text, List<ToolCall> toolCalls, int[] tokens, FinishReason finishReason, int promptTokens, int cachedTokens,
                     int completionTokens) {}
