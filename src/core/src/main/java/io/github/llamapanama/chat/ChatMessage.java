package io.github.llamapanama.chat;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation. An assistant message may carry the tool calls the model made
 * ({@code content} may then be empty); a {@link Role#TOOL} message carries a tool's result for
 * the call {@code toolCallId}.
 *
 * @param role       who speaks
 * @param content    the text (never null; empty when an assistant message only calls tools)
 * @param toolCalls  the assistant's tool calls, else empty
 * @param toolCallId the call a tool message answers, else null
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls, not " + role.templateName());
        }
        if (role == Role.TOOL && (toolCallId == null || toolCallId.isEmpty())) {
            throw new IllegalArgumentException("a tool message needs the id of the call it answers");
        }
    }

    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /** An assistant turn that called tools (content may be empty). */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, content == null ? "" : content, toolCalls, null);
    }

    /** A tool's result, answering the call with this id. */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(Role.TOOL, content, List.of(), toolCallId);
    }

    /** The roles chat templates know, with their template names. */
    public enum Role {
        SYSTEM("system"), USER("user"), ASSISTANT("assistant"), TOOL("tool");

        private final String templateName;

        Role(String templateName) {
            this.templateName = templateName;
        }

        public String templateName() {
            return templateName;
        }
    }
}
