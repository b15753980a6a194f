package io.github.llamapanama.spark;

/** A row could not be answered and the transform was built with {@code failOnError(true)}: the task fails. */
public final class RowFailedException extends RuntimeException {
    public RowFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
