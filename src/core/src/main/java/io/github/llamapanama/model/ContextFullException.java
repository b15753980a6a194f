package io.github.llamapanama.model;

import io.github.llamapanama.LlamaException;

/** The KV cache has no room for more tokens: the prompt or conversation exceeds n_ctx. */
public final class ContextFullException extends LlamaException {
    public ContextFullException(String message) {
        super(message);
    }
}
