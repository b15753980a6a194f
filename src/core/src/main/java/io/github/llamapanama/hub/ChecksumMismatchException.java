package io.github.llamapanama.hub;

/** A downloaded file's SHA-256 differs from the one the hub published; the file was deleted. */
public final class ChecksumMismatchException extends HubException {
    private final String expected;
    private final String actual;

    public ChecksumMismatchException(String what, String expected, String actual) {
        super("SHA-256 mismatch for " + what + ": the hub says " + expected + " but the download is "
                + actual + "; the file was deleted, try again");
        this.expected = expected;
        this.actual = actual;
    }

    /** The SHA-256 the hub published (its ETag), in lower-case hex. */
    public String expected() {
        return expected;
    }

    /** The SHA-256 of the bytes received, in lower-case hex. */
    public String actual() {
        return actual;
    }
}
