package io.github.llamapanama.hub;

/**
 * The hub could not be used: offline mode with the file not cached, a connection or DNS failure,
 * a timeout, a server error (5xx), or a transfer cut short. The message is short and says what to
 * pass instead; a cut-short transfer keeps its partial file and resumes on the next attempt.
 */
public final class HubUnavailableException extends HubException {
    public HubUnavailableException(String message) {
        super(message);
    }

    public HubUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
