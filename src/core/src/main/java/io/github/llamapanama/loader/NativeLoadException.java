package io.github.llamapanama.loader;

import io.github.llamapanama.LlamaException;

/** The native libraries could not be found or loaded; the message names every place tried. */
public final class NativeLoadException extends LlamaException {
    public NativeLoadException(String message) {
        super(message);
    }

    public NativeLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
