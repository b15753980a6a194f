package io.github.llamapanama.hub;

import io.github.llamapanama.LlamaException;

/**
 * The hub refused a request (authentication, a missing repo or file, no file for a quant) or a
 * download could not be stored. {@link HubUnavailableException} covers an unreachable hub.
 */
public class HubException extends LlamaException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
