package io.github.llamapanama.provider;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ToolCall;
import io.github.llamapanama.vision.VisionChat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation handed to {@link LocalModel#chat}: its role and its parts, text
 * and media in order. A media item becomes the projector's marker followed by a newline, as the
 * server renders an {@code image_url} part.
 */
public record Turn(ChatMessage.Role role, List<Part> parts, List<ToolCall> toolCalls, String toolCallId) {

    public Turn {
        Objects.requireNonNull(role, "role");
        parts = List.copyOf(parts);
        toolCalls = List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != ChatMessage.Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls");
        }
        if ((toolCallId != null) != (role == ChatMessage.Role.TOOL)) {
            throw new IllegalArgumentException("a tool message, and only a tool message, names the call it answers");
        }
        if (role != ChatMessage.Role.USER && parts.stream().anyMatch(Media.class::isInstance)) {
            throw new IllegalArgumentException("media are allowed in user messages only");
        }
    }

    public Turn(ChatMessage.Role role, List<Part> parts) {
        this(role, parts, List.of(), null);
    }

    /** An assistant turn that called tools ({@code text} may be empty). */
    public static Turn assistant(String text, List<ToolCall> calls) {
        return new Turn(ChatMessage.Role.ASSISTANT, List.of(Part.text(text)), calls, null);
    }

    /** A tool's result, answering the call with this id. */
    public static Turn tool(String toolCallId, String result) {
        return new Turn(ChatMessage.Role.TOOL, List.of(Part.text(result)), List.of(), toolCallId);
    }

    public static Turn system(String text) {
        return new Turn(ChatMessage.Role.SYSTEM, List.of(Part.text(text)));
    }

    public static Turn assistant(String text) {
        return new Turn(ChatMessage.Role.ASSISTANT, List.of(Part.text(text)));
    }

    public static Turn user(String text) {
        return new Turn(ChatMessage.Role.USER, List.of(Part.text(text)));
    }

    /**
     * A user message whose media come first, each on its own line ("Image-1: ..." when there
     * are several), then the text: the prompt {@link VisionChat#send} builds for a text without
     * placeholders, so both give the model the same tokens.
     */
    public static Turn user(String text, List<Media> media) {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < media.size(); i++) {
            if (media.size() > 1) {
                parts.add(Part.text("Image-" + (i + 1) + ": "));
            }
            parts.add(media.get(i));
        }
        parts.add(Part.text(text));
        return new Turn(ChatMessage.Role.USER, parts);
    }

    /** The media of this turn, in order. */
    public List<Media> media() {
        return parts.stream().filter(Media.class::isInstance).map(Media.class::cast).toList();
    }

    /** This turn as the chat template takes it, each media item as {@code marker} and a newline. */
    ChatMessage message(String marker) {
        return new ChatMessage(role, render(marker), toolCalls, toolCallId);
    }

    /** The text with each media item as {@code marker} and a newline. */
    String render(String marker) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            switch (p) {
                case Part.Text t -> out.append(t.text());
                case Media m -> out.append(marker).append('\n');
            }
        }
        return out.toString();
    }
}
