package io.github.llamapanama.vision;

import io.github.llamapanama.LlamaException;

/** A projector, media file or multimodal prompt was refused; the message says why. */
public class VisionException extends LlamaException {
    public VisionException(String message) {
        super(message);
    }

    public VisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
