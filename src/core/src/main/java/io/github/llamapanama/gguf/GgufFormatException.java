package io.github.llamapanama.gguf;

import io.github.llamapanama.LlamaException;

/**
 * A GGUF file that is not well formed: bad magic or version, a count or length that the file
 * cannot hold, a tensor outside the file or out of place. The message names the file, what was
 * wrong and the byte offset where it was found; the file never reaches llama.cpp.
 */
public final class GgufFormatException extends LlamaException {
    private final long offset;

    public GgufFormatException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    /** Byte offset in the file where the problem was found, or -1 when it is not one place. */
    public long offset() {
        return offset;
    }
}
