package io.github.llamapanama.chat;

/** What a {@link ChatSession} does when the conversation no longer fits in the context. */
public enum OverflowPolicy {
    /** throw {@link io.github.llamapanama.model.ContextFullException} */
    ERROR,
    /** drop the oldest user/assistant turns (never the system message) until it fits */
    DROP_OLDEST_TURNS
}
