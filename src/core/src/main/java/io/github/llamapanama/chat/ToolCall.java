package io.github.llamapanama.chat;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * A call the model made (or, in a history sent back, made earlier): OpenAI's
 * {@code tool_calls[]} entry of type function.
 *
 * @param id        identifies the call; a tool result answers it with the same id
 * @param name      the function's name
 * @param arguments the arguments as JSON text, an object ({@code {"city": "Paris"}})
 */
public record ToolCall(String id, String name, String arguments) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }

    /** A call with a fresh id ({@code call_} and 24 random letters and digits, as OpenAI's look). */
    public static ToolCall of(String name, String arguments) {
        return new ToolCall(newId(), name, arguments);
    }

    public static String newId() {
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
