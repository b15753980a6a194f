package io.github.llamapanama.chat;

import java.util.Objects;

/**
 * Whether and which tool the model must call, as OpenAI's {@code tool_choice}: {@link #auto()}
 * (the model decides), {@link #none()} (answer in text; the tools are not shown),
 * {@link #required()} (at least one call) or {@link #function(String)} (a call of that one).
 * Required and named choices are enforced by a grammar, so the output is always a valid call.
 */
public sealed interface ToolChoice {
    record Auto() implements ToolChoice {
    }

    record None() implements ToolChoice {
    }

    record Required() implements ToolChoice {
    }

    record Function(String name) implements ToolChoice {
        public Function {
            Objects.requireNonNull(name, "name");
        }
    }

    static ToolChoice auto() {
        return new Auto();
    }

    static ToolChoice none() {
        return new None();
    }

    static ToolChoice required() {
        return new Required();
    }

    static ToolChoice function(String name) {
        return new Function(name);
    }
}
