package io.github.llamapanama.generation;

/** Why a generation ended. */
public enum FinishReason {
    /** the model produced an end-of-generation token */
    END_OF_GENERATION,
    /** a stop string matched */
    STOP_STRING,
    /** maxTokens were generated */
    MAX_TOKENS,
    /** the context (KV cache) is full */
    CONTEXT_FULL,
    /** {@link Generation#cancel()} or the context's cancel was called */
    CANCELLED
}
