package io.github.llamapanama.vision.video;

import io.github.llamapanama.vision.VisionException;

import java.io.Serial;

/**
 * A video that cannot be read: an unsupported container or codec, a corrupt or truncated file,
 * or one beyond the {@link VideoLimits}. The message names the file and the reason.
 */
public final class VideoFormatException extends VisionException {
    @Serial
    private static final long serialVersionUID = 1L;

    public VideoFormatException(String message) {
        super(message);
    }

    public VideoFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
