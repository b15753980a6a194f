package io.github.llamapanama.chat;

import io.github.llamapanama.generation.GenerationResult;

import java.util.List;

/**
 * The assistant's answer in a conversation with tools: its text and the tool calls it made
 * (parsed from the Hermes format; a malformed call stays in the text).
 *
 * @param content    the text outside tool calls; empty when the answer only calls tools
 * @param toolCalls  the calls, in order; empty when the model answered in text
 * @param generation the raw generation (whole text, tokens, finish reason, timings)
 */
public record ChatReply(String content, List<ToolCall> toolCalls, GenerationResult generation) {
    public ChatReply {
        toolCalls = List.copyOf(toolCalls);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /** This answer as the assistant message the conversation records. */
    public ChatMessage toMessage() {
        return ChatMessage.assistant(content, toolCalls);
    }
}
