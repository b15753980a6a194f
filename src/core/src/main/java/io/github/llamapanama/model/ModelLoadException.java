package io.github.llamapanama.model;

import io.github.llamapanama.LlamaException;

/** A model file could not be loaded; the message carries llama.cpp's reason where it gave one. */
public class ModelLoadException extends LlamaException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
